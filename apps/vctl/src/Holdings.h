/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What both of vctl's Task entries hold once their footprint is checked, and what they then run:
 * vsh with vctl's commands over initd's control connection (Main.cpp). vctl_probing (Probing.cpp)
 * first shows the connection's request end stays put; vctl goes straight to its commands.
 */

#pragma once

#include <vectra/Capability.h>
#include <vectra/Try.h>
#include <vsh/Run.h>

namespace vectra::vctl {

struct Holdings {
    ConsoleCap console;
    ReticleCap memory;
    vsh::Connections connections; /* vfsd's listener and the terminal's */
    DeviceCap snapshot;
    RingCap control_requests; /* initd's control connection, client ends, granted without RightMove */
    RingCap control_replies;
};

/* Takes every slot both footprints declare (check the footprint first). */
[[nodiscard]] ErrorOr<Holdings> take_holdings(Bundle&);

/* Binds the control connection and runs vsh with vctl's commands until the person types exit. */
[[nodiscard]] ErrorOr<i32> run(Holdings);

}
