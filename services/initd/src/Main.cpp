/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * initd: the first Task and the supervisor of every other. It follows the boot manifest:
 * creates the connections' Rings, carves a Reticle for each Task, builds each Bundle exactly as
 * the manifest (checked against the footprints at build time) says, spawns the services, waits
 * until each reports ready, then runs the image's check Tasks and returns their verdict.
 *
 * Supervision: when a service ends (returns, fails, panics or faults) initd reports it and,
 * within the service's restart policy (at most N restarts in a window, a back-off between),
 * reaps it, resets the Rings it served so its clients see PeerRestarted and re-bind, and spawns
 * it again into the same Reticle with the same grants. Past the policy it gives up, says so,
 * and resets the Rings one last time so clients are not left waiting on a dead peer.
 */

#include <initd/Manifest.h>
#include <vectra/System.h>
#include <vectra/Ring.h>
#include <vectra/Try.h>
#include <initd/RestartHistory.h>
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>

namespace vectra::initd {

namespace {

constexpr usize maximum_tasks = 24;
constexpr usize maximum_connections = 16;
constexpr u8 first_exit_bit = 32;
constexpr SignalBit backoff_bit { 60 };

enum class State : u8 {
    NotStarted,
    Starting, /* spawned, ready bit not yet raised (services) or running (checks) */
    Ready,
    BackingOff,
    GivenUp,
    Finished, /* checks only */
};

struct Supervised {
    TaskCap task;
    ReticleCap memory;
    SignalCap ready; /* the original of the child's "ready" capability (revoking it revokes the child's) */
    State state { State::NotStarted };
    RestartHistory history;
    u64 restart_at { 0 };
};

struct Connection {
    RingCap requests;
    RingCap replies;
};

class Supervisor {
public:
    explicit Supervisor(Bundle& bundle)
        : m_bundle(bundle)
    {
    }

    ErrorOr<i32> run();

private:
    SignalBit ready_bit(usize index) const { return SignalBit(static_cast<u8>(index)); }
    SignalBit exit_bit(usize index) const { return SignalBit(static_cast<u8>(first_exit_bit + index)); }

    ErrorOr<void> start(usize index);
    ErrorOr<void> grant(TaskCap const& child, SlotSpec const& slot, ReticleCap const& memory, usize index);
    ErrorOr<void> handle_exit(usize index);
    ErrorOr<void> restart_due(u64 now);
    ErrorOr<void> reset_connections_of(usize index);
    ErrorOr<void> start_checks();
    bool judge(usize index, TaskStatus const&);
    ErrorOr<void> report(TaskStatus const&);
    u64 exit_mask() const;
    u64 ready_mask() const;
    bool services_ready() const;
    bool checks_finished() const;

    template<typename... Arguments>
    ErrorOr<void> say(fmt::format_string<Arguments...> format, Arguments&&... arguments)
    {
        return print_line(m_console, format, std::forward<Arguments>(arguments)...);
    }

