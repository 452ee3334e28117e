/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * For the attacks that forge words the system interface would never build: one hand-made
 * CallFrame in the kernel's encoding (vectra/CallFrame.h), entered through
 * the same gate every system call uses.
 */

#pragma once

#include <string_view>
#include <vectra/CallFrame.h>
#include <vectra/System.h>
#include <vectra/Try.h>

namespace vectra::hostile {

using kernel::Call;
using kernel::CallFrame;

/* A forged call: raw words, as a hostile Task could put them in any frame. */
inline CallFrame forged(Call number, std::initializer_list<u64> arguments)
{
    CallFrame frame;
    frame.number = u64(number);
    usize index = 0;
    for (u64 argument : arguments)
        frame.arguments[index++] = argument;
    kernel::enter(frame);
    return frame;
}

}
