/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A C program's main run inside a Task: on a stack of its own (memory the Task hands over), its
 * stdout and stderr the Task's console (whole lines), exit a return to the Task with its status.
 * The program's C headers are program/ (stdio.h, stdlib.h, unistd.h), which map the standard
 * names onto this runner's functions. One program at a time (its streams are this file's state).
 */

#pragma once

#include <span>
#include <vectra/Capability.h>
#include <vectra/Error.h>

namespace vectra::program {

using Main = int (*)(int, char**);

/*
 * Runs `main(arguments.size(), arguments)` (arguments are mutable C strings; argv[argc] is null
 * as C requires, so `arguments` ends with a null pointer not counted) on `stack` and returns its
 * status: main's return value or exit's argument. exit abandons the program's frames (C frames,
 * which own nothing outside the program's own libraries' memory). The lowest 4 KiB of the stack
 * is a canary: a program that reached it is an error (its stack has no guard page).
 */
[[nodiscard]] ErrorOr<int> run(Main main, std::span<char*> arguments, std::span<u8> stack, ConsoleCap const& console);

}
