/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/kernel/Capability.h>
#include <vectra/kernel/SignalMask.h>

namespace vectra {

/*
 * A one-shot timer named by a TimerCap: armed for a monotonic deadline, it raises one bit of
 * its owner's Signal Mask when the deadline passes. The executor keeps armed timers and
 * programs the platform's deadline timer for the earliest.
 */
class Timer final : public KernelObject {
public:
    /* The Timer pins the mask it raises (and so the Task holding it) until it retires. */
    Timer(KernelObject* origin, SignalMask& target, SignalBit bit)
        : KernelObject(CapabilityClass::Timer, origin)
        , m_target(target)
        , m_bit(bit)
    {
        m_target.retain();
    }

    [[nodiscard]] SignalBit bit() const { return m_bit; }
    [[nodiscard]] u64 deadline() const { return m_deadline; }
    [[nodiscard]] bool is_armed() const { return m_deadline != 0; }

private:
    friend class Executor;
    void tear_down() override; /* the last TimerCap is gone: disarm */
    void retired() override { m_target.release(); }

    SignalMask& m_target;
    SignalBit m_bit;
    u64 m_deadline { 0 };
    Timer* m_next_armed { nullptr };
};

}
