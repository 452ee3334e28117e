/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * lwIP started once per test process for netd's tests and fuzz target: its heap a static buffer,
 * its randomness a fixed pattern (so a run, and a failing input, replays the same ports and ISNs).
 */

#pragma once

#include <lwip/pbuf.h>
#include <netd/LwipBackend.h>
#include <netd/Session.h>
#include <netd/Stack.h>
#include <vectra/Entropy.h>

namespace vectra::test {

class PatternEntropy final : public EntropySource {
public:
    usize gather(std::span<u8> buffer) override
    {
        for (auto& byte : buffer)
            byte = u8(m_next++ * 131 + 7);
        return buffer.size();
    }

private:
    u32 m_next { 0 };
};

/* Starts the stack the first time; later calls find it running. */
inline ErrorOr<void> start_netd_stack()
{
    static bool started = false;
    if (started)
        return {};
    alignas(16) static u8 heap[netd::lwip_heap_bytes];
    static PatternEntropy entropy;
    auto result = netd::Stack::start(heap, entropy);
    started = !result.is_error();
    return result;
}

/* The bytes a session's sockets and pending connections really hold, counted from their buffers (not from the session's own account). */
inline usize held_bytes(netd::Session& session)
{
    usize total = 0;
    auto count = [&](netd::Socket& socket) {
        auto const& state = netd::LwipBackend::state(socket);
        if (state.received != nullptr)
            total += state.received->tot_len;
        for (usize index = 0; index < state.datagram_count; ++index)
            total += state.datagrams[index].bytes->tot_len;
    };
    session.sockets().for_each([&](u32, netd::Socket& socket) { count(socket); });
    session.for_each_pending(count);
    return total;
}

}
