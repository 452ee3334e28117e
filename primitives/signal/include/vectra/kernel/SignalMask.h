/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <atomic>
#include <vectra/kernel/KernelObject.h>
#include <vectra/SignalBit.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * Told after a bit of a mask is raised: the executor owning the mask's Task, which wakes its CPU
 * if that CPU idles (ADR 0026). Called wherever raise() is, interrupt context included.
 */
class SignalListener {
public:
    virtual void signal_raised() = 0;

protected:
    ~SignalListener() = default;
};

/*
 * 64 pending bits per Task. raise() may be called from any Task or from interrupt context;
 * take() is called by the owning Task only. A raised bit stays set until taken, so a waiter
 * that checks, then parks, never misses a bit raised in between.
 */
class SignalMask final : public KernelObject {
public:
    /* `enclosing`: the Task whose mask this is (references to the mask keep the Task's memory). */
    explicit SignalMask(KernelObject* enclosing = nullptr)
        : KernelObject(CapabilityClass::Signal, nullptr, enclosing)
    {
    }

    void raise(SignalBit bit) { raise_mask(bit.mask()); }
    void raise_mask(u64 bits) { m_pending.fetch_or(bits, std::memory_order_release); tell_listener(); }
    /* Who hears raises from now on (the executor the Task belongs to), or nobody. */
    void set_listener(SignalListener* listener) { m_listener.store(listener, std::memory_order_release); }

    /*
     * The CPU its Task is pinned to by a CPU index (it never runs anywhere else), or not_pinned:
     * a Task that may move, or a mask no Task owns. Set once, when the executor adopts the Task.
     * A Ring's consumer trusts program order instead of a fence when both ends' masks are pinned
     * to the CPU running it (ADR 0026 §13).
     */
    static constexpr u32 not_pinned = 0xffff'ffff;
    void set_pinned_processor(u32 index) { m_pinned_processor.store(index, std::memory_order_relaxed); }
    [[nodiscard]] u32 pinned_processor() const { return m_pinned_processor.load(std::memory_order_relaxed); }

    /* Clears and returns the pending bits within `mask`. */
    [[nodiscard]] u64 take(u64 mask) { return m_pending.fetch_and(~mask, std::memory_order_acq_rel) & mask; }

    [[nodiscard]] u64 peek(u64 mask) const { return m_pending.load(std::memory_order_acquire) & mask; }

private:
    /* The executor the Task belongs to hears every raise after the bit is set (ADR 0026): that is how a raise
     * wakes a CPU. The Ring model (primitives/ring/src/Ring.pml) stands for it as "park until a bit is pending". */
    void tell_listener()
    {
        if (SignalListener* listener = m_listener.load(std::memory_order_acquire))
            listener->signal_raised();
    }

    std::atomic<u64> m_pending { 0 };
    std::atomic<SignalListener*> m_listener { nullptr };
    std::atomic<u32> m_pinned_processor { not_pinned };
};

}
