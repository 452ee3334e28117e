/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * @name@'s Ring schema. The id is the hash of the description and both ends present it when they
 * bind, so a client built against another version is refused: change the description (and its
 * version) whenever the messages change.
 */

#pragma once

#include <string_view>
#include <vectra/Ring.h>

namespace vectra::services::@name@ {

inline constexpr std::string_view description = "schema vectra.@name@ version 1\n"
                                                "request: bytes -> reply: the same bytes\n";
inline constexpr u64 schema_id = schema_id_of(description);
inline constexpr u32 ring_slot_count = 8;
inline constexpr u32 ring_slot_size = 64;

}
