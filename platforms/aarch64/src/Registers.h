/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * System-register access and barriers.
 */

#pragma once

#include <vectra/Types.h>

#define VECTRA_AARCH64_READ_REGISTER(name)                                                                             \
    ({                                                                                                                 \
        ::vectra::u64 _register_value;                                                                                 \
        asm volatile("mrs %0, " #name : "=r"(_register_value));                                                        \
        _register_value;                                                                                               \
    })

#define VECTRA_AARCH64_WRITE_REGISTER(name, value)                                                                     \
    asm volatile("msr " #name ", %0" ::"r"(static_cast<::vectra::u64>(value)) : "memory")

namespace vectra::platform::aarch64 {

inline void instruction_barrier() { asm volatile("isb" ::: "memory"); }
inline void data_barrier() { asm volatile("dsb sy" ::: "memory"); }

inline void mask_all_exceptions() { asm volatile("msr daifset, #0xf" ::: "memory"); }

[[noreturn]] inline void halt_forever()
{
    mask_all_exceptions();
    for (;;)
        asm volatile("wfi");
}

}
