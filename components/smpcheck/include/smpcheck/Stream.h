/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.test.stream: a bare Ring schema, not a protocol — a one-way stream of u64 words, each
 * the sender's CPU in the top byte and a sequence number from 1 below it.
 */

#pragma once

#include <string_view>
#include <vectra/Ring.h>
#include <vectra/Types.h>

namespace vectra::smpcheck {

inline constexpr std::string_view stream_description = "schema vectra.test.stream version 1\n"
                                                       "message: u64 sender cpu << 56 | sequence number from 1, no reply\n";
inline constexpr u64 stream_schema_id = schema_id_of(stream_description);
inline constexpr u32 slot_count = 256;
inline constexpr u32 slot_size = 32;

}
