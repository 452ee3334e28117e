/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the Socket benchmarks (BenchNet.cpp over lwIP, BenchNetHost.cpp over the host's sockets)
 * exchange: 64-byte requests whose bytes follow the iteration, answered byte for byte.
 */

#pragma once

#include <benchmark/benchmark.h>
#include <vectra/Types.h>

namespace vectra::bench {

inline constexpr usize message_bytes = 64;
inline constexpr usize task_stack = 128 * KiB;

/* Each iteration's request differs, so an answer left over from an earlier one cannot pass. */
inline void fill_request(u8 (&request)[message_bytes], u64 iteration)
{
    for (usize index = 0; index < message_bytes; ++index)
        request[index] = u8(iteration * 31 + index);
}

}
