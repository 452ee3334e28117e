/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <atomic>
#include <vectra/kernel/Task.h>
#include <vectra/kernel/TicketLock.h>
#include <vectra/kernel/Timer.h>
#include <vectra/platform/Platform.h>

namespace vectra {

/*
 * The cooperative executor of one CPU (one per CPU, ADR 0026). Tasks run until they wait, yield
 * or exit; the executor then picks the next runnable Task of its own — Person band first, with
 * the Network band guaranteed one turn after at most `network_starvation_bound` consecutive
 * Person-band turns — else steals one from a busier CPU, and idles the CPU
 * (platform::wait_for_interrupt) when nothing can run. Its state is guarded by the big kernel
 * lock (KernelLock.h); only its idle flag is read without it.
 */
class Executor final : public SignalListener {
public:
    static constexpr u32 network_starvation_bound = 8;

    /* The executor of the calling CPU (inline: a Task's wait and yield start with it). */
    [[nodiscard]] static Executor& current();
    [[nodiscard]] static Executor& of_processor(u32 index);
    /*
     * How many CPUs run Tasks (CPUs 0 to count - 1): set once by the kernel when its CPUs are
     * online (1 until then, and on platforms whose other CPUs only idle).
     */
    static void set_task_processors(u32 count);
    [[nodiscard]] static u32 task_processors();
    [[nodiscard]] u32 processor() const;
    /*
     * One round of a CPU other than the boot CPU (kernel::processor_started loops on it): run
     * the next runnable Task until it switches back, else steal one, else idle until a wake-up.
     */
    void serve();
    /* A raise on a mask of one of its Tasks: wake this CPU if it idles (the Dekker handshake). */
    void signal_raised() override;
    [[nodiscard]] bool is_idle() const { return m_idle.load(std::memory_order_relaxed); }
    /* Tasks this CPU took from another while it had nothing to run. */
    [[nodiscard]] u64 steals() const { return m_steals; }

    [[nodiscard]] ErrorOr<Task*> spawn(Reticle& from, SpawnParameters const&);

    /*
     * Run Tasks until `until` has exited (returns its status) — or until no Task can ever run
     * again: that is reported as a deadlock (each waiting Task and its mask) and returned as
     * ErrorCode::Deadlock; the kernel then powers off.
     */
    [[nodiscard]] ErrorOr<i32> run_until_exit(Task& until);

    /* Called from inside a Task. */
    [[nodiscard]] Task& current_task();
    [[nodiscard]] bool in_task() const { return m_current != nullptr; }
    /* Park until any bit in `mask` is pending; clears and returns those bits. */
    u64 wait(u64 mask);
    /* As wait(), but `deadline_bit` is raised at `deadline` (monotonic ns) if nothing came first. */
    u64 wait_until(u64 mask, u64 deadline, SignalBit deadline_bit);
    void yield();
    [[noreturn]] void exit_current(i32 status);
    /* Ends the current Task with what its entry returned: a status (Returned) or an error (Failed). */
    [[noreturn]] void exit_current(ErrorOr<i32> const& result);
    /*
     * End the current Task because it panicked or faulted: only that Task ends — its
     * capabilities are revoked, its supervisor's exit bit raised — and the executor moves on.
     * Called by the kernel's panic and fault paths; never returns to the failing code.
     */
    [[noreturn]] void fail_current(ExitCause, char const* message, u64 address);

    /* Arm (or re-arm) a timer; its bit is raised once the deadline passes. Needs RightWrite. */
    [[nodiscard]] ErrorOr<void> arm_timer(CapabilitySpace&, TimerCap const&, u64 deadline);
    [[nodiscard]] ErrorOr<void> cancel_timer(CapabilitySpace&, TimerCap const&);

