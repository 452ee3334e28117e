/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The Ring protocols of the crash and signal test images. vectra.test.echo is declared (the
 * reply is the request; the request "crash" makes the flaky service panic, on purpose).
 * vectra.test.counter is a bare Ring schema, not a protocol: a stream of u32 sequence numbers
 * sent in bursts, no envelope, no reply — it tests the Ring itself.
 */

#pragma once

#include <string_view>
#include <vectra/FixedString.h>
#include <vectra/Ring.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::crashtest {

enum class EchoError : u16 {
    Empty = 1,
};

struct Echo {
    FixedString<64> text;
    static constexpr auto fields() { return vectra::fields(field("text", &Echo::text)); }
};

struct Echoed {
    FixedString<64> text;
    static constexpr auto fields() { return vectra::fields(field("text", &Echoed::text)); }
};

struct EchoProtocol {
    static constexpr std::string_view name = "vectra.test.echo";
    static constexpr u16 version = 2;
    static constexpr u32 slot_count = 8;
    static constexpr u32 slot_size = 128;
    using Errors = EchoError;

    static constexpr auto errors() { return protocol::errors(protocol::error(EchoError::Empty, "empty", "there is no text to echo")); }
    static constexpr auto messages()
    {
        return protocol::messages(protocol::message<Echo, Echoed>("echo", "Replies with the request's text; \"crash\" makes the flaky service panic."));
    }
};

inline constexpr ErrorDomain echo_domain = protocol::error_domain<EchoProtocol>();
constexpr ErrorDomain const& error_domain(EchoError) { return echo_domain; }
inline constexpr u64 echo_schema_id = protocol::schema_id<EchoProtocol>;

inline constexpr std::string_view counter_description = "schema vectra.test.counter version 1\n"
                                                        "message: u32 sequence number, from 1, no reply\n";
inline constexpr u64 counter_schema_id = schema_id_of(counter_description);

inline constexpr u32 slot_count = 8;
inline constexpr u32 slot_size = 64;

}
