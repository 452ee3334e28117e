/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Bundle.h>
#include <boost/context/detail/fcontext.hpp>
#include <vectra/kernel/Domain.h>
#include <vectra/kernel/Executor.h>
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

/* One executor per CPU; this first cut runs on the boot CPU only. */
constexpr usize maximum_cpus = 1;
Executor s_executors[maximum_cpus];

}

Executor& Executor::current()
{
    return s_executors[0];
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
    if (in_domain) {
        task->m_user_stack_base = user_stack;
        task->m_user_stack_size = user_stack_size;
        auto joined = domains::join(*task, parameters);
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
    task->m_next = m_tasks;
    m_tasks = task;
    task->m_listed = true;
    task->retain(); /* the executor's list names it until it is reaped */
    return task;
}

void Executor::task_trampoline(void* context, void* from)
{
    auto& executor = Executor::current();
    executor.save_continuation(context, from);
    Task& task = *executor.m_current;
    /* A Task in a domain leaves kernel mode here for good; its Exit call ends it. */
    if (task.domain())
        domains::enter_user_mode(task);
    Bundle bundle; /* the Task's view of its own Bundle: every take is a kernel call */
    executor.exit_current(task.m_entry(bundle));
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
     * One clock read per switch: it ends the previous Task's stretch (counted in its time used,
     * reported when too long) and starts this one's. Idle time never counts: idle() ends the
     * last stretch and forgets the last Task.
     */
    u64 now = platform::monotonic_nanoseconds();
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
        start_slice(now);
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

void Executor::end_stretch(u64 now)
{
    if (!m_last_ran)
        return;
    u64 stretch = now - m_last_switched_in;
    m_last_ran->m_time_used += stretch;
    if (stretch > long_run_report_nanoseconds) {
        ++m_long_runs_reported;
        platform::console_format("vectra: task {} ran {} ms without waiting", m_last_ran->name(), stretch / 1'000'000);
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

void Executor::switch_to_scheduler()
{
    auto transfer = fcontext::jump_fcontext(m_scheduler_context, m_current);
    save_continuation(transfer.fctx, transfer.data);
}

void Executor::reschedule()
{
    /*
     * The fast path: with no deadline that could expire, hand the CPU straight to the next
     * runnable Task (one jump instead of two). Otherwise, or when nothing else can run, go
     * through the scheduler, which checks deadlines and idles.
     */
    if (m_timed_waits == 0 && !m_armed_timers) {
        Task* self = m_current;
        Task* next = pick_next();
        if (next == self)
            return;
        if (next) {
            hand_off(*next);
            return;
        }
    }
    switch_to_scheduler();
}

void Executor::hand_off(Task& next)
{
    Task* self = m_current;
    ++m_handoffs;
    account_switch(next);
    m_current = &next;
    auto transfer = fcontext::jump_fcontext(next.m_context, self);
    save_continuation(transfer.fctx, transfer.data);
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
    Task& self = current_task();
    if (self.m_stop_requested) [[unlikely]]
        fail_current(ExitCause::Stopped, "its last TaskCap was deleted", 0);
    if (self.m_band != Band::Network)
        return;
    if (m_timed_waits != 0 || m_armed_timers)
        expire_deadlines();
    if (!person_runnable())
        return;
    ++m_preemptions;
    domains::set_preempted(self, true);
    reschedule();
    domains::set_preempted(self, false);
}

bool Executor::person_runnable()
{
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
    Task& task = current_task();
    if (task.m_stop_requested) [[unlikely]]
        fail_current(ExitCause::Stopped, "its last TaskCap was deleted", 0);
    VERIFY(mask != 0 || deadline != 0);
    if (deadline != 0)
        mask |= deadline_bit.mask();
    for (;;) {
        u64 bits = task.m_signals.take(mask);
        if (bits != 0) {
            task.m_deadline = 0;
            return bits;
        }
        task.m_wait_mask = mask;
        task.m_deadline = deadline;
        task.m_deadline_bit = deadline_bit;
        task.m_state = TaskState::Waiting;
        if (deadline != 0) {
            ++m_timed_waits;
            task.m_in_timed_wait = true;
        }
        reschedule();
        if (deadline != 0) {
            --m_timed_waits;
            task.m_in_timed_wait = false;
        }
    }
}

void Executor::yield()
{
    if (current_task().m_stop_requested) [[unlikely]]
        fail_current(ExitCause::Stopped, "its last TaskCap was deleted", 0);
    reschedule();
}

void Executor::finish(Task& task)
{
    task.m_state = TaskState::Exited;
    if (task.m_in_timed_wait && &task != m_current) {
        --m_timed_waits; /* it was parked with a deadline and will never return from that wait */
        task.m_in_timed_wait = false;
    }
    task.m_deadline = 0;
    /* Held while its authority goes, so nothing it held can retire it half-finished. */
    task.retain();
    /* Its authority ends with it: every capability, Ring binding and interrupt route it held. */
    (void)task.m_capabilities.clear();
    domains::leave(task);
    for (Timer** link = &m_armed_timers; *link;) {
        if (&(*link)->m_target == &task.m_signals) {
            Timer* timer = *link;
            link = &timer->m_next_armed;
            disarm(*timer);
        } else {
            link = &(*link)->m_next_armed;
        }
    }
    if (task.m_supervisor_mask)
        task.m_supervisor_mask->raise(task.m_exit_bit);
    task.release();
}

void Executor::finish_current()
{
    Task& task = current_task();
    finish(task);
    /* Its last TaskCap went while it ran (it stopped itself): nobody is left to reap it. */
    if (task.is_torn_down())
        forget(task);
    switch_to_scheduler();
    VERIFY_NOT_REACHED();
}

void Executor::stop(Task& task)
{
    if (task.m_state != TaskState::Exited) {
        if (&task == m_current) {
            task.m_stop_requested = true;
            return;
        }
        task.m_exit_cause = ExitCause::Stopped;
        task.m_exit_status = -1;
        task.m_failure_message = "its last TaskCap was deleted";
        task.m_exit_error = Error(ErrorCode::None, task.m_failure_message);
        finish(task);
    }
    forget(task);
}

void Executor::exit_current(i32 status)
{
    current_task().m_exit_status = status;
    finish_current();
}

void Executor::fail_current(ExitCause cause, char const* message, u64 address)
{
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
    disarm(*timer);
    timer->retain(); /* the armed list names it */
    timer->m_deadline = deadline;
    timer->m_next_armed = m_armed_timers;
    m_armed_timers = timer;
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
    if (!timer.is_armed())
        return;
    for (Timer** link = &m_armed_timers; *link; link = &(*link)->m_next_armed) {
        if (*link == &timer) {
            *link = timer.m_next_armed;
            break;
        }
    }
    timer.m_deadline = 0;
    timer.m_next_armed = nullptr;
    timer.release();
}

void Timer::tear_down()
{
    Executor::current().disarm(*this);
}

ErrorOr<void> Executor::reap(Task& task)
{
    if (task.m_state != TaskState::Exited)
        return Error(ErrorCode::Busy, "only an exited Task can be reaped");
    if (!task.m_listed)
        return Error(ErrorCode::NotFound, "Task is not on this executor");
    forget(task);
    return {};
}

void Executor::forget(Task& task)
{
    if (!task.m_listed)
        return;
    if (task.m_guard_page) {
        (void)platform::set_page_guard(task.m_guard_page, false);
        task.m_guard_page = 0;
    }
    for (Task** link = &m_tasks; *link; link = &(*link)->m_next) {
        if (*link != &task)
            continue;
        *link = task.m_next;
        task.m_next = nullptr;
        if (m_last_person == &task)
            m_last_person = nullptr;
        if (m_last_network == &task)
            m_last_network = nullptr;
        if (m_last_ran == &task)
            m_last_ran = nullptr;
        task.m_listed = false;
        task.end_unnamed(); /* a Task nobody held a TaskCap to ends with its reaping */
        task.release(); /* may retire it: nothing here touches it after this */
        return;
    }
    VERIFY_NOT_REACHED();
}

bool Executor::is_runnable(Task& task) const
{
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
    for (Timer** link = &m_armed_timers; *link;) {
        Timer* timer = *link;
        if (timer->m_deadline <= now) {
            *link = timer->m_next_armed;
            timer->m_deadline = 0;
            timer->m_next_armed = nullptr;
            timer->m_target.raise(timer->m_bit);
            timer->release();
        } else {
            link = &timer->m_next_armed;
        }
    }
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
    Task* person = next_in_band(Band::Person, m_last_person);
    Task* network = next_in_band(Band::Network, m_last_network);
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

ErrorOr<void> Executor::idle()
{
    u64 now = platform::monotonic_nanoseconds();
    end_stretch(now);
    m_last_ran = nullptr;
    snapshot::note_idle(*this, now);
    u64 earliest = 0;
    for (Task* task = m_tasks; task; task = task->m_next) {
        if (task->m_state == TaskState::Waiting && task->m_deadline != 0 && (earliest == 0 || task->m_deadline < earliest))
            earliest = task->m_deadline;
    }
    for (Timer* timer = m_armed_timers; timer; timer = timer->m_next_armed) {
        if (earliest == 0 || timer->m_deadline < earliest)
            earliest = timer->m_deadline;
    }
    if (earliest == 0 && m_interrupt_routes.load(std::memory_order_acquire) == 0)
        return report_deadlock();
    if (earliest != 0)
        program_deadline(earliest);
    platform::wait_for_interrupt();
    return {};
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
    for (;;) {
        if (until.m_state == TaskState::Exited)
            return until.m_exit_status;
        /* The clock is read only while some deadline can expire. */
        if (m_timed_waits != 0 || m_armed_timers)
            expire_deadlines();
        Task* next = pick_next();
        if (!next) {
            TRY(idle());
            continue;
        }
        switch_to(*next);
    }
}

}