    /*
     * Preemption (ADR 0018), for the Person's sake. A Network-band Task that is preemptible —
     * running in user mode, alone in its protection domain — gets a slice of this long each time
     * it is switched in; the platform's one-shot timer fires at its end. An interrupt taken from
     * user mode ends in preemption_point(), on the interrupted Task's kernel stack with its whole
     * register state (general, FP/SIMD) saved there by the platform: once the slice is over and
     * a Person-band Task is runnable, the Task yields to it as if it had called yield(), and
     * resumes later through the same interrupt return. Kernel-mode code and Person-band Tasks
     * are never preempted.
     */
    static constexpr u64 slice_nanoseconds = preemption_slice_nanoseconds;
    void preemption_point();
    /*
     * The slice is over: for a Network-band Task, deadlines are checked, and when a Person-band
     * Task is runnable the current one yields to whoever the band rule picks (it stays
     * runnable). Returns at once otherwise. Called by preemption_point(); on its own it is the
     * policy host tests exercise.
     */
    void end_slice();
    [[nodiscard]] u64 preemptions() const { return m_preemptions; }

    /* A Task running longer than this without waiting is reported (once per stretch). */
    static constexpr u64 long_run_report_nanoseconds = 200'000'000;
    [[nodiscard]] u64 long_runs_reported() const { return m_long_runs_reported; }

    /* Called from interrupt context by the kernel. */
    void note_timer_interrupt() { m_timer_interrupts.fetch_add(1, std::memory_order_relaxed); }
    [[nodiscard]] u64 timer_interrupts() const { return m_timer_interrupts.load(std::memory_order_relaxed); }
    /* Called by the kernel as interrupt lines are routed and unrouted: while any is, idling is no deadlock. */
    static void note_interrupt_routes(usize count) { s_interrupt_routes.store(count, std::memory_order_release); }
    /* Called by a host thread after it made a line pending (kernel::host_line_raised): the switch
       path's fast path then goes through the scheduler, which delivers it. */
    static void note_host_line_raised() { s_host_lines_hint.store(true, std::memory_order_seq_cst); }

    /*
     * Forget an exited Task: after this the executor never touches it again, so its
     * supervisor may reclaim the Reticle it lived in. Refused while the Task has not exited.
     */
    [[nodiscard]] ErrorOr<void> reap(Task&);

    /*
     * The Task's last TaskCap is gone (KernelObject::tear_down): a waiting or runnable Task ends
     * now (ExitCause::Stopped; its capabilities, bindings and routes go, its supervisor hears of
     * it) and is forgotten; the running Task ends at its next wait or yield; an exited one is
     * forgotten.
     */
    void stop(Task&);
    /* A Timer's last TimerCap is gone. Armed Timers are one list, kept by the boot CPU's executor. */
    static void disarm(Timer&);

    /* The executor's lock (ADR 0026 §15): its lists, its Tasks' scheduling state, its switch path.
       Taken after the big lock and after any lower CPU's executor lock (vectra/kernel/LockOrder.h). */
    void lock();
    void unlock();
    /* Whether `processor` holds an executor's lock: a panic or fault there is in the scheduler's
       own state, which no Task's end can put right (kernel::end_after_panic stops the image). */
    [[nodiscard]] static bool lock_held_by(u32 processor);

    /* A CPU running no Task lets the big lock go: the Tasks it spawned inside may start (kernel_lock::leave_scope). */
    void open_start_gates_outside_tasks();

