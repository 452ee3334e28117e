/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * lwIP started once per test process for netd's tests and fuzz target: its heap a static buffer,
 * its randomness a fixed pattern (so a run, and a failing input, replays the same ports and ISNs).
 */

#pragma once

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

}
