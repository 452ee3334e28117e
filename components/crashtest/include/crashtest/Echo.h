/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The echo Ring schema of the supervision image: the reply is the request. The request "crash"
 * makes the flaky service panic, on purpose.
 */

#pragma once

#include <string_view>
#include <vectra/Ring.h>

namespace vectra::crashtest {

inline constexpr std::string_view echo_description = "schema vectra.test.echo version 1\n"
                                                     "request: bytes -> reply: the same bytes\n"
                                                     "the request \"crash\" makes the service panic\n";
inline constexpr u64 echo_schema_id = schema_id_of(echo_description);

inline constexpr std::string_view counter_description = "schema vectra.test.counter version 1\n"
                                                        "message: u32 sequence number, from 1, no reply\n";
inline constexpr u64 counter_schema_id = schema_id_of(counter_description);

inline constexpr u32 slot_count = 8;
inline constexpr u32 slot_size = 64;

}
