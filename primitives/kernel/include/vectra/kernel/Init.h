/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra::kernel {

/*
 * Components register (init, fini) pairs in ordered classes. At boot the kernel runs every
 * init in class order, then by priority (lower first), then by name; at shutdown it runs the
 * fini functions in exactly the reverse order.
 */
enum class InitClass : u8 {
    Early = 0,
    Platform = 1,
    Driver = 2,
    Service = 3,
    Late = 4,
};

struct InitEntry {
    InitClass init_class;
    u16 priority;
    char const* name;
    ErrorOr<void> (*init)();
    void (*fini)();
};

/* The registered entries, sorted; `count` is written on success. */
[[nodiscard]] ErrorOr<void> sorted_init_entries(InitEntry const** output, usize capacity, usize& count);

}

/*
 * VECTRA_INIT(name, class, priority, init, fini) — one declarative line at the end of a file.
 * The entry lands in the `vectra_init` section, which the linker collects.
 */
#define VECTRA_INIT(identifier, init_class, priority, init_function, fini_function)                   \
    [[gnu::used, gnu::retain, gnu::section("vectra_init")]] __attribute__((no_sanitize("address"))) static constinit ::vectra::kernel::InitEntry \
        vectra_init_entry_##identifier { ::vectra::kernel::InitClass::init_class, priority, #identifier, \
            init_function, fini_function }
