/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * initd as the kernel starts it (the same capabilities), running the Supervisor on a test's own
 * boot manifest in a child process whose standard output the test reads; Tasks print lines there.
 */

#pragma once

#include "../platforms/ChildProcess.h"
#include "../TestSupport.h"
#include <initd/Supervisor.h>
#include <string>
#include <vectra/Ring.h>
#include <vectra/Try.h>
#include <vectra/kernel/Kernel.h>

namespace vectra::test {

inline void print_line(std::string const& text)
{
    std::string line = text + "\n";
    (void)!::write(STDOUT_FILENO, line.data(), line.size());
}

/* Boots initd on the test's boot_manifest in a child process; its output ends with "initd: status N" or "initd: error …". */
inline ChildResult run_initd()
{
    return run_in_child([] {
        Arena arena(32 * MiB);
        auto booted = [&]() -> ErrorOr<i32> {
            Task* initial = TRY(kernel::spawn_initial_task(arena.reticle(), [](Bundle& bundle) {
                return initd::supervise(bundle, initd::supervised_by_initd);
            }));
            return Executor::current().run_until_exit(*initial);
        }();
        print_line(booted.is_error() ? std::string("initd: error ") + booted.error().message() : "initd: status " + std::to_string(booted.value()));
        _exit(0);
    });
}

/*
 * Run inside a Task the boot manifest grants no end of a connection speaking `schema`: every Ring
 * handle it can make up (spaces 1-64, slots 0-63, generations 0-2) bound as either end. Prints
 * "<who>: N of M forged <what> bound" and returns 0 only if none bound.
 */
inline i32 bind_forged_ends(u64 schema, std::string const& who, std::string const& what)
{
    u32 tries = 0;
    u32 accepted = 0;
    for (u32 space = 1; space <= 64; ++space) {
        for (u16 slot = 0; slot < 64; ++slot) {
            for (u32 generation = 0; generation < 3; ++generation) {
                tries += 2;
                accepted += RingSender::bind(RingCap(space, slot, generation), schema, SignalBit(5)).is_error() ? 0 : 1;
                accepted += RingReceiver::bind(RingCap(space, slot, generation), schema, SignalBit(6)).is_error() ? 0 : 1;
            }
        }
    }
    print_line(who + ": " + std::to_string(accepted) + " of " + std::to_string(tries) + " forged " + what + " bound");
    return accepted == 0 ? 0 : 1;
}

inline bool has_line(std::string const& output, std::string const& line)
{
    return output.find("\n" + line + "\n") != std::string::npos || output.rfind(line + "\n", 0) == 0;
}

}
