/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A SPIN model of the Ring's publish/consume protocol with its doorbell and space bits and the
 * Signal Mask's raise/take/wait, under a weak memory model. Checked by `ctest -R tools.ring_model`
 * (tools/checks/ring_model.py): this file as it is must pass; each WEAKEN_* variant below (one
 * fence removed, or one acquire/release weakened) must fail with a trail. docs/adr/0013 says why
 * and how; docs/primitives.md gives the ordering argument this model checks.
 *
 * What the model is of (RingOrders.pml lists every atomic access with its order and code site):
 *
 *   shared variable          written by   how                               read by
 *   m_tail (u32 counter)     producer     store release (TAIL_STORE)        consumer: load acquire
 *                                                                           (CONSUMER_TAIL_LOAD), reload
 *                                                                           relaxed after the fence in
 *                                                                           release() (CONSUMER_TAIL_RELOAD)
 *   m_head (u32 counter)     consumer     store release (HEAD_STORE)        producer: load acquire
 *                                                                           (PRODUCER_HEAD_LOAD), reload
 *                                                                           relaxed after the fence in
 *                                                                           ring_consumer_doorbell
 *   slot bytes (plain)       producer     memcpy before the tail store      consumer: memcpy after the
 *                                                                           tail load, before the head store
 *   consumer's mask, its     producer     raise = fetch_or release (RAISE)  consumer: take = fetch_and
 *   doorbell bit                                                            acq_rel (TAKE), then park until
 *                                                                           a bit is pending
 *   producer's mask, its     consumer     raise (RAISE)                     producer: take (TAKE), park
 *   space bit
 *   fences                   producer: seq_cst after the tail store when the head it saw before
 *                            publishing was not the old tail (PRODUCER_FENCE); consumer: seq_cst
 *                            after the head store when the tail it saw did not make the Ring full
 *                            (CONSUMER_FENCE)
 *
 *   The producer publishes bursts of 1..BURST messages (try_send_burst; try_send and
 *   send_with_capability are bursts of one); the consumer takes bursts of 1..BURST
 *   (receive_burst; try_receive is a burst of one). When the producer finds the Ring full it
 *   waits for its space bit (Channel::send, serve's reply loop); when the consumer finds it
 *   empty it waits for its doorbell (Channel::receive, serve). A wait is Executor::wait_until:
 *   take the bit; if it was clear, park until a bit is pending, then take again. There is no
 *   "consumer is waiting" flag in the code today; -DWAITING_FLAG checks the Dekker design for
 *   one (below).
 *
 * The memory model. Each location has a history of writes; each Task has a view: per location,
 * the oldest write it may still read. A load may return any write at or after its view (so a
 * Task can read stale values: the store buffering of x86-TSO, and the store and load
 * reorderings of aarch64, all show up as stale reads). Reading raises the view to the write
 * read (coherence). A release store carries the writer's view; an acquire load joins the view of
 * the write it reads into its own (happens-before). Fetch-or/fetch-and read the newest value of
 * the mask; since every write to a mask is such a read-modify-write, the mask carries the join
 * of every release writer's view so far (C++ release sequences). A seq_cst fence joins the Task's
 * view of the atomics with one global fence view and stores the result back there: of two Tasks
 * that each store, fence and then load the other's location, the second to fence sees the first's
 * store (the global view of SC fences of the Promising semantics). Plain slot memory passes only
 * through release/acquire pairs, never through fences. The model is C++'s, weaker than both
 * x86-TSO and aarch64 for these accesses: a pass holds on both. Head and tail are single-writer and only
 * increase, so a value is its own timestamp; a slot's write for message m has timestamp m + 1.
 * One memory access is one step; between steps the other Task may run.
 *
 * A read of a slot that races with the producer's overwrite (no happens-before from the
 * consumer's read to the producer's next write of that slot, which C++ calls a data race) is
 * modelled by letting the read happen after the head store: possible only when the head store
 * is not release or the producer's head load is not acquire.
 *
 * Properties, checked by pan (safety, with invalid end states; and non-progress cycles):
 *   - every message is read once, in order, with the contents its producer wrote (an assertion at
 *     each slot read: a stale slot is a read of an older message or of nothing, an overwritten
 *     one a read of a newer message);
 *   - no lost wake-up and no deadlock: when nothing can move, both Tasks have finished (a parked
 *     consumer with a message published, or a parked producer with room, is an assertion naming
 *     which; any other blocked state is an invalid end state);
 *   - every run ends: no cycle of states (pan -l), so no Task loops forever on a stale view.
 *
 * Sizes (-D): SLOTS (the code wants a power of two for wrap-around, which is not modelled; 2 or 3
 * keep the state space small),
 * MESSAGES the producer sends in all, BURST the largest burst either end takes at once.
 *
 * Not covered: wrap-around of the u32 counters; reset(), binding and rebinding (tokens); bind's
 * "messages sent before the consumer bound" raise; capabilities in flight; more than one
 * message source per mask (Channel's union of doorbells); the executor's scheduling and the
 * future cross-CPU wake-up (an IPI): a parked Task is woken exactly when its bit is pending;
 * eventual visibility is assumed for the parked Task's look at its mask (a pending bit is seen);
 * interrupt handlers; the compiler's own transformations beyond what C++ permits. Load buffering
 * (a load satisfied by a later store) is modelled for the slot read only.
 */

#include "RingOrders.pml"

#ifndef SLOTS
#define SLOTS 2
#endif
#ifndef MESSAGES
#define MESSAGES 4
#endif
#ifndef BURST
#define BURST 2
#endif

#define RELAXED 0
#define ACQUIRE 1
#define RELEASE 2
#define ACQ_REL 3
#define SEQ_CST 4
#define ABSENT 5
#define ACQUIRES(order) ((order) == ACQUIRE || (order) == ACQ_REL || (order) == SEQ_CST)
#define RELEASES(order) ((order) == RELEASE || (order) == ACQ_REL || (order) == SEQ_CST)

/* Mutations: each takes one fence away, or weakens one acquire or release. */
#ifdef WEAKEN_PRODUCER_FENCE
#undef PRODUCER_FENCE
#define PRODUCER_FENCE ABSENT
#endif
#ifdef WEAKEN_CONSUMER_FENCE
#undef CONSUMER_FENCE
#define CONSUMER_FENCE ABSENT
#endif
#ifdef WEAKEN_TAIL_STORE
#undef TAIL_STORE
#define TAIL_STORE RELAXED
#endif
#ifdef WEAKEN_CONSUMER_TAIL_LOAD
#undef CONSUMER_TAIL_LOAD
#define CONSUMER_TAIL_LOAD RELAXED
#endif
#ifdef WEAKEN_HEAD_STORE
#undef HEAD_STORE
#define HEAD_STORE RELAXED
#endif
#ifdef WEAKEN_PRODUCER_HEAD_LOAD
#undef PRODUCER_HEAD_LOAD
#define PRODUCER_HEAD_LOAD RELAXED
#endif
#ifdef WEAKEN_RAISE
#undef RAISE
#define RAISE RELAXED
#endif
#ifdef WEAKEN_TAKE
#undef TAKE
#define TAKE RELEASE
#endif

/*
 * The "consumer is waiting" design (-DWAITING_FLAG), Dekker-style and symmetric: a Task about
 * to wait sets its flag, fences, and looks at the Ring again; a publisher (or releaser) fences
 * after its store and raises the peer's bit only when it sees the peer's flag set. The flags
 * are relaxed stores and loads; every write alternates 1, 0, so a write's value is its
 * timestamp's parity.
 */
#ifdef WAITING_FLAG
#define CONSUMER_WAIT_FENCE SEQ_CST
#define PRODUCER_WAIT_FENCE SEQ_CST
#ifdef WEAKEN_CONSUMER_WAIT_FENCE
#undef CONSUMER_WAIT_FENCE
#define CONSUMER_WAIT_FENCE ABSENT
#endif
#ifdef WEAKEN_PRODUCER_WAIT_FENCE
#undef PRODUCER_WAIT_FENCE
#define PRODUCER_WAIT_FENCE ABSENT
#endif
#endif

#if !RELEASES(HEAD_STORE) || !ACQUIRES(PRODUCER_HEAD_LOAD)
#define READS_MAY_FOLLOW_HEAD_STORE
#endif

/*
 * The same-CPU case (-DSAME_CPU; ADR 0026 §12, in the code since §13): both ends' Tasks pinned to one
 * CPU. One CPU has one program order, so both Tasks share one view: every load sees at least the
 * newest write either made (the Tasks run in turns there; any interleaving is allowed here, which
 * includes theirs). Checked with the consumer's fence left out (WEAKEN_CONSUMER_FENCE): it must
 * pass. WEAKEN_CONSUMER_RELOAD also leaves out the consumer's second look at the tail, deciding the
 * space bit on the tail seen before it read (receive_burst's visitor may switch to the producer in
 * between): it must fail. The code's release takes this path only when both masks are pinned to the
 * CPU running it, and puts a compiler fence (CONSUMER_SAME_CPU_FENCE) where the fence was.
 */
#ifdef SAME_CPU
#define consumer_view producer_view
#endif

typedef View {
    byte head;
    byte tail;
    byte slot[SLOTS];
    byte consumer_waiting;
    byte producer_waiting
};

/* Memory: the newest write of each location, and the view each release write of head/tail carried. */
byte head_now;
byte tail_now;
byte slot_now[SLOTS];
View head_written[MESSAGES + 1];
View tail_written[MESSAGES + 1];
byte consumer_waiting_now; /* timestamps of the flags' newest writes */
byte producer_waiting_now;
View fences; /* the global view of seq_cst fences */

/* The two Signal Masks' bits, and the join of their release writers' views. */
bit doorbell;
View doorbell_view;
bit space;
View space_view;

/* Each Task's view (one, shared, with SAME_CPU). */
View producer_view;
#ifndef SAME_CPU
View consumer_view;
#endif

byte index; /* scratch for loops over slots; always 0 between steps */

/* Ghosts, for the end-state check. */
bool producer_parked;
bool consumer_parked;
bool producer_done;
bool consumer_done;

inline raise_to(variable, value) {
    if
    :: (variable) < (value) -> variable = value
    :: else
    fi
}

inline join(into, from) {
    raise_to(into.head, from.head);
    raise_to(into.tail, from.tail);
    raise_to(into.consumer_waiting, from.consumer_waiting);
    raise_to(into.producer_waiting, from.producer_waiting);
    do
    :: index < SLOTS -> raise_to(into.slot[index], from.slot[index]); index++
    :: else -> index = 0; break
    od
}

inline copy(into, from) {
    into.head = from.head;
    into.tail = from.tail;
    into.consumer_waiting = from.consumer_waiting;
    into.producer_waiting = from.producer_waiting;
    do
    :: index < SLOTS -> into.slot[index] = from.slot[index]; index++
    :: else -> index = 0; break
    od
}

inline clear(into) {
    into.head = 0;
    into.tail = 0;
    into.consumer_waiting = 0;
    into.producer_waiting = 0;
    do
    :: index < SLOTS -> into.slot[index] = 0; index++
    :: else -> index = 0; break
    od
}

/* Any write at or after the view, up to the newest. */
inline pick(value, oldest, newest) {
    value = oldest;
    do
    :: value < newest -> value++
    :: break
    od
}

/*
 * atomic_thread_fence(seq_cst): the atomics' part of the view only. The slots are plain memory:
 * a fence alone does not order a plain write before a plain read in another Task (C++ needs a
 * release/acquire pair for that), so their views never pass through fences.
 */
inline fence(view) {
    raise_to(view.head, fences.head);
    raise_to(view.tail, fences.tail);
    raise_to(view.consumer_waiting, fences.consumer_waiting);
    raise_to(view.producer_waiting, fences.producer_waiting);
    fences.head = view.head;
    fences.tail = view.tail;
    fences.consumer_waiting = view.consumer_waiting;
    fences.producer_waiting = view.producer_waiting
}

/*
 * Loads of head and tail: any value written at or after the view (a burst skips values: only
 * written ones count; a written value's history entry names it, and 0 is the initial write).
 */
inline load_head(value, order) {
    value = producer_view.head;
    do
    :: value < head_now ->
        value++;
        do
        :: head_written[value].head != value -> value++
        :: else -> break
        od
    :: break
    od;
    if
    :: ACQUIRES(order) -> join(producer_view, head_written[value])
    :: else -> raise_to(producer_view.head, value)
    fi
}

inline load_tail(value, order) {
    value = consumer_view.tail;
    do
    :: value < tail_now ->
        value++;
        do
        :: tail_written[value].tail != value -> value++
        :: else -> break
        od
    :: break
    od;
    if
    :: ACQUIRES(order) -> join(consumer_view, tail_written[value])
    :: else -> raise_to(consumer_view.tail, value)
    fi
}

inline store_tail(value, order) {
    tail_now = value;
    producer_view.tail = value;
    if
    :: RELEASES(order) -> copy(tail_written[value], producer_view)
    :: else -> clear(tail_written[value]); tail_written[value].tail = value /* a relaxed store carries no view */
    fi
}

inline store_head(value, order) {
    head_now = value;
    consumer_view.head = value;
    if
    :: RELEASES(order) -> copy(head_written[value], consumer_view)
    :: else -> clear(head_written[value]); head_written[value].head = value
    fi
}

/* A slot read: the newest write, or an older one of the same slot the view still allows. */
inline read_slot(message, value) {
    value = slot_now[(message) % SLOTS];
    do
    :: value > SLOTS && value - SLOTS >= consumer_view.slot[(message) % SLOTS] -> value = value - SLOTS
    :: value > 0 && value <= SLOTS && consumer_view.slot[(message) % SLOTS] == 0 -> value = 0
    :: break
    od;
    raise_to(consumer_view.slot[(message) % SLOTS], value);
    assert(value == (message) + 1) /* each message read once, in order, as written */
}

/* SignalMask::raise (fetch_or) and take (fetch_and): both act on the newest value. */
inline raise_bit(mask, mask_view, raiser_view) {
    mask = 1;
    if
    :: RELEASES(RAISE) -> join(mask_view, raiser_view)
    :: else
    fi
}

inline take_bit(mask, mask_view, taker_view, taken) {
    taken = mask;
    mask = 0;
    if
    :: ACQUIRES(TAKE) -> join(taker_view, mask_view)
    :: else
    fi;
    if
    :: RELEASES(TAKE) -> join(mask_view, taker_view)
    :: else
    fi
}

/* Executor::wait_until for one bit: take; if it was clear, park until it is pending; take again. */
inline wait_for(mask, mask_view, taker_view, taken, parked) {
    do
    :: atomic { take_bit(mask, mask_view, taker_view, taken) };
       if
       :: taken -> break
       :: else
       fi;
       parked = true;
       mask == 1; /* parked: runnable again once the bit is pending */
       parked = false
    od
}

#ifdef WAITING_FLAG
inline read_flag(value, oldest, newest) {
    pick(value, oldest, newest);
    oldest = value
}
#endif

active proctype producer()
{
    byte sent; /* m_tail as the producer knows it: it is the only writer */
    byte head_seen;
    byte head_again;
    byte count;
    byte written;
    bit taken;
#ifdef WAITING_FLAG
    byte flag;
#endif

    do
    :: sent == MESSAGES -> break
    :: else ->
        atomic { load_head(head_seen, PRODUCER_HEAD_LOAD) };
        if
        :: sent - head_seen == SLOTS ->
            /* Full: Channel::send waits for the space bit, then tries again. */
#ifdef WAITING_FLAG
            atomic { producer_waiting_now++; producer_view.producer_waiting = producer_waiting_now };
#if PRODUCER_WAIT_FENCE != ABSENT
            atomic { fence(producer_view) };
#endif
            atomic { load_head(head_seen, PRODUCER_HEAD_LOAD) };
            if
            :: sent - head_seen == SLOTS -> wait_for(space, space_view, producer_view, taken, producer_parked)
            :: else
            fi;
            atomic { producer_waiting_now++; producer_view.producer_waiting = producer_waiting_now }
#else
            wait_for(space, space_view, producer_view, taken, producer_parked)
#endif
        :: else ->
            /* try_send_burst: as many as fit, up to BURST */
            atomic {
                count = 1;
                do
                :: count < BURST && count < SLOTS - (sent - head_seen) && count < MESSAGES - sent -> count++
                :: break
                od
            };
            written = 0;
            do
            :: written < count ->
                atomic {
                    slot_now[(sent + written) % SLOTS] = sent + written + 1;
                    producer_view.slot[(sent + written) % SLOTS] = sent + written + 1;
                    written++
                }
            :: else -> written = 0; break
            od;
            atomic { store_tail(sent + count, TAIL_STORE) };
            /* ring_consumer_doorbell(old_tail = sent, head_seen) */
#ifdef WAITING_FLAG
#if PRODUCER_FENCE != ABSENT
            atomic { fence(producer_view) };
#endif
            atomic { read_flag(flag, producer_view.consumer_waiting, consumer_waiting_now) };
            if
            :: flag % 2 == 1 -> atomic { raise_bit(doorbell, doorbell_view, producer_view) }
            :: else
            fi;
#else
            if
            :: sent == head_seen -> atomic { raise_bit(doorbell, doorbell_view, producer_view) }
            :: else ->
#if PRODUCER_FENCE != ABSENT
                atomic { fence(producer_view) };
#endif
                atomic { load_head(head_again, PRODUCER_HEAD_RELOAD) };
                if
                :: head_again == sent -> atomic { raise_bit(doorbell, doorbell_view, producer_view) }
                :: else
                fi
            fi;
#endif
            sent = sent + count
        fi
    od;
    producer_done = true
}

active proctype consumer()
{
    byte taken_up_to; /* m_head as the consumer knows it: it is the only writer */
    byte tail_seen;
    byte tail_again;
    byte count;
    byte read;
    byte value;
    bit taken;
#ifdef WAITING_FLAG
    byte flag;
#endif

    do
    :: taken_up_to == MESSAGES -> break
    :: else ->
        atomic { load_tail(tail_seen, CONSUMER_TAIL_LOAD) };
        if
        :: tail_seen == taken_up_to ->
            /* Empty: wait for the doorbell, then look again (Channel::receive, serve). */
#ifdef WAITING_FLAG
            atomic { consumer_waiting_now++; consumer_view.consumer_waiting = consumer_waiting_now };
#if CONSUMER_WAIT_FENCE != ABSENT
            atomic { fence(consumer_view) };
#endif
            atomic { load_tail(tail_seen, CONSUMER_TAIL_LOAD) };
            if
            :: tail_seen == taken_up_to -> wait_for(doorbell, doorbell_view, consumer_view, taken, consumer_parked)
            :: else
            fi;
            atomic { consumer_waiting_now++; consumer_view.consumer_waiting = consumer_waiting_now }
#else
            wait_for(doorbell, doorbell_view, consumer_view, taken, consumer_parked)
#endif
        :: else ->
            /* receive_burst: up to BURST of what the tail showed */
            atomic {
                count = 1;
                do
                :: count < BURST && count < tail_seen - taken_up_to -> count++
                :: break
                od
            };
#ifdef READS_MAY_FOLLOW_HEAD_STORE
            if
            :: true ->
#endif
                read = 0;
                do
                :: read < count -> atomic { read_slot(taken_up_to + read, value); read++ }
                :: else -> read = 0; break
                od;
                atomic { store_head(taken_up_to + count, HEAD_STORE) }
#ifdef READS_MAY_FOLLOW_HEAD_STORE
            :: true ->
                /* Nothing orders the reads before the producer's next write: they may come after the head store. */
                atomic { store_head(taken_up_to + count, HEAD_STORE) };
                read = 0;
                do
                :: read < count -> atomic { read_slot(taken_up_to + read, value); read++ }
                :: else -> read = 0; break
                od
            fi
#endif
            ;
            /* release(head = taken_up_to, tail_seen, count): the space bit */
#ifdef WAITING_FLAG
#if CONSUMER_FENCE != ABSENT
            atomic { fence(consumer_view) };
#endif
            atomic { read_flag(flag, consumer_view.producer_waiting, producer_waiting_now) };
            if
            :: flag % 2 == 1 -> atomic { raise_bit(space, space_view, consumer_view) }
            :: else
            fi;
#else
            if
            :: tail_seen - taken_up_to == SLOTS -> atomic { raise_bit(space, space_view, consumer_view) }
            :: else ->
#if CONSUMER_FENCE != ABSENT
                atomic { fence(consumer_view) };
#endif
#ifdef WEAKEN_CONSUMER_RELOAD
                tail_again = tail_seen;
#else
                atomic { load_tail(tail_again, CONSUMER_TAIL_RELOAD) };
#endif
                if
                :: tail_again - taken_up_to == SLOTS -> atomic { raise_bit(space, space_view, consumer_view) }
                :: else
                fi
            fi;
#endif
            taken_up_to = taken_up_to + count
        fi
    od;
    consumer_done = true
}

/* When nothing can move, both Tasks must have finished. */
active proctype end_state_check()
{
    timeout ->
        assert(!(consumer_parked && tail_now != head_now)); /* lost doorbell: parked with a message published */
        assert(!(producer_parked && tail_now - head_now < SLOTS)); /* lost space bit: parked with room */
        assert(producer_done && consumer_done) /* deadlock */
}