    Bundle& m_bundle;
    ConsoleCap m_console;
    ReticleCap m_memory;
    TaskCap m_tasks;
    IrqCap m_software_irq;
    DisplayCap m_display;
    TimerCap m_backoff_timer;
    Connection m_connections[maximum_connections];
    Supervised m_supervised[maximum_tasks];
    bool m_checks_started { false };
    i32 m_verdict { 0 };
};

ErrorOr<void> Supervisor::grant(TaskCap const& child, SlotSpec const& slot, ReticleCap const& memory, usize index)
{
    switch (slot.kind) {
    case SlotKind::Console:
        return system::grant(child, slot.name, m_console, slot.rights);
    case SlotKind::Memory:
        return system::grant(child, slot.name, memory, slot.rights);
    case SlotKind::RequestRing:
        return system::grant(child, slot.name, m_connections[slot.connection].requests, slot.rights);
    case SlotKind::ReplyRing:
        return system::grant(child, slot.name, m_connections[slot.connection].replies, slot.rights);
    case SlotKind::Ready: {
        auto& ready = m_supervised[index].ready;
        if (ready.is_empty())
            ready = TRY(system::signal_capability(ready_bit(index)));
        return system::grant(child, slot.name, ready, slot.rights);
    }
    case SlotKind::Tasks:
        return system::grant(child, slot.name, m_tasks, slot.rights);
    case SlotKind::SoftwareIrq:
        return system::grant(child, slot.name, m_software_irq, slot.rights);
    case SlotKind::Display:
        return system::grant(child, slot.name, m_display, slot.rights);
    }
    return Error(ErrorCode::InvalidArgument, "unknown slot kind in the boot manifest");
}

ErrorOr<void> Supervisor::start(usize index)
{
    TaskSpec const& spec = boot_manifest.tasks[index];
    auto& supervised = m_supervised[index];
    if (supervised.memory.is_empty())
        supervised.memory = TRY(system::carve(m_memory, usize(spec.reticle_kib) * KiB));
    SpawnRequest request;
    request.name = spec.name;
    request.entry = spec.entry;
    request.stack_size = usize(spec.stack_kib) * KiB;
    request.band = spec.band;
    request.notify_on_exit = true;
    request.exit_bit = exit_bit(index);
    if (spec.domain) {
        request.domain = spec.domain->name;
        request.domain_data_start = reinterpret_cast<uptr>(spec.domain->data_start);
        request.domain_data_end = reinterpret_cast<uptr>(spec.domain->data_end);
    }
    supervised.task = TRY(system::spawn(m_tasks, supervised.memory, request));
    for (usize slot = 0; slot < spec.slot_count; ++slot)
        TRY(grant(supervised.task, spec.slots[slot], supervised.memory, index));
    supervised.state = State::Starting;
    return say("initd: spawned {}", spec.name);
}

ErrorOr<void> Supervisor::report(TaskStatus const& task)
{
    switch (task.exit_cause) {
    case ExitCause::Returned:
        return say("initd: {} exited with status {}", task.name.view(), task.exit_status);
    case ExitCause::Failed:
        return say("initd: {} exited with error {} ({})", task.name.view(), error_code_name(task.exit_error),
            task.exit_error_message);
    case ExitCause::Panicked:
        return say("initd: {} panicked: {}", task.name.view(), task.failure_message);
    case ExitCause::Faulted:
        return say("initd: {} faulted: {} at address {:#x}", task.name.view(), task.failure_message, task.failure_address);
    case ExitCause::Stopped:
        return say("initd: {} was stopped: {}", task.name.view(), task.failure_message);
    }
    return {};
}

ErrorOr<void> Supervisor::reset_connections_of(usize index)
{
    TaskSpec const& spec = boot_manifest.tasks[index];
    for (usize slot = 0; slot < spec.slot_count; ++slot) {
        auto const& grant = spec.slots[slot];
        if (grant.kind == SlotKind::RequestRing)
            TRY(system::reset_ring(m_connections[grant.connection].requests));
        if (grant.kind == SlotKind::ReplyRing)
            TRY(system::reset_ring(m_connections[grant.connection].replies));
    }
    return {};
}

bool Supervisor::judge(usize index, TaskStatus const& task)
{
    switch (boot_manifest.tasks[index].expect) {
    case Expectation::Success:
        return task.exit_cause == ExitCause::Returned && task.exit_status == 0;
    case Expectation::Panicked:
        return task.exit_cause == ExitCause::Panicked;
    case Expectation::Faulted:
        return task.exit_cause == ExitCause::Faulted;
    }
    return false;
}

ErrorOr<void> Supervisor::handle_exit(usize index)
{
    TaskSpec const& spec = boot_manifest.tasks[index];
    auto& supervised = m_supervised[index];
    auto task = TRY(system::task_status(supervised.task));
    if (spec.kind == TaskKind::Check) {
        bool as_expected = judge(index, task);
        if (!as_expected || task.exit_cause != ExitCause::Returned)
            TRY(report(task));
        if (as_expected && spec.expect != Expectation::Success)
            TRY(say("initd: {} ended as expected ({}); the image keeps running", spec.name, exit_cause_name(task.exit_cause)));
        if (!as_expected)
            m_verdict = 1;
        supervised.state = State::Finished;
        TRY(system::reap(std::move(supervised.task)));
        return system::reclaim(supervised.memory);
    }

    /* A service ended: report, reap, and restart within its policy. */
    TRY(report(task));
    TRY(system::reap(std::move(supervised.task)));
    TRY(system::reclaim(supervised.memory));
    auto decision = supervised.history.service_ended(spec.restart, monotonic_now().nanoseconds_since_boot());
    if (!decision.restart) {
        supervised.state = State::GivenUp;
        TRY(reset_connections_of(index));
        if (spec.restart.max_restarts == 0)
            return say("initd: not restarting {}: its policy allows no restarts", spec.name);
        return say("initd: giving up on {} after {} restart{} in {} ms", spec.name, decision.recent,
            decision.recent == 1 ? "" : "s", spec.restart.window_ms);
    }
    supervised.state = State::BackingOff;
    supervised.restart_at = decision.restart_at;
    return system::arm_timer(m_backoff_timer, supervised.restart_at);
}

ErrorOr<void> Supervisor::restart_due(u64 now)
{
    u64 next = 0;
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        auto& supervised = m_supervised[index];
        if (supervised.state != State::BackingOff)
            continue;
        if (supervised.restart_at > now) {
            next = next == 0 || supervised.restart_at < next ? supervised.restart_at : next;
            continue;
        }
        /* Clients bound to the old instance see PeerRestarted and bind again. */
        TRY(reset_connections_of(index));
        TRY(start(index));
        auto const& spec = boot_manifest.tasks[index];
        TRY(say("initd: restarted {} ({} of {} within {} ms)", spec.name, supervised.history.restarts(), spec.restart.max_restarts,
            spec.restart.window_ms));
    }
    if (next != 0)
        TRY(system::arm_timer(m_backoff_timer, next));
    return {};
}

u64 Supervisor::exit_mask() const
{
    u64 mask = 0;
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        State state = m_supervised[index].state;
        if (state == State::Starting || state == State::Ready)
            mask |= exit_bit(index).mask();
    }
    return mask;
}

