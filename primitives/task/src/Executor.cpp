/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Bundle.h>
#include <boost/context/detail/fcontext.hpp>
#include <vectra/kernel/Domain.h>
#include <vectra/config.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/KernelLock.h>
#include "LockOrderHooks.h"
#include <vectra/kernel/LockOrder.h>
#include <vectra/kernel/Snapshot.h>
#include <vectra/Try.h>
#include <vectra/platform/ConsoleLine.h>
#include <vectra/platform/Platform.h>

namespace vectra {

namespace fcontext = boost::context::detail;

namespace {

/*
 * Clears a new Task's stack. Under AddressSanitizer (the host tests) the pages may still carry
 * a reaped Task's frame redzones in the shadow memory (a fiber that ends never unwinds them):
 * they are unpoisoned first, or the clearing itself — and later the new Task's frames — would be
 * reported as overflows.
 */
#if defined(__SANITIZE_ADDRESS__)
#    define VECTRA_STACKS_UNDER_ASAN 1
#elif defined(__has_feature)
#    if __has_feature(address_sanitizer)
#        define VECTRA_STACKS_UNDER_ASAN 1
#    endif
#endif
#ifdef VECTRA_STACKS_UNDER_ASAN
extern "C" void __asan_unpoison_memory_region(void const volatile* address, usize size);
#endif

void clear_stack(void* base, usize size)
{
#ifdef VECTRA_STACKS_UNDER_ASAN
    __asan_unpoison_memory_region(base, size);
#endif
    __builtin_memset(base, 0, size);
}

u32 s_task_processors = 1;
u32 s_next_placement = 0; /* round-robin for processor_any */

/* CPU 0 keeps the armed Timers; any CPU's kernel call arms one: the list has a lock of its own,
   last in the lock order (ADR 0026 §15). Nothing is taken while it is held. */
TicketLock<platform::spin_pause> s_timers_lock;

void lock_timers()
{
    lock_order::acquiring(lock_order::timers);
    s_timers_lock.acquire();
}

void unlock_timers()
{
    s_timers_lock.release();
    lock_order::released(lock_order::timers);
}

}

Executor Executor::s_executors[CONFIG_CPUS_MAX];
std::atomic<usize> Executor::s_interrupt_routes { 0 };
std::atomic<Timer*> Executor::s_armed_timers { nullptr };
std::atomic<bool> Executor::s_host_lines_hint { false };

void Executor::lock() { lock_as(platform::processor_running_this()); }

void Executor::lock_own()
{
    /* Its own CPU's executor: the index is the holder, no lookup (the switch path's lock). */
    lock_order::taking_own(processor());
    lock_as(processor());
}

void Executor::lock_as(u32 holder)
{
    lock_order::acquiring(lock_order::executor(processor()));
    m_lock.acquire();
    m_lock_holder.store(holder, std::memory_order_relaxed);
}

void Executor::unlock()
{
    m_lock_holder.store(platform::no_processor, std::memory_order_relaxed);
    m_lock.release();
    lock_order::released(lock_order::executor(processor()));
}

bool Executor::lock_held_by(u32 processor)
{
    /* Only a CPU writes its own index here, and it reads its own stores in order: no fence. */
    for (auto& executor : s_executors) {
        if (executor.m_lock_holder.load(std::memory_order_relaxed) == processor)
            return true;
    }
    return false;
}

/*
 * A Task's own wait, yield and end of slice take its executor's lock and no other (ADR 0026 §15):
 * a switch happens holding exactly the lock of the executor switching, which the Task or scheduler
 * switched into lets go. A kernel call's big lock is let go first and taken again after the
 * switch back (the order is big lock, then executor lock): while the Task was parked other CPUs'
 * kernel calls ran anyway, as other Tasks' did when the big lock was handed on across the switch.
 */
Executor& Executor::enter_switch_path(bool& had_big_lock)
{
    /* One CPU lookup answers both: whose big lock, which executor (an rdtscp on x86_64 with CPUs). */
    u32 self = platform::current_processor();
    had_big_lock = kernel_lock::held_by(self);
    if (had_big_lock)
        kernel_lock::leave();
    Executor& here = s_executors[self];
    here.lock_own();
    return here;
}

/* `resumed` is the executor the Task came back on (reschedule's answer): a Task stolen while it
   waited returns on another CPU, holding that one's lock. Running, it cannot move meanwhile. */
void Executor::leave_switch_path(Executor& resumed, bool had_big_lock)
{
    resumed.unlock();
    if (had_big_lock)
        kernel_lock::enter();
}

void Executor::stop_if_requested(Task& task)
{
    if (!task.m_stop_requested) [[likely]]
        return;
    unlock(); /* fail_current takes the big lock, which ranks first: the Task ends inside the kernel */
    fail_current(ExitCause::Stopped, "its last TaskCap was deleted", 0);
}

Executor& Executor::of_processor(u32 index)
{
    VERIFY(index < CONFIG_CPUS_MAX);
    return s_executors[index];
}

u32 Executor::processor() const { return static_cast<u32>(this - s_executors); }

void Executor::set_task_processors(u32 count)
{
    VERIFY(count >= 1 && count <= CONFIG_CPUS_MAX);
    s_task_processors = count;
}

u32 Executor::task_processors() { return s_task_processors; }

u32 Executor::place(SpawnParameters const& parameters)
{
    /* A domain's page tables, user stacks and preemption are the boot CPU's this round. */
    if (!parameters.domain.empty())
        return 0;
    if (parameters.processor == processor_any)
        return s_next_placement++ % s_task_processors;
    return parameters.processor % s_task_processors;
}

void Executor::adopt(Task& task)
{
    task.m_executor = this;
    task.m_next = m_tasks;
    m_tasks = &task;
    ++tasks_in_band(task.m_band);
    task.m_signals.set_listener(this);
    /* A pinned Task is adopted once and never moves; a movable one may be stolen at any switch. */
    task.m_signals.set_pinned_processor(task.m_pinned ? processor() : SignalMask::not_pinned);
    if (task.m_in_timed_wait)
        ++m_timed_waits;
    if (!task.m_pinned)
        m_movable_tasks.fetch_add(1, std::memory_order_relaxed);
}

void Executor::unlink(Task& task)
{
    for (Task** link = &m_tasks; *link; link = &(*link)->m_next) {
        if (*link != &task)
            continue;
        *link = task.m_next;
        task.m_next = nullptr;
        --tasks_in_band(task.m_band);
        if (m_last_person == &task)
            m_last_person = nullptr;
        if (m_last_network == &task)
            m_last_network = nullptr;
        if (m_last_ran == &task)
            m_last_ran = nullptr;
        if (task.m_in_timed_wait)
            --m_timed_waits;
        if (!task.m_pinned && task.m_state != TaskState::Exited)
            m_movable_tasks.fetch_sub(1, std::memory_order_relaxed); /* an exited one was uncounted then */
        return;
    }
    VERIFY_NOT_REACHED();
}

void Executor::signal_raised()
{
    /*
     * The raiser's half of the idle handshake: the bit is set (the raise's read-modify-write),
     * then a full fence, then the idle flag is read. The idler sets the flag, fences, then looks
     * at its Tasks' masks. Of two fenced store-then-load sequences at least one sees the other's
     * store: either the idler sees the bit and does not park, or the raiser sees the flag and
     * sends the wake-up, which stays pending until the idler's park returns.
     */
    if (s_task_processors <= 1)
        return;
    /* Not current_processor(): a hosted thread that is no CPU reads 0 there, and would take CPU 0's
       shortcut below and never wake it (ADR 0026 §14). */
    u32 self = platform::processor_running_this();
    /*
     * A raise on this CPU's own executor (a Ring ping-pong between two Tasks of one CPU, a
     * Task's own timer): this CPU is running this code, so it is not parked and needs no
     * wake-up, and the bit's read-modify-write comes before, in program order, the look at the
     * masks its idle() makes before it parks. No fence then — unless Tasks here may move, and an
     * idle CPU should be woken to steal one (below).
     */
    if (processor() == self && m_movable_tasks.load(std::memory_order_relaxed) == 0)
        return;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (m_idle.load(std::memory_order_relaxed)) {
        if (processor() != self)
            platform::wake_processor(processor());
        return;
    }
    /* Busy, with Tasks that may move: an idle CPU is woken to steal one (it looks, under the lock). */
    if (m_movable_tasks.load(std::memory_order_relaxed) == 0)
        return;
    for (u32 index = 0; index < s_task_processors; ++index) {
        if (index != processor() && index != self && s_executors[index].is_idle()) {
            platform::wake_processor(index);
            return;
        }
    }
}

ErrorOr<Task*> Executor::spawn(Reticle& from, SpawnParameters const& parameters)
{
    if (parameters.entry == nullptr)
        return Error(ErrorCode::InvalidArgument, "spawn needs an entry point");
    if (parameters.name.empty() || parameters.name.size() > 31)
        return Error(ErrorCode::NameTooLong, "Task names are 1 to 31 bytes");
    if (parameters.stack_size < 4 * KiB)
        return Error(ErrorCode::InvalidArgument, "Task stacks are at least 4 KiB");
    /*
     * Stack layout: one guard page, then the stack, both page-aligned, so an overflow runs into
     * the guard page and faults instead of corrupting what lies below.
     */
    usize page = platform::page_size();
    usize granule = page ? page : 4096;
    /*
     * A Task in a protection domain runs user mode on a stack of its own, in whole pages its
     * domain maps; its fiber stack is then only its kernel stack, where its traps run.
     */
    bool in_domain = !parameters.domain.empty();
    usize stack_size = align_up(in_domain ? domains::kernel_stack_size : parameters.stack_size, granule);
    uptr user_stack = 0;
    usize user_stack_size = align_up(parameters.stack_size, granule);
    /* A page below the user stack that no domain ever maps: an overflow faults there. */
    if (in_domain)
        user_stack = reinterpret_cast<uptr>(TRY(from.try_retype(user_stack_size + granule, granule))) + granule;
    u8* region = static_cast<u8*>(TRY(from.try_retype(stack_size + granule, granule)));
    /*
     * Stacks start zeroed: the Reticle's memory may have held a reaped Task's frames (its keys
     * among them), and a Task must not read what another left behind — least of all from user
     * mode, where its stack is mapped to it.
     */
    if (in_domain)
        clear_stack(reinterpret_cast<void*>(user_stack), user_stack_size);
    clear_stack(region + granule, stack_size);
    Task* task = TRY(from.try_create<Task>(Badge<Executor>(), from, parameters));
    Executor& home = of_processor(place(parameters));
    if (in_domain) {
        task->m_user_stack_base = user_stack;
        task->m_user_stack_size = user_stack_size;
        /* A domain's members are read on its CPU's switch path (domains::activate): its lock. */
        home.lock();
        auto joined = domains::join(*task, parameters);
        home.unlock();
        if (joined.is_error()) {
            task->abandon();
            return joined.release_error();
        }
    }
    void* stack = region + granule;
    if (page && platform::set_page_guard(reinterpret_cast<uptr>(region), true))
        task->m_guard_page = reinterpret_cast<uptr>(region);
    task->m_stack_base = reinterpret_cast<uptr>(stack);
    task->m_stack_size = stack_size;
    /* Boost.Context takes the top of the stack; the stack grows down from there. */
    task->m_context = fcontext::make_fcontext(static_cast<u8*>(stack) + stack_size, stack_size,
        [](fcontext::transfer_t transfer) { task_trampoline(transfer.fctx, transfer.data); });
    task->m_pinned = parameters.processor != processor_any || in_domain;
    task->m_listed = true;
    task->retain(); /* the executor's list names it until it is reaped */
    /* On one CPU a child cannot run before its spawner waits, so its Bundle is filled first
       (kernel::grant refuses a child that ran); another CPU waits for the same moment — also for
       a movable child placed here, which an idle CPU could otherwise steal and start at once.
       A spawner running no Task (the boot thread, a host test) holding the big lock: until it lets
       it go (kernel_lock::leave_scope) — no CPU's scheduler waits for the big lock any more. */
    bool gated = (&home != this || !task->m_pinned) && (m_current || kernel_lock::held_here());
    if (gated) {
        /* Gated before it is listed, so no CPU can pick it meanwhile. */
        lock();
        task->m_start_gate.store(this, std::memory_order_relaxed);
        task->m_next_gated = m_gated_tasks;
        m_gated_tasks = task;
        unlock();
    }
    home.lock();
    home.adopt(*task);
    home.unlock();
    if (!gated)
        home.signal_raised(); /* a new runnable Task: wake its CPU if it idles */
    return task;
}

void Executor::open_start_gates()
{
    /* Under this executor's lock, which keeps the list; each child is read under its own. */
    while (Task* task = m_gated_tasks) {
        m_gated_tasks = task->m_next_gated;
        task->m_next_gated = nullptr;
        /* Read before the gate opens: once it does the child may run, move and exit. */
        Executor& home = *task->m_executor;
        task->m_start_gate.store(nullptr, std::memory_order_release); /* its Bundle, filled, goes with it */
        home.signal_raised();
    }
}

void Executor::open_start_gates_outside_tasks()
{
    if (m_current)
        return; /* a Task's kernel call: its children start when it leaves its CPU (reschedule) */
    lock();
    open_start_gates();
    unlock();
}

void Executor::close_start_gate(Task& task)
{
    Executor* gate = task.m_start_gate.load(std::memory_order_acquire);
    if (!gate)
        return;
    gate->lock();
    /* Looked at again under the list's lock: its spawner may have opened it meanwhile. */
    if (task.m_start_gate.load(std::memory_order_relaxed) == gate) {
        for (Task** link = &gate->m_gated_tasks; *link; link = &(*link)->m_next_gated) {
            if (*link == &task) {
                *link = task.m_next_gated;
                break;
            }
        }
        task.m_next_gated = nullptr;
        task.m_start_gate.store(nullptr, std::memory_order_relaxed);
    }
    gate->unlock();
}

void Executor::task_trampoline(void* context, void* from)
{
    Executor& executor = resumed_after_jump(context, from);
    Task& task = *executor.m_current;
    /* The switch into a Task's own code lets its executor's lock go (that of the CPU it starts on). */
    executor.unlock();
    /* A Task in a domain leaves kernel mode here for good; its Exit call ends it. */
    if (task.domain())
        domains::enter_user_mode(task);
    Bundle bundle; /* the Task's view of its own Bundle: every take is a kernel call */
    auto result = task.m_entry(bundle);
    /* It may have been stolen meanwhile: it exits on the CPU it runs on now. */
    Executor::current().exit_current(result);
}

void Executor::exit_current(ErrorOr<i32> const& result)
{
    Task& task = current_task();
    if (result.is_error()) {
        task.m_exit_cause = ExitCause::Failed;
        task.m_exit_error = result.error();
        exit_current(1);
    }
    task.m_exit_cause = ExitCause::Returned;
    exit_current(result.value());
}

/*
 * Every jump passes who is jumping: a Task, or nullptr for the scheduler. Whoever resumes
 * stores the jumper's continuation where it belongs, so Tasks can hand the CPU straight to
 * each other and the scheduler still finds every Task's context.
 */
void Executor::save_continuation(void* context, void* from)
{
    if (from)
        static_cast<Task*>(from)->m_context = context;
    else
        m_scheduler_context = context;
}

void Executor::account_switch(Task& task)
{
    /*
     * One cycle-counter read per switch, never the clock (a system call on hosted): it ends the
     * previous Task's stretch (counted in its time used, reported when too long) and starts this
     * one's. Idle time never counts: idle() ends the last stretch and forgets the last Task.
     */
    u64 now = platform::cycle_counter();
    end_stretch(now);
    m_last_ran = &task;
    m_last_switched_in = now;
    ++m_switches;
    ++task.m_switches;
    snapshot::note_switch(*this, now);
    domains::activate(task);
    /* The slice starts with the same clock read; kernel-mode Tasks get none (nothing cancels a
       stale one: it fires once, is counted, and changes nothing). */
    m_slice_end = 0;
    if (task.m_domain && task.m_band == Band::Network && domains::alone_in_domain(task)) [[unlikely]]
        start_slice(platform::monotonic_nanoseconds());
}

void Executor::start_slice(u64 now)
{
    /*
     * A deadline already programmed, at least half a slice ahead and no further than a slice,
     * ends this slice too: Tasks switching often (a Ring ping-pong between two domains) then
     * touch no timer, and a slice is never shorter than half.
     */
    if (m_programmed_deadline >= now + slice_nanoseconds / 2 && m_programmed_deadline <= now + slice_nanoseconds) {
        m_slice_end = m_programmed_deadline;
        return;
    }
    m_slice_end = now + slice_nanoseconds;
    program_deadline(m_slice_end);
}

void Executor::program_deadline(u64 deadline)
{
    m_programmed_deadline = deadline;
    platform::set_deadline(deadline);
}

void Executor::end_stretch(u64 now_cycles)
{
    if (!m_last_ran)
        return;
    u64 stretch = now_cycles - m_last_switched_in;
    m_last_ran->m_cycles_used += stretch;
    /* The threshold in cycles, converted once: the platform's rate is known after boot. */
    if (m_long_run_report_cycles == 0) [[unlikely]]
        m_long_run_report_cycles = platform::nanoseconds_to_cycles(long_run_report_nanoseconds);
    if (stretch > m_long_run_report_cycles) {
        ++m_long_runs_reported;
        platform::console_format("vectra: task {} ran {} ms without waiting", m_last_ran->name(),
            platform::cycles_to_nanoseconds(stretch) / 1'000'000);
    }
}

void Executor::switch_to(Task& task)
{
    account_switch(task);
    m_current = &task;
    auto transfer = fcontext::jump_fcontext(task.m_context, nullptr);
    /* Back on the scheduler, from whichever Task jumped here. */
    save_continuation(transfer.fctx, transfer.data);
    m_current = nullptr;
}

Executor& Executor::switch_to_scheduler()
{
    auto transfer = fcontext::jump_fcontext(m_scheduler_context, m_current);
    return resumed_after_jump(transfer.fctx, transfer.data);
}

/* Back in a Task after its jump, perhaps on another CPU (stolen): that CPU's executor switched to
   it, holding its lock. The one CPU lookup after a jump; the switch path passes its answer on. */
Executor& Executor::resumed_after_jump(void* context, void* from)
{
    Executor& resumed = current();
    resumed.save_continuation(context, from);
    return resumed;
}

Executor& Executor::reschedule()
{
    /* The running Task leaves its CPU (or may): Tasks it spawned onto other CPUs may start. */
    if (m_gated_tasks) [[unlikely]]
        open_start_gates();
    /*
     * The fast path: with no deadline that could expire and no line a host thread raised, hand
     * the CPU straight to the next runnable Task (one jump instead of two). Otherwise, or when
     * nothing else can run, go through the scheduler, which checks deadlines, delivers host lines
     * (serve(), run_until_exit()) and idles.
     */
    if (!has_deadlines() && !s_host_lines_hint.load(std::memory_order_relaxed)) {
        Task* self = m_current;
        Task* next = pick_next();
        if (next == self)
            return *this;
        if (next)
            return hand_off(*next);
    }
    return switch_to_scheduler();
}

Executor& Executor::hand_off(Task& next)
{
    Task* self = m_current;
    ++m_handoffs;
    account_switch(next);
    m_current = &next;
    auto transfer = fcontext::jump_fcontext(next.m_context, self);
    return resumed_after_jump(transfer.fctx, transfer.data);
}

void Executor::preemption_point()
{
    /* Only a preemptible Task has a slice; an interrupt before its end changes nothing. */
    if (!m_current || m_slice_end == 0)
        return;
    u64 now = platform::monotonic_nanoseconds();
    if (now < m_slice_end)
        return;
    end_slice();
    /* Still (or again) running: a Task switched in got a fresh slice; one that kept the CPU starts one. */
    now = platform::monotonic_nanoseconds();
    if (m_slice_end != 0 && now >= m_slice_end)
        start_slice(now);
}

void Executor::end_slice()
{
    bool had_big_lock;
    Executor& here = enter_switch_path(had_big_lock);
    Executor* resumed = &here;
    Task& self = here.current_task();
    here.stop_if_requested(self);
    if (self.m_band == Band::Network) {
        if (here.has_deadlines())
            here.expire_deadlines();
        if (here.person_runnable()) {
            ++here.m_preemptions;
            domains::set_preempted(self, true);
            resumed = &here.reschedule();
            /* Resumed on the executor it belongs to now (a domain's Tasks never move). */
            domains::set_preempted(self, false);
        }
    }
    leave_switch_path(*resumed, had_big_lock);
}

bool Executor::person_runnable()
{
    if (tasks_in_band(Band::Person) == 0)
        return false;
    for (Task* task = m_tasks; task; task = task->m_next) {
        if (task->m_band == Band::Person && is_runnable(*task))
            return true;
    }
    return false;
}

Task& Executor::current_task()
{
    VERIFY(m_current != nullptr);
    return *m_current;
}

u64 Executor::wait(u64 mask)
{
    return wait_until(mask, 0, SignalBit(0));
}

u64 Executor::wait_until(u64 mask, u64 deadline, SignalBit deadline_bit)
{
    VERIFY(mask != 0 || deadline != 0);
    bool had_big_lock;
    Executor* resumed = &enter_switch_path(had_big_lock);
    Task& task = resumed->current_task();
    resumed->stop_if_requested(task);
    if (deadline != 0)
        mask |= deadline_bit.mask();
    for (;;) {
        /* Looked at before it is taken: a wait that parks (a Ring's receiver on an empty Ring) then
           pays no read-modify-write. A bit raised after the look stays pending for the pick's peek. */
        u64 bits = task.m_signals.peek(mask) != 0 ? task.m_signals.take(mask) : 0;
        if (bits != 0) {
            task.m_deadline = 0;
            leave_switch_path(*resumed, had_big_lock);
            return bits;
        }
        task.m_wait_mask = mask;
        task.m_deadline = deadline;
        task.m_deadline_bit = deadline_bit;
        task.m_state = TaskState::Waiting;
        /* Its executor now: a Task stolen while it waited loops here on another CPU. */
        Executor& here = *task.m_executor;
        if (deadline != 0) {
            ++here.m_timed_waits;
            task.m_in_timed_wait = true;
        }
        resumed = &here.reschedule();
        /* Resumed by the executor it belongs to now (a stolen Task moved its count along). */
        if (deadline != 0) {
            --task.m_executor->m_timed_waits;
            task.m_in_timed_wait = false;
        }
    }
}

void Executor::yield()
{
    bool had_big_lock;
    Executor& here = enter_switch_path(had_big_lock);
    here.stop_if_requested(here.current_task());
    leave_switch_path(here.reschedule(), had_big_lock);
}

/* Under this executor's lock (the Task's): it leaves the scheduler's view. */
void Executor::mark_exited(Task& task)
{
    task.m_state = TaskState::Exited;
    task.m_exited.store(true, std::memory_order_release); /* after its exit status and cause */
    /* Listed until reaped, but never stolen: no thief need take the big lock and this lock for it. */
    if (!task.m_pinned)
        m_movable_tasks.fetch_sub(1, std::memory_order_relaxed);
    if (task.m_in_timed_wait && &task != m_current) {
        --m_timed_waits; /* it was parked with a deadline and will never return from that wait */
        task.m_in_timed_wait = false;
    }
    task.m_deadline = 0;
}

/* Under the big lock, the Task marked exited and no executor lock held: its authority goes. */
void Executor::finish(Task& task)
{
    /* After the mark: a gate closed first would let its CPU start it. */
    close_start_gate(task);
    /* Held while its authority goes, so nothing it held can retire it half-finished. */
    task.retain();
    /* Its authority ends with it: every capability, Ring binding and interrupt route it held. */
    (void)task.m_capabilities.clear();
    /* A domain's members are read on its CPU's switch path: under that executor's lock. */
    Executor& home = *task.m_executor;
    home.lock();
    domains::leave(task);
    home.unlock();
    release_timers(unlink_timers_of(&task.m_signals, nullptr));
    if (task.m_supervisor_mask)
        task.m_supervisor_mask->raise(task.m_exit_bit);
    task.release();
}

void Executor::finish_current()
{
    Task& task = current_task();
    lock();
    open_start_gates();
    mark_exited(task);
    unlock();
    finish(task);
    /* Its last TaskCap went while it ran (it stopped itself): nobody is left to reap it. */
    if (task.is_torn_down())
        forget(task);
    /* A switch holds its executor's lock only: taken before the big lock goes, so a reaper (which
       takes both) waits until the Task has left its stack. */
    lock();
    kernel_lock::leave();
    switch_to_scheduler();
    VERIFY_NOT_REACHED();
}

void Executor::stop(Task& task)
{
    /* Under the big lock (a TaskCap's deletion), so the Task cannot move meanwhile. */
    Executor& home = task.m_executor ? *task.m_executor : *this;
    home.lock();
    bool running = &task == home.m_current;
    bool requested = task.m_state != TaskState::Exited && running;
    bool ending = task.m_state != TaskState::Exited && !running;
    if (requested)
        task.m_stop_requested = true; /* running here or on another CPU: it ends at its next wait or yield */
    if (ending) {
        task.m_exit_cause = ExitCause::Stopped;
        task.m_exit_status = -1;
        task.m_failure_message = "its last TaskCap was deleted";
        task.m_exit_error = Error(ErrorCode::None, task.m_failure_message);
        home.mark_exited(task);
    }
    home.unlock();
    if (requested)
        return;
    if (ending)
        finish(task);
    home.forget(task);
}

void Executor::exit_current(i32 status)
{
    /* Exits end inside the kernel, and leave through the scheduler holding the executor's lock. */
    if (!kernel_lock::held_here())
        kernel_lock::enter();
    current_task().m_exit_status = status;
    finish_current();
}

void Executor::fail_current(ExitCause cause, char const* message, u64 address)
{
    if (!kernel_lock::held_here())
        kernel_lock::enter();
    Task& task = current_task();
    task.m_exit_cause = cause;
    task.m_exit_status = -1;
    task.m_failure_message = message;
    task.m_failure_address = address;
    task.m_exit_error = Error(ErrorCode::None, message);
    finish_current();
}

ErrorOr<void> Executor::arm_timer(CapabilitySpace& space, TimerCap const& capability, u64 deadline)
{
    Timer* timer = TRY(space.lookup(capability, RightWrite));
    if (deadline == 0)
        return Error(ErrorCode::InvalidArgument, "a timer deadline of 0 means none; use cancel_timer");
    lock_timers();
    /* Armed again: it keeps the list's reference it has; else the list takes one. */
    if (unlink_timers_of(nullptr, timer) == nullptr)
        timer->retain();
    timer->m_deadline = deadline;
    timer->m_next_armed = s_armed_timers.load(std::memory_order_relaxed);
    s_armed_timers.store(timer, std::memory_order_relaxed);
    unlock_timers();
    /* After the list's lock is let go: CPU 0's idle() looks at the list after raising its idle
       flag, under the same lock, so either it sees this Timer or this sees the flag. */
    of_processor(0).signal_raised(); /* the boot CPU keeps the Timers: it must look again */
    return {};
}

ErrorOr<void> Executor::cancel_timer(CapabilitySpace& space, TimerCap const& capability)
{
    Timer* timer = TRY(space.lookup(capability, RightWrite));
    disarm(*timer);
    return {};
}

void Executor::disarm(Timer& timer)
{
    lock_timers();
    Timer* unlinked = unlink_timers_of(nullptr, &timer);
    unlock_timers();
    release_timers(unlinked);
}

/*
 * Under the Timer list's lock: takes off the list every Timer raising `target` and the Timer
 * `also` (either may be null) and returns them linked by m_next_armed, each still holding the
 * list's reference. The references go after the lock (release_timers): a Timer's last one
 * disarms it, which takes the lock.
 */
Timer* Executor::unlink_timers_of(SignalMask* target, Timer* also)
{
    Timer* head = s_armed_timers.load(std::memory_order_relaxed);
    Timer* unlinked = nullptr;
    for (Timer** link = &head; *link;) {
        Timer* timer = *link;
        if (&timer->m_target != target && timer != also) {
            link = &timer->m_next_armed;
            continue;
        }
        *link = timer->m_next_armed;
        timer->m_deadline = 0;
        timer->m_next_armed = unlinked;
        unlinked = timer;
    }
    s_armed_timers.store(head, std::memory_order_relaxed);
    return unlinked;
}

void Executor::release_timers(Timer* list)
{
    while (Timer* timer = list) {
        list = timer->m_next_armed;
        timer->m_next_armed = nullptr;
        timer->release();
    }
}

void Timer::tear_down()
{
    Executor::disarm(*this);
}

ErrorOr<void> Executor::reap(Task& task)
{
    /* Under the big lock (a kernel call), so the Task stays on its executor meanwhile. */
    Executor& home = *task.m_executor;
    home.lock();
    bool exited = task.m_state == TaskState::Exited;
    bool listed = task.m_listed;
    home.unlock();
    if (!exited)
        return Error(ErrorCode::Busy, "only an exited Task can be reaped");
    if (!listed)
        return Error(ErrorCode::NotFound, "Task is not on this executor");
    home.forget(task);
    return {};
}

void Executor::forget(Task& task)
{
    /* The Task's executor's lock: an exiting Task holds it until it has switched away. */
    lock();
    bool listed = task.m_listed;
    if (listed) {
        if (task.m_guard_page) {
            (void)platform::set_page_guard(task.m_guard_page, false);
            task.m_guard_page = 0;
        }
        unlink(task);
        task.m_signals.set_listener(nullptr);
        task.m_listed = false;
    }
    unlock();
    if (!listed)
        return;
    task.end_unnamed(); /* a Task nobody held a TaskCap to ends with its reaping */
    task.release();     /* may retire it: nothing here touches it after this */
}

bool Executor::is_runnable(Task& task) const
{
    if (task.m_start_gate) [[unlikely]]
        return false;
    if (task.m_domain && domains::held_by_another(task)) [[unlikely]]
        return false;
    if (task.m_state == TaskState::Runnable)
        return true;
    if (task.m_state == TaskState::Waiting && task.m_signals.peek(task.m_wait_mask) != 0) {
        task.m_state = TaskState::Runnable;
        return true;
    }
    return false;
}

void Executor::expire_deadlines()
{
    u64 now = platform::monotonic_nanoseconds();
    for (Task* task = m_tasks; task; task = task->m_next) {
        if (task->m_state == TaskState::Waiting && task->m_deadline != 0 && task->m_deadline <= now) {
            task->m_deadline = 0;
            task->m_signals.raise(task->m_deadline_bit);
        }
    }
    if (!keeps_timers() || !s_armed_timers.load(std::memory_order_relaxed))
        return;
    lock_timers();
    Timer* head = s_armed_timers.load(std::memory_order_relaxed);
    Timer* expired = nullptr;
    for (Timer** link = &head; *link;) {
        Timer* timer = *link;
        if (timer->m_deadline <= now) {
            *link = timer->m_next_armed;
            timer->m_deadline = 0;
            timer->m_next_armed = expired;
            expired = timer;
        } else {
            link = &timer->m_next_armed;
        }
    }
    s_armed_timers.store(head, std::memory_order_relaxed);
    unlock_timers();
    /* Raised and let go after the list's lock: the last reference disarms, which takes it. */
    for (Timer* timer = expired; timer; timer = timer->m_next_armed)
        timer->m_target.raise(timer->m_bit);
    release_timers(expired);
}

Task* Executor::pick_next()
{
    /* Round-robin within a band, starting after the Task that ran last in it. */
    auto next_in_band = [&](Band band, Task* after) -> Task* {
        Task* start = after && after->m_next ? after->m_next : m_tasks;
        Task* task = start;
        do {
            if (task->m_band == band && is_runnable(*task))
                return task;
            task = task->m_next ? task->m_next : m_tasks;
        } while (task != start);
        return nullptr;
    };
    if (!m_tasks)
        return nullptr;
    /* A band with no Tasks here is not scanned: most CPUs run one band only. */
    Task* person = tasks_in_band(Band::Person) ? next_in_band(Band::Person, m_last_person) : nullptr;
    Task* network = tasks_in_band(Band::Network) ? next_in_band(Band::Network, m_last_network) : nullptr;
    if (person && (!network || m_person_turns_in_a_row < network_starvation_bound)) {
        m_person_turns_in_a_row = network ? m_person_turns_in_a_row + 1 : 0;
        m_last_person = person;
        return person;
    }
    if (network) {
        m_person_turns_in_a_row = 0;
        m_last_network = network;
    }
    return network;
}

ErrorOr<void> Executor::idle(Task const* awaited)
{
    /* Under this executor's lock. */
    u64 now = platform::monotonic_nanoseconds();
    end_stretch(platform::cycle_counter());
    m_last_ran = nullptr;
    snapshot::note_idle(*this, now);
    /*
     * The idler's half of the handshake (signal_raised() has the raiser's): set the flag, full
     * fence, look again; park only if still nothing can run. A raise after the look sees the flag
     * and sends the wake-up, which the park keeps pending. The lock is let go for the park, so
     * other CPUs can spawn, stop and steal meanwhile. The flag comes before the Timers are looked
     * at too: a Timer armed from another CPU after that look is armed after the flag was set (the
     * Timer list's lock orders the two), so its arming sees the flag and wakes this CPU.
     */
    m_idle.store(true, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    u64 earliest = 0;
    for (Task* task = m_tasks; task; task = task->m_next) {
        if (task->m_state == TaskState::Waiting && task->m_deadline != 0 && (earliest == 0 || task->m_deadline < earliest))
            earliest = task->m_deadline;
    }
    if (keeps_timers()) {
        lock_timers();
        for (Timer* timer = s_armed_timers.load(std::memory_order_relaxed); timer; timer = timer->m_next_armed) {
            if (earliest == 0 || timer->m_deadline < earliest)
                earliest = timer->m_deadline;
        }
        unlock_timers();
    }
    /* The boot CPU speaks for all: a deadlock is every CPU with nothing that can ever run. */
    /* The Task the boot CPU waits for may have exited on another CPU since it looked: no deadlock
       then (its exit was marked before its CPU let go of the lock nothing_can_run_anywhere took). */
    if (earliest == 0 && keeps_timers() && s_interrupt_routes.load(std::memory_order_acquire) == 0
        && nothing_can_run_anywhere() && !(awaited && awaited->m_exited.load(std::memory_order_acquire))) {
        m_idle.store(false, std::memory_order_relaxed);
        return report_deadlock();
    }
    if (earliest != 0)
        program_deadline(earliest);
    if (!anything_runnable()) {
        unlock();
        platform::wait_for_interrupt();
        lock_own();
    }
    m_idle.store(false, std::memory_order_relaxed);
    return {};
}

bool Executor::anything_runnable()
{
    for (Task* task = m_tasks; task; task = task->m_next) {
        if (is_runnable(*task))
            return true;
    }
    return false;
}

bool Executor::nothing_can_run_anywhere()
{
    /*
     * The executors are looked at one at a time, so one look is no snapshot: a Task on cpu 1 may
     * raise a Task here after this executor was looked at, then wait before cpu 1's was. So a
     * second look: it sees every raise made before the first ended (each executor's lock taken
     * in the first pairs with its CPU letting it go after any raise its Tasks made), and equal
     * switch counts say no Task was switched in between the two looks to raise anything more.
     */
    u64 first[CONFIG_CPUS_MAX];
    u64 second[CONFIG_CPUS_MAX];
    if (!every_executor_idle(first) || !every_executor_idle(second))
        return false;
    for (u32 index = 0; index < s_task_processors; ++index) {
        if (first[index] != second[index])
            return false;
    }
    return true;
}

/* One look at every executor, each under its lock in index order (CPU 0, the lowest, holds its own). */
bool Executor::every_executor_idle(u64* switches)
{
    for (u32 index = 0; index < s_task_processors; ++index) {
        Executor& executor = s_executors[index];
        if (&executor != this)
            executor.lock();
        bool busy = executor.m_current || executor.m_timed_waits != 0 || executor.anything_runnable();
        switches[index] = executor.m_switches;
        if (&executor != this)
            executor.unlock();
        if (busy)
            return false;
    }
    return true;
}

Task* Executor::steal()
{
    /*
     * Under this executor's lock. Nothing to steal unless another executor lists a Task that may
     * move (a count read without its lock: a Task listed after the look wakes an idle CPU).
     */
    u32 candidates = 0;
    for (u32 index = 0; index < s_task_processors; ++index) {
        if (index != processor() && s_executors[index].m_movable_tasks.load(std::memory_order_relaxed) != 0)
            candidates |= 1u << index;
    }
    if (candidates == 0)
        return nullptr;
    /*
     * A change to another executor's list comes from outside: the big lock, then the executors'
     * locks in index order. This one's is let go first and taken again in its place in the
     * order; everything seen before is stale, so both lists are looked at again (ADR 0026 §14).
     */
    unlock();
    kernel_lock::enter();
    u32 locked = candidates | (1u << processor());
    for (u32 index = 0; index < s_task_processors; ++index) {
        if (locked & (1u << index))
            s_executors[index].lock();
    }
    Task* taken = anything_runnable() ? nullptr : steal_locked(candidates);
    for (u32 index = 0; index < s_task_processors; ++index) {
        if ((candidates & (1u << index)) != 0)
            s_executors[index].unlock();
    }
    kernel_lock::leave();
    return taken;
}

/* The big lock and the executors' locks in `candidates` and this one's held. */
Task* Executor::steal_locked(u32 candidates)
{
    /*
     * The busiest other CPU: most Tasks runnable and not running, one more if it runs one now.
     * Its oldest such Task that may move (not pinned by a CPU index, not in a domain) comes here.
     */
    Executor* busiest = nullptr;
    Task* taken = nullptr;
    u32 most = 0;
    for (u32 index = 0; index < s_task_processors; ++index) {
        Executor& other = s_executors[index];
        if ((candidates & (1u << index)) == 0)
            continue;
        u32 load = other.m_current ? 1 : 0;
        Task* oldest = nullptr;
        for (Task* task = other.m_tasks; task; task = task->m_next) {
            if (task == other.m_current || !other.is_runnable(*task))
                continue;
            ++load;
            if (!task->m_pinned)
                oldest = task; /* the list is newest first */
        }
        if (oldest && load > most) {
            most = load;
            busiest = &other;
            taken = oldest;
        }
    }
    if (!taken)
        return nullptr;
    busiest->unlink(*taken);
    adopt(*taken);
    ++taken->m_migrations;
    ++m_steals;
    return taken;
}

/*
 * The scheduler's look at the lines host threads raised (hosted), made outside any executor lock.
 * The fast path's hint is taken back first: a raiser stores its line's pending flag, then the hint
 * (both sequentially consistent), so a raise this look misses leaves the hint set for the next pass.
 */
bool Executor::host_lines_waiting()
{
    if (s_host_lines_hint.load(std::memory_order_relaxed)) [[unlikely]]
        s_host_lines_hint.store(false, std::memory_order_seq_cst);
    return platform::host_lines_raised();
}

void Executor::serve()
{
    /* A host thread's lines first, outside the lock: they raise bits (the big lock, then an executor's). */
    if (host_lines_waiting()) [[unlikely]]
        platform::deliver_host_lines();
    /* The scheduler holds its executor's lock from the pick to the switch in (ADR 0026 §14). */
    lock_own();
    if (has_deadlines())
        expire_deadlines();
    Task* next = pick_next();
    if (!next && s_task_processors > 1)
        next = steal();
    if (next)
        switch_to(*next); /* back holding this lock: whoever switched here held it */
    else
        (void)idle(nullptr); /* only the boot CPU reports a deadlock */
    unlock();
}

Error Executor::report_deadlock()
{
    platform::console_line("vectra: deadlock: every Task waits on signal bits nothing can raise");
    for (Task* task = m_tasks; task; task = task->m_next) {
        if (task->m_state == TaskState::Waiting)
            platform::console_format("vectra:   task {} waits for mask {:#x}", task->name(), task->m_wait_mask);
    }
    return Error(ErrorCode::Deadlock, "every Task waits on signal bits nothing can raise");
}

ErrorOr<i32> Executor::run_until_exit(Task& until)
{
    /* The scheduler holds its executor's lock only; a caller's big lock is let go meanwhile. */
    bool had_big_lock = kernel_lock::held_here();
    if (had_big_lock)
        kernel_lock::leave();
    lock();
    ErrorOr<i32> result = Error(ErrorCode::None, nullptr);
    for (;;) {
        /* Its exit is written under its own executor's lock, perhaps another's: published apart. */
        if (until.m_exited.load(std::memory_order_acquire)) {
            result = until.m_exit_status;
            break;
        }
        /* A host thread's lines (deliver_host_lines), outside the lock as in serve(). */
        if (host_lines_waiting()) [[unlikely]] {
            unlock();
            platform::deliver_host_lines();
            lock();
            continue;
        }
        /* The clock is read only while some deadline can expire. */
        if (has_deadlines())
            expire_deadlines();
        Task* next = pick_next();
        if (!next && s_task_processors > 1)
            next = steal();
        if (next) {
            switch_to(*next);
            continue;
        }
        auto idled = idle(&until);
        if (idled.is_error()) {
            result = idled.release_error();
            break;
        }
    }
    unlock();
    if (had_big_lock)
        kernel_lock::enter();
    return result;
}

}
