/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The two GIC drivers behind Gic.h, each with the same operations (Gic.cpp picks one at boot).
 */

#pragma once

#include "GicDescription.h"
#include <vectra/Types.h>

namespace vectra::platform::aarch64 {

#define VECTRA_AARCH64_GIC_DRIVER_OPERATIONS                                                                          \
    /* Distributor and the boot CPU's interface; returns the number of INTIDs (at most 1020). */                      \
    u32 initialize(GicDescription const&);                                                                             \
    void initialize_secondary_cpu();                                                                                   \
    u64 cpu_target();                                                                                                  \
    void send_software_interrupt(u32 line, u64 target);                                                                \
    void send_software_interrupt_to_self(u32 line);                                                                    \
    void enable_line(u32 line);                                                                                        \
    void disable_line(u32 line);                                                                                       \
    void set_level_triggered(u32 line);                                                                                \
    u32 acknowledge();                                                                                                 \
    void end_of_interrupt(u32 acknowledged);

namespace gic_v2 {
VECTRA_AARCH64_GIC_DRIVER_OPERATIONS
}

namespace gic_v3 {
VECTRA_AARCH64_GIC_DRIVER_OPERATIONS
}

#undef VECTRA_AARCH64_GIC_DRIVER_OPERATIONS

}