u64 Supervisor::ready_mask() const
{
    u64 mask = 0;
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        if (boot_manifest.tasks[index].kind == TaskKind::Service)
            mask |= ready_bit(index).mask();
    }
    return mask;
}

bool Supervisor::services_ready() const
{
    /* Ready, or given up on: either way nothing more will happen to it before the checks run. */
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        State state = m_supervised[index].state;
        if (boot_manifest.tasks[index].kind == TaskKind::Service && state != State::Ready && state != State::GivenUp)
            return false;
    }
    return true;
}

bool Supervisor::checks_finished() const
{
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        if (boot_manifest.tasks[index].kind == TaskKind::Check && m_supervised[index].state != State::Finished)
            return false;
    }
    return true;
}

ErrorOr<void> Supervisor::start_checks()
{
    usize services = 0;
    usize given_up = 0;
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        services += boot_manifest.tasks[index].kind == TaskKind::Service ? 1 : 0;
        given_up += m_supervised[index].state == State::GivenUp ? 1 : 0;
    }
    if (given_up == 0)
        TRY(say("initd: ready ({} service{})", services, services == 1 ? "" : "s"));
    else
        TRY(say("initd: ready ({} service{}, {} given up)", services, services == 1 ? "" : "s", given_up));
    m_checks_started = true;
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        if (boot_manifest.tasks[index].kind == TaskKind::Check)
            TRY(start(index));
    }
    return {};
}

ErrorOr<i32> Supervisor::run()
{
    m_console = TRY(m_bundle.take<ConsoleCap>("console"));
    m_memory = TRY(m_bundle.take<ReticleCap>("memory"));
    m_tasks = TRY(m_bundle.take<TaskCap>("tasks"));
    m_software_irq = TRY(m_bundle.take<IrqCap>("irq-software"));
    /* Only with CONFIG_DISPLAY; the manifest compiler refuses a display grant without it. */
    if (auto display = m_bundle.take<DisplayCap>("display"); !display.is_error())
        m_display = display.release_value();
    if (boot_manifest.task_count > maximum_tasks || boot_manifest.connection_count > maximum_connections)
        return Error(ErrorCode::TooLarge, "boot manifest exceeds initd's tables");
    m_backoff_timer = TRY(system::create_timer(m_memory, backoff_bit));

    for (usize index = 0; index < boot_manifest.connection_count; ++index) {
        auto const& connection = boot_manifest.connections[index];
        m_connections[index].requests = TRY(system::create_ring(m_memory, connection.slot_count,
            connection.slot_size, connection.schema_id));
        if (!connection.one_way)
            m_connections[index].replies = TRY(system::create_ring(m_memory, connection.slot_count,
                connection.slot_size, connection.schema_id));
    }
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        if (boot_manifest.tasks[index].kind == TaskKind::Service)
            TRY(start(index));
    }
    if (services_ready())
        TRY(start_checks());

    /* One signal wait per loop: ready bits, exit bits and the back-off timer. */
    while (!(m_checks_started && checks_finished())) {
        u64 bits = system::wait(ready_mask() | exit_mask() | backoff_bit.mask());
        for (usize index = 0; index < boot_manifest.task_count; ++index) {
            if ((bits & ready_bit(index).mask()) && m_supervised[index].state == State::Starting)
                m_supervised[index].state = State::Ready;
        }
        for (usize index = 0; index < boot_manifest.task_count; ++index) {
            if (bits & exit_bit(index).mask())
                TRY(handle_exit(index));
        }
        if (bits & backoff_bit.mask())
            TRY(restart_due(monotonic_now().nanoseconds_since_boot()));
        if (!m_checks_started && services_ready())
            TRY(start_checks());
    }
    return m_verdict;
}

}

}

VECTRA_INITIAL_TASK_NAME("initd");

namespace vectra::kernel {

ErrorOr<i32> initial_task_entry(Bundle& bundle)
{
    initd::Supervisor supervisor(bundle);
    return supervisor.run();
}

}
