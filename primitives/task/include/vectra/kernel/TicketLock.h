/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <atomic>
#include <vectra/Types.h>

namespace vectra {

/*
 * A ticket lock (ADR 0026): each acquirer takes the next ticket and spins until it is served, so
 * CPUs get the lock in the order they asked for it — first come, first served, none starved.
 * The release store pairs with the next holder's acquire load, so everything a holder wrote is
 * visible to the next. `Relax` is called on every spin with the number of spins so far (the
 * kernel's lock passes platform::spin_pause; tests pass their own).
 */
template<void (*Relax)(u32 spins)>
class TicketLock {
public:
    void acquire()
    {
        u32 ticket = m_next_ticket.fetch_add(1, std::memory_order_relaxed);
        for (u32 spins = 0; m_now_serving.load(std::memory_order_acquire) != ticket; ++spins)
            Relax(spins);
    }

    /* Takes the lock only when nobody holds it or waits for it. */
    [[nodiscard]] bool try_acquire()
    {
        u32 serving = m_now_serving.load(std::memory_order_relaxed);
        u32 expected = serving;
        return m_next_ticket.compare_exchange_strong(expected, serving + 1, std::memory_order_acquire,
            std::memory_order_relaxed);
    }

    void release()
    {
        /* Only the holder writes m_now_serving. */
        m_now_serving.store(m_now_serving.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    }

    /* The holder and everyone waiting: tickets handed out and not yet done. */
    [[nodiscard]] u32 queued() const
    {
        return m_next_ticket.load(std::memory_order_relaxed) - m_now_serving.load(std::memory_order_relaxed);
    }

private:
    std::atomic<u32> m_next_ticket { 0 };
    alignas(64) std::atomic<u32> m_now_serving { 0 };
};

}
