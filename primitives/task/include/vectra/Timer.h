/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Capability.h>
#include <vectra/SignalMask.h>

namespace vectra {

/*
 * A one-shot timer named by a TimerCap: armed for a monotonic deadline, it raises one bit of
 * its owner's Signal Mask when the deadline passes. The executor keeps armed timers and
 * programs the platform's deadline timer for the earliest.
 */
class Timer {
public:
    Timer(SignalMask& target, SignalBit bit)
        : m_target(target)
        , m_bit(bit)
    {
    }

    [[nodiscard]] SignalBit bit() const { return m_bit; }
    [[nodiscard]] u64 deadline() const { return m_deadline; }
    [[nodiscard]] bool is_armed() const { return m_deadline != 0; }

private:
    friend class Executor;
    SignalMask& m_target;
    SignalBit m_bit;
    u64 m_deadline { 0 };
    Timer* m_next_armed { nullptr };
};

}
