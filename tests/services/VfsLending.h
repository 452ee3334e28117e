/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * For tests of vectra.vfs v5 inside a Task that lends MemCaps (LendingTask.h): a request sent to a
 * SessionHandler with the capability its slot would carry, the answer, and whether vfsd kept the copy.
 */

#pragma once

#include "../LendingTask.h"
#include "VfsRequests.h"
#include <optional>
#include <vector>
#include <vectra/System.h>

namespace vectra::test {

/* vfsd's answer to `message` carrying a copy of `memory` with `rights` (left in `copy`), and whether vfsd kept the copy. */
struct Answer {
    u16 status { 0 };
    std::vector<u8> reply;
    bool copy_kept { false };
};

template<typename Request>
ErrorOr<Answer> send(SessionHandler& handler, Request const& message, std::optional<ReceivedCapability> carried, MemCap const* copy)
{
    auto bytes = request(message);
    protocol::MessageCapabilities capabilities;
    capabilities.received = carried;
    u8 buffer[ring_slot_size];
    usize length = handle_request(handler, bytes, buffer, capabilities);
    Answer answer;
    answer.status = TRY(protocol::read_envelope(std::span<u8 const>(buffer, length))).status;
    answer.reply.assign(buffer, buffer + length);
    answer.copy_kept = capabilities.received.has_value() || (copy && !system::map_memory_read_only(*copy).is_error());
    return answer;
}

template<typename Request>
ErrorOr<Answer> send_lending(SessionHandler& handler, Request const& message, MemCap const& memory, Rights rights)
{
    MemCap copy;
    auto carried = TRY(test::lent_copy(memory, rights, copy));
    return send(handler, message, carried, &copy);
}

template<typename Body>
inline Body body_of(Answer const& answer)
{
    Body decoded {};
    VERIFY(!protocol::decode_body(answer.reply, decoded).is_error());
    return decoded;
}

inline u16 status_of(auto code) { return protocol::status_of<Protocol>(Error(code, ""), domain); }

}
