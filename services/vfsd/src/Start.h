/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What vfsd's two Task entries share: vfsd (the RAM tree only) and vfsd_disks (block mounts too).
 */

#pragma once

#include <vectra/Bundle.h>
#include <vectra/Capability.h>
#include <vfsd/MountTable.h>
#include <vfsd/Server.h>

namespace vectra::vfs {

struct Started {
    ConsoleCap console;
    ReticleCap memory;
    RingCap requests;
    RingCap replies;
    SignalCap ready;
    Service service;
    MountTable* mounts; /* in vfsd's memory: a table is 8 KiB, too much for its stack */
};

/*
 * Takes the slots both entries have, places the RAM tree at `/` and builds the mount table: from
 * the "config" slot's configuration when the entry has one (vfsd_disks, ADR 0037), else `ram` at `/`.
 */
[[nodiscard]] ErrorOr<Started> start(Bundle&, ConfiguredBackends, bool has_configuration);

/* Reports ready, prints the namespace and serves sessions until the listener fails. */
[[nodiscard]] ErrorOr<i32> serve(Started&);

}