    [[nodiscard]] Task* tasks() const { return m_tasks; }
    [[nodiscard]] u64 switches() const { return m_switches; }
    /* Switches that went straight from one Task to the next, without the scheduler (a subset). */
    [[nodiscard]] u64 handoffs() const { return m_handoffs; }

private:
    [[nodiscard]] Task* pick_next();
    [[nodiscard]] Task* steal();
    [[nodiscard]] Task* steal_locked(u32 candidates);
    void adopt(Task&);
    void unlink(Task&);
    [[nodiscard]] bool anything_runnable();
    [[nodiscard]] bool nothing_can_run_anywhere();
    [[nodiscard]] bool every_executor_idle(u64* switches);
    [[nodiscard]] bool keeps_timers() const { return processor() == 0; }
    [[nodiscard]] bool has_deadlines() const
    {
        return m_timed_waits != 0 || (keeps_timers() && s_armed_timers.load(std::memory_order_relaxed));
    }
    /* A Task's way onto its switch path: its executor's lock only; a kernel call's big lock is let go. */
    /* lock() by this executor's own CPU, which it names without a lookup (the switch path, the scheduler). */
    void lock_own();
    void lock_as(u32 holder);
    [[nodiscard]] static Executor& enter_switch_path(bool& had_big_lock);
    static void leave_switch_path(Executor& resumed, bool had_big_lock);
    void stop_if_requested(Task&);
    [[nodiscard]] static Timer* unlink_timers_of(SignalMask* target, Timer* also);
    static void release_timers(Timer* list);
    [[nodiscard]] static u32 place(SpawnParameters const&);
    void open_start_gates();
    void close_start_gate(Task&);
    [[nodiscard]] bool is_runnable(Task&) const;
    void expire_deadlines();
    void finish(Task&);
    void mark_exited(Task&);
    void forget(Task&);
    [[noreturn]] void finish_current();
    [[nodiscard]] ErrorOr<void> idle(Task const* awaited);
    void switch_to(Task&);
    /* Each returns the executor the Task resumed on (another CPU's, when it was stolen meanwhile). */
    Executor& switch_to_scheduler();
    Executor& reschedule();
    Executor& hand_off(Task& next);
    [[nodiscard]] static Executor& resumed_after_jump(void* context, void* from);
    void account_switch(Task&);
    void start_slice(u64 now);
    void program_deadline(u64 deadline);
    [[nodiscard]] bool person_runnable();
    void end_stretch(u64 now_cycles);
    void save_continuation(void* context, void* from);
    static void task_trampoline(void* transfer_context, void* data);
    [[nodiscard]] Error report_deadlock();

    /* One executor per CPU (ADR 0026), CONFIG_CPUS_MAX of them (defined in Executor.cpp). */
    static Executor s_executors[];

    Task* m_tasks { nullptr };
    /* How many Tasks on m_tasks are in each band (Band's values index it): a band with none is not scanned. */
    u32 m_tasks_in_band[2] { 0, 0 };
    [[nodiscard]] u32& tasks_in_band(Band band) { return m_tasks_in_band[static_cast<u8>(band)]; }
    Task* m_current { nullptr };
    Task* m_last_person { nullptr };
    Task* m_last_network { nullptr };
    void* m_scheduler_context { nullptr };
    u32 m_person_turns_in_a_row { 0 };
    u64 m_switches { 0 };
    u64 m_handoffs { 0 };
    std::atomic<u64> m_timer_interrupts { 0 };
    static std::atomic<usize> s_interrupt_routes;
    static std::atomic<Timer*> s_armed_timers; /* under s_timers_lock; read alone to ask "any?" */
    /* Some host thread raised a line since the scheduler last looked (hosted; never set elsewhere). */
    static std::atomic<bool> s_host_lines_hint;
    [[nodiscard]] static bool host_lines_waiting();
    TicketLock<platform::spin_pause> m_lock;
    /* The CPU holding m_lock (platform::no_processor when none or a bare hosted thread): written by
       the holder only, read only to ask "do I hold it" (lock_held_by). */
    std::atomic<u32> m_lock_holder { platform::no_processor };
    std::atomic<bool> m_idle { false }; /* set, full fence, re-check, park (idle()) */
    u64 m_steals { 0 };
    Task* m_gated_tasks { nullptr }; /* spawned elsewhere by this CPU's running Task, not started yet */
    std::atomic<u32> m_movable_tasks { 0 }; /* on its list, not pinned, not exited: worth waking a thief for */
    u32 m_timed_waits { 0 }; /* Tasks parked with a deadline */
    Task* m_last_ran { nullptr };
    u64 m_last_switched_in { 0 }; /* platform::cycle_counter() */
    u64 m_long_run_report_cycles { 0 };
    u64 m_long_runs_reported { 0 };
    u64 m_slice_end { 0 }; /* when the running preemptible Task's slice ends; 0: it is not preemptible */
    u64 m_preemptions { 0 };
    u64 m_programmed_deadline { 0 }; /* the platform's one-shot deadline as last set here */
};

inline Executor& Executor::current() { return s_executors[platform::current_processor()]; }

/* Convenience for Task code: waits on the calling Task's own Signal Mask. */
inline u64 wait(u64 mask) { return Executor::current().wait(mask); }
[[nodiscard]] inline Task& this_task() { return Executor::current().current_task(); }

}
