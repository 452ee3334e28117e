/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The memory orders the Ring model (Ring.pml) claims the code uses: one `#define NAME ORDER` per
 * atomic access or fence of the publish/consume and doorbell/space protocol, and one `site` line
 * per place in the C++ that access is made (file, function, and the statement as written).
 * Ring.pml includes this file; tools/checks/ring_model.py reads it too, and fails, naming the
 * line, when a site is missing, its order differs from the define, or an atomic access in one of
 * the listed functions has no site line. Change the code and this table together, then run
 * `ctest -R tools.ring_model`.
 */

/* The producer (RingProducer::try_send_burst, send_with_capability, Ring::ring_consumer_doorbell). */
#define PRODUCER_TAIL_LOAD RELAXED
/* site PRODUCER_TAIL_LOAD primitives/ring/src/Ring.cpp try_send_burst: u32 tail = ring.m_tail.load(std::memory_order_relaxed); */
/* site PRODUCER_TAIL_LOAD primitives/ring/src/Ring.cpp send_with_capability: u32 tail = ring.m_tail.load(std::memory_order_relaxed); */
#define PRODUCER_HEAD_LOAD ACQUIRE
/* site PRODUCER_HEAD_LOAD primitives/ring/src/Ring.cpp try_send_burst: u32 head = ring.m_head.load(std::memory_order_acquire); */
/* site PRODUCER_HEAD_LOAD primitives/ring/src/Ring.cpp send_with_capability: u32 head = ring.m_head.load(std::memory_order_acquire); */
#define TAIL_STORE RELEASE
/* site TAIL_STORE primitives/ring/src/Ring.cpp try_send_burst: ring.m_tail.store(tail + static_cast<u32>(count), std::memory_order_release); */
/* site TAIL_STORE primitives/ring/src/Ring.cpp send_with_capability: ring.m_tail.store(tail + 1, std::memory_order_release); */
#define PRODUCER_FENCE SEQ_CST
/* site PRODUCER_FENCE primitives/ring/src/Ring.cpp ring_consumer_doorbell: std::atomic_thread_fence(std::memory_order_seq_cst); */
#define PRODUCER_HEAD_RELOAD RELAXED
/* site PRODUCER_HEAD_RELOAD primitives/ring/src/Ring.cpp ring_consumer_doorbell: was_empty = m_head.load(std::memory_order_relaxed) == old_tail; */

/* The consumer (RingConsumer::try_receive, receive_burst, release). */
#define CONSUMER_HEAD_LOAD RELAXED
/* site CONSUMER_HEAD_LOAD primitives/ring/src/Ring.cpp try_receive: u32 head = ring.m_head.load(std::memory_order_relaxed); */
/* site CONSUMER_HEAD_LOAD primitives/ring/include/vectra/kernel/Ring.h receive_burst: u32 head = m_ring->m_head.load(std::memory_order_relaxed); */
#define CONSUMER_TAIL_LOAD ACQUIRE
/* site CONSUMER_TAIL_LOAD primitives/ring/src/Ring.cpp try_receive: u32 tail = ring.m_tail.load(std::memory_order_acquire); */
/* site CONSUMER_TAIL_LOAD primitives/ring/include/vectra/kernel/Ring.h receive_burst: u32 tail = m_ring->m_tail.load(std::memory_order_acquire); */
#define HEAD_STORE RELEASE
/* site HEAD_STORE primitives/ring/src/Ring.cpp release: m_ring->m_head.store(head + count, std::memory_order_release); */
#define CONSUMER_FENCE SEQ_CST
/* site CONSUMER_FENCE primitives/ring/src/Ring.cpp release: std::atomic_thread_fence(std::memory_order_seq_cst); */
/*
 * Both ends' Tasks pinned to the CPU running the release (ADR 0026 §13): a compiler fence only, in
 * place of CONSUMER_FENCE. It keeps the compiler from moving the tail's reload above the head's
 * store; the CPU keeps its own program order. Ring.pml -DSAME_CPU stands for it as one view, its
 * statements in program order, with CONSUMER_FENCE absent.
 */
#define CONSUMER_SAME_CPU_FENCE SEQ_CST
/* site CONSUMER_SAME_CPU_FENCE primitives/ring/src/Ring.cpp release: std::atomic_signal_fence(std::memory_order_seq_cst); */
#define CONSUMER_TAIL_RELOAD RELAXED
/* site CONSUMER_TAIL_RELOAD primitives/ring/src/Ring.cpp release: was_full = m_ring->m_tail.load(std::memory_order_relaxed) - head == m_ring->m_slot_count; */

/* The Signal Mask (SignalMask::raise, take; Executor::wait_until takes, then parks until a bit is pending). */
#define RAISE RELEASE
/* site RAISE primitives/signal/include/vectra/kernel/SignalMask.h raise_mask: void raise_mask(u64 bits) { m_pending.fetch_or(bits, std::memory_order_release); tell_listener(); } */
#define TAKE ACQ_REL
/* site TAKE primitives/signal/include/vectra/kernel/SignalMask.h take: [[nodiscard]] u64 take(u64 mask) { return m_pending.fetch_and(~mask, std::memory_order_acq_rel) & mask; } */
