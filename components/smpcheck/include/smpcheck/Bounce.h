/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.test.bounce: a bare Ring schema, not a protocol — a u64 request answered by one u64 reply,
 * the request plus one with the server's CPU in the top byte.
 */

#pragma once

#include <string_view>
#include <vectra/Ring.h>
#include <vectra/Types.h>

namespace vectra::smpcheck {

inline constexpr std::string_view bounce_description = "schema vectra.test.bounce version 1\n"
                                                       "message: u64 round number from 1\n"
                                                       "reply: u64 server cpu << 56 | round number + 1\n";
inline constexpr u64 bounce_schema_id = schema_id_of(bounce_description);
inline constexpr u32 bounce_slot_count = 8;
inline constexpr u32 bounce_slot_size = 32;

}
