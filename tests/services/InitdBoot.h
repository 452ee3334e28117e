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

inline bool has_line(std::string const& output, std::string const& line)
{
    return output.find("\n" + line + "\n") != std::string::npos || output.rfind(line + "\n", 0) == 0;
}

}
