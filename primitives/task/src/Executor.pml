/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A SPIN model of the executors' switch path with a lock per executor instead of the big kernel
 * lock (ADR 0026 §14): a Task's wait (take its bits, or park as Waiting), the raise from another
 * CPU or from a thread that is no CPU (the bit, a fence, the idle flag, the wake-up), the idle
 * handshake (ADR 0026 §3) and a steal. Checked by `ctest -R tools.executor_model`
 * (tools/checks/executor_model.py): this file as it is must pass; each WEAKEN_* variant below
 * (one fence or one lock taken out, the lock order broken, a steal's second look skipped, the
 * lock let go between the pick and the switch in, the raiser's CPU read the old way) must fail
 * with a trail.
 *
 * The lock order: the big kernel lock, then executor locks by CPU index, lowest first. A CPU
 * holding its own executor's lock that wants a lower executor's lets its own go and takes both in
 * order, then looks again (its view of either list is stale meanwhile). The big lock is not
 * modelled: nothing here takes it (the switch path runs without it; whatever takes it takes it
 * first, so it adds no cycle).
 *
 * What is modelled, and how (Executor.cpp):
 *
 *   state                       guarded by               written by
 *   owner[t] (m_executor, its   both executors' locks     steal (moves a Task), finish
 *     list and the mask's       (a move holds both)
 *     listener)
 *   state[t], cur[c] (m_state,  the executor's lock       the Task's own wait, the pick,
 *     m_current)                                          is_runnable (Waiting -> Runnable)
 *   saved[t] (its context is    the executor's lock       the switch away (set), the switch in
 *     saved: it runs nowhere)                             (cleared)
 *   movable[c]                  the executor's lock       (read lock-free by the raiser, as
 *                                                         m_movable_tasks is)
 *   bits[t] (its Signal Mask)   none: atomics             raise (fetch_or), take (fetch_and),
 *                                                         peek (load)
 *   idle[c] (m_idle)            none: atomic              the idler (set, clear); raisers read it
 *   wake[c] (a pending IPI or   none                      wake_processor; the park consumes it
 *     futex wake-up)
 *
 * The memory model: data under a lock is sequentially consistent (the lock's acquire and release
 * order it); the lock-free stores (a raise's bit, the idle flag) go through a store buffer per
 * CPU (and one for the bare thread) and reach memory later, in order, each when a flusher process
 * moves it — so a later load of another location can run first: store→load reordering, the one
 * the idle handshake (a Dekker pair) must forbid. A seq_cst fence waits until its writer's buffer
 * is empty; a lock release does too (release ordering: what was written under the lock is seen by
 * the next holder). A writer's loads see its own buffered stores (forwarding). A take (fetch_and)
 * acts on memory; no Task here raises its own mask, so no own buffered bit is missed.
 *
 * The scenario: two CPUs. Task A pinned to CPU 0 waits for a bit from a bare thread R (a hosted
 * thread that is no CPU, raising from outside as a device thread does), then ping-pongs once with
 * Task B pinned to CPU 1; Task M, movable, placed on CPU 0, waits for a bit from R and may be
 * stolen by CPU 1. R raises M, then A. Every Task starts Waiting with no bit; both CPUs start
 * with nothing to run.
 *
 * Properties (pan, safety with invalid end states):
 *   - a Task never runs on two CPUs at once: switching into a Task, its context is saved and no
 *     CPU runs it (assertions at the switch in);
 *   - a Task is never picked from a stale list: the Task picked belongs to the picking executor;
 *   - no deadlock: when nothing can move, no CPU waits for a lock;
 *   - no lost wake-up: when nothing can move (every CPU parked, every buffer empty), every Task
 *     has finished — a raised bit a Task waits for always gets it run.
 */

#define CPUS 2
#define TASKS 3
#define WRITERS 3 /* CPU 0, CPU 1, the bare thread */
#define BARE 2
#define NONE 255
#define SLOTS 2 /* store-buffer entries per writer */

#define TASK_A 0
#define TASK_B 1
#define TASK_M 2

#define RUNNABLE 0
#define WAITING 1
#define RUNNING 2
#define DONE 3

/* A Task's program: its steps, one per program counter. */
#define STEP_WAIT 0
#define STEP_RAISE_B 1
#define STEP_RAISE_A 2
#define STEP_DONE 3
#define STEP_WAIT_REPLY 4 /* A's second wait: for B's reply */

byte owner[TASKS];
byte state[TASKS];
bool saved[TASKS];
byte oncpu[TASKS]; /* ghost: the CPU running the Task's code, NONE when none */
byte pc[TASKS];
bool pinned[TASKS];
byte cur[CPUS];
byte movable[CPUS];
bool lock[CPUS];
byte wants[WRITERS]; /* ghost: the lock a CPU waits for, NONE when none */
bool wake[CPUS];

bool bits[TASKS];
bool idle[CPUS];

/* Store buffers: entry kind 0 = a raise's bit of Task `index`, kind 1 = idle[index] := value. */
#define KIND_BIT 0
#define KIND_IDLE 1
byte sb_kind[WRITERS * SLOTS];
byte sb_index[WRITERS * SLOTS];
bool sb_value[WRITERS * SLOTS];
byte sb_count[WRITERS];

inline buffer_store(w, k, i, v)
{
    atomic {
        sb_count[w] < SLOTS;
        sb_kind[w * SLOTS + sb_count[w]] = k;
        sb_index[w * SLOTS + sb_count[w]] = i;
        sb_value[w * SLOTS + sb_count[w]] = v;
        sb_count[w]++
    }
}

/* The Task's bit as writer w sees it: memory, or w's own buffered raise. */
inline load_bit(w, bit_of, result)
{
    d_step {
        result = bits[bit_of];
        if
        :: sb_count[w] > 0 && sb_kind[w * SLOTS] == KIND_BIT && sb_index[w * SLOTS] == bit_of -> result = 1
        :: else -> skip
        fi;
        if
        :: sb_count[w] > 1 && sb_kind[w * SLOTS + 1] == KIND_BIT && sb_index[w * SLOTS + 1] == bit_of -> result = 1
        :: else -> skip
        fi
    }
}

/* idle[e] as writer w sees it: its own latest buffered store, else memory. */
inline load_idle(w, of_cpu, result)
{
    d_step {
        result = idle[of_cpu];
        if
        :: sb_count[w] > 0 && sb_kind[w * SLOTS] == KIND_IDLE && sb_index[w * SLOTS] == of_cpu -> result = sb_value[w * SLOTS]
        :: else -> skip
        fi;
        if
        :: sb_count[w] > 1 && sb_kind[w * SLOTS + 1] == KIND_IDLE && sb_index[w * SLOTS + 1] == of_cpu -> result = sb_value[w * SLOTS + 1]
        :: else -> skip
        fi
    }
}

proctype Flusher(byte w)
{
end:
    do
    :: d_step {
           sb_count[w] > 0 ->
           if
           :: sb_kind[w * SLOTS] == KIND_BIT -> bits[sb_index[w * SLOTS]] = 1
           :: else -> idle[sb_index[w * SLOTS]] = sb_value[w * SLOTS]
           fi;
           sb_kind[w * SLOTS] = sb_kind[w * SLOTS + 1];
           sb_index[w * SLOTS] = sb_index[w * SLOTS + 1];
           sb_value[w * SLOTS] = sb_value[w * SLOTS + 1];
           sb_kind[w * SLOTS + 1] = 0;
           sb_index[w * SLOTS + 1] = 0;
           sb_value[w * SLOTS + 1] = 0;
           sb_count[w]--
       }
    od
}

/* std::atomic_thread_fence(std::memory_order_seq_cst): the writer's stores reach memory first. */
inline fence(w)
{
    sb_count[w] == 0
}

inline acquire(holder, l)
{
    wants[holder] = l;
    atomic { lock[l] == 0 -> lock[l] = 1; wants[holder] = NONE }
}

inline release(holder, l)
{
    sb_count[holder] == 0; /* release ordering: what was stored before is seen by the next holder */
    lock[l] = 0
}

/*
 * Executor::is_runnable under its executor's lock: Runnable, or Waiting with its bit seen (then
 * made Runnable).
 */
inline runnable(w, task, result)
{
    result = 0;
    if
    :: state[task] == RUNNABLE -> result = 1
    :: state[task] == WAITING ->
       load_bit(w, task, seen);
       if
       :: seen -> state[task] = RUNNABLE; result = 1
       :: else -> skip
       fi
    :: else -> skip
    fi
}

/*
 * SignalMask::raise_mask then Executor::signal_raised, by writer w running on CPU `self` (NONE
 * for a thread that is no CPU).
 */
inline raise(writer, raiser_cpu, target)
{
    buffer_store(writer, KIND_BIT, target, 1);
    e = owner[target]; /* the mask's listener: its executor now */
    if
    :: e == NONE -> skip /* finished: the mask has no listener any more */
    :: else ->
    if
    :: e == raiser_cpu && movable[e] == 0 -> skip /* the raiser runs on that CPU: it is not parked */
    :: else ->
#ifndef WEAKEN_RAISE_FENCE
       fence(writer);
#endif
       load_idle(writer, e, seen);
       if
       :: seen ->
          if
          :: e != raiser_cpu -> wake[e] = 1
          :: else -> skip
          fi
       :: else ->
          /* Busy, with Tasks that may move: an idle CPU is woken to steal one. */
          if
          :: movable[e] > 0 && 1 - e != raiser_cpu ->
             load_idle(writer, 1 - e, seen);
             if
             :: seen -> wake[1 - e] = 1
             :: else -> skip
             fi
          :: else -> skip
          fi
       fi
    fi
    fi
}

/* The switch into Task t on CPU c, under c's lock. */
inline switch_in(here, task)
{
    assert(owner[task] == here);     /* picked from a stale list */
    assert(saved[task]);             /* its context is still running: on two CPUs at once */
    assert(oncpu[task] == NONE);     /* on two CPUs at once */
    saved[task] = 0;
    oncpu[task] = here;
    cur[here] = task;
    state[task] = RUNNING
}

proctype Cpu(byte c)
{
    byte t, u, other, candidate, e;
    bool found, seen, got;
    other = 1 - c;
    acquire(c, c);
scheduler: /* holding lock[c] */
    /* pick_next: the first runnable Task of this executor's list */
    t = NONE;
    u = 0;
    do
    :: u < TASKS && t == NONE ->
       if
       :: owner[u] == c -> runnable(c, u, found); if :: found -> t = u :: else -> skip fi
       :: else -> skip
       fi;
       u++
    :: else -> break
    od;
    if
    :: t != NONE ->
#ifdef WEAKEN_PICK_RELOCK
       release(c, c); acquire(c, c); /* the lock let go between the pick and the switch in */
#endif
       goto picked
    :: else -> skip
    fi;
    /* steal: both locks in index order; the lists are looked at again once both are held */
#ifdef WEAKEN_STEAL_RECHECK
    /* the candidate chosen before the relock, and moved without a second look */
    candidate = NONE;
    u = 0;
    do
    :: u < TASKS ->
       if
       :: owner[u] == other && !pinned[u] && cur[other] != u -> runnable(c, u, found); if :: found -> candidate = u :: else -> skip fi
       :: else -> skip
       fi;
       u++
    :: else -> break
    od;
#endif
#ifdef WEAKEN_STEAL_ORDER
    acquire(c, other); /* the other executor's lock while holding this one's, whatever the order */
#else
#ifndef WEAKEN_STEAL_VICTIM_LOCK
    if
    :: other < c -> release(c, c); acquire(c, other); acquire(c, c)
    :: else -> acquire(c, other)
    fi;
#endif
#endif
    t = NONE;
#ifdef WEAKEN_STEAL_RECHECK
    if
    :: candidate != NONE -> t = candidate
    :: else -> skip
    fi;
#else
    u = 0;
    do
    :: u < TASKS && t == NONE ->
       if
       :: owner[u] == other && !pinned[u] && cur[other] != u -> runnable(c, u, found); if :: found -> t = u :: else -> skip fi
       :: else -> skip
       fi;
       u++
    :: else -> break
    od;
#endif
    if
    :: t != NONE ->
       d_step { owner[t] = c; movable[other]--; movable[c]++ }
    :: else -> skip
    fi;
#ifndef WEAKEN_STEAL_VICTIM_LOCK
    release(c, other);
#endif
    if
    :: t != NONE -> goto picked
    :: else -> skip
    fi;
    /* idle: also the relock above may have let a raise in: look at this executor's list again */
    buffer_store(c, KIND_IDLE, c, 1);
#ifndef WEAKEN_IDLE_FENCE
    fence(c);
#endif
    found = 0;
    u = 0;
    do
    :: u < TASKS && !found ->
       if
       :: owner[u] == c -> runnable(c, u, found)
       :: else -> skip
       fi;
       u++
    :: else -> break
    od;
    if
    :: !found ->
       release(c, c);
end_parked:
       atomic { wake[c] -> wake[c] = 0 };
       acquire(c, c)
    :: else -> skip
    fi;
    buffer_store(c, KIND_IDLE, c, 0);
    goto scheduler;

picked: /* the switch into t, then t's own code, without the lock */
    switch_in(c, t);
    release(c, c);
step:
    if
    :: pc[t] == STEP_RAISE_B -> raise(c, c, TASK_B); pc[t] = STEP_WAIT_REPLY; goto step
    :: pc[t] == STEP_RAISE_A -> raise(c, c, TASK_A); pc[t] = STEP_DONE; goto step
    :: pc[t] == STEP_DONE ->
       /* finish: it leaves its executor's list */
       acquire(c, c);
       d_step {
           state[t] = DONE; cur[c] = NONE; oncpu[t] = NONE;
           if :: !pinned[t] -> movable[c]-- :: else -> skip fi;
           owner[t] = NONE
       }
       goto scheduler
    :: pc[t] == STEP_WAIT || pc[t] == STEP_WAIT_REPLY ->
       /* wait_until: the executor's lock, take the bit, or park as Waiting and switch away */
#ifndef WEAKEN_WAIT_LOCK
       acquire(c, c);
#endif
       d_step { got = bits[t]; bits[t] = 0 };
       if
       :: got ->
#ifndef WEAKEN_WAIT_LOCK
          release(c, c);
#endif
          if
          :: pc[t] == STEP_WAIT_REPLY -> pc[t] = STEP_DONE
          :: pc[t] == STEP_WAIT && t == TASK_A -> pc[t] = STEP_RAISE_B
          :: pc[t] == STEP_WAIT && t == TASK_B -> pc[t] = STEP_RAISE_A
          :: pc[t] == STEP_WAIT && t == TASK_M -> pc[t] = STEP_DONE
          fi;
          goto step
       :: else ->
          state[t] = WAITING;
          cur[c] = NONE; /* m_current changes before the jump */
          d_step { saved[t] = 1; oncpu[t] = NONE } /* the jump saves its context */
#ifdef WEAKEN_WAIT_LOCK
          acquire(c, c); /* the scheduler takes it only now */
#endif
          goto scheduler
       fi
    fi
}

/* A hosted thread that is no CPU: raises M, then A. */
proctype Bare()
{
    byte e;
    bool seen;
    byte self;
#ifdef WEAKEN_BARE_SELF
    self = 0; /* current_processor() reads 0 on a thread that is no CPU */
#else
    self = NONE; /* processor_running_this() */
#endif
    raise(BARE, self, TASK_M);
    raise(BARE, self, TASK_A)
}

/* When nothing can move: no CPU waits for a lock, and every Task has finished. */
active proctype Quiescence()
{
    timeout ->
    assert(wants[0] == NONE && wants[1] == NONE); /* deadlock */
    assert(state[TASK_A] == DONE && state[TASK_B] == DONE && state[TASK_M] == DONE) /* lost wake-up */
}

init
{
    atomic {
        owner[TASK_A] = 0; pinned[TASK_A] = 1;
        owner[TASK_B] = 1; pinned[TASK_B] = 1;
        owner[TASK_M] = 0; pinned[TASK_M] = 0;
        movable[0] = 1;
        state[TASK_A] = RUNNABLE; state[TASK_B] = RUNNABLE; state[TASK_M] = RUNNABLE;
        saved[TASK_A] = 1; saved[TASK_B] = 1; saved[TASK_M] = 1;
        oncpu[TASK_A] = NONE; oncpu[TASK_B] = NONE; oncpu[TASK_M] = NONE;
        pc[TASK_A] = STEP_WAIT; pc[TASK_B] = STEP_WAIT; pc[TASK_M] = STEP_WAIT;
        cur[0] = NONE; cur[1] = NONE;
        wants[0] = NONE; wants[1] = NONE; wants[2] = NONE;
        run Flusher(0); run Flusher(1); run Flusher(BARE);
        run Cpu(0); run Cpu(1);
        run Bare()
    }
}
