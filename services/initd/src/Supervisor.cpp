/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * initd: the first Task and the supervisor of every other. It follows the boot manifest:
 * creates the connections' Rings, carves a Reticle for each Task, builds each Bundle exactly as
 * the manifest (checked against the footprints at build time) says, spawns the services, waits
 * until each reports ready, then runs the image's check Tasks and returns their verdict.
 *
 * Supervision at scale (docs/adr/0010-supervision-at-scale.md): a supervisor has at most 24
 * children (a ready and an exit bit each in its one Signal Mask). A manifest of more Tasks is
 * placed by the manifest compiler into group supervisors — ordinary Tasks running this same
 * Supervisor (entry initd_group) over their own children, with their own mask and capability
 * space; initd supervises them like any other child. A group of services is a service (ready
 * once its services are, restarted per its policy: its children stopped with it, then spawned
 * anew); a group of checks is a check (it returns how many of its checks did not end as expected).
 *
 * Supervision: when a service ends (returns, fails, panics or faults) initd reports it and,
 * within the service's restart policy (at most N restarts in a window, a back-off between),
 * reaps it, resets the Rings it served so its clients see PeerRestarted and re-bind, and spawns
 * it again into the same Reticle with the same grants. Past the policy it gives up, says so,
 * and resets the Rings one last time so clients are not left waiting on a dead peer.
 *
 * Alternatives (docs/adr/0052-a-display-chosen-at-run-time.md): services the manifest marks
 * "one_of" the same set serve the same connections, and one of them runs — the first in the
 * manifest's order whose device the machine has and that becomes ready. The others wait; one
 * passed over gives back everything its supervisor held for it, so the set costs the supervisor's
 * space only its largest member. The chosen one is named once it is ready ("initd: display: ramfb").
 */

#include <initd/Control.h>
#include <initd/Manifest.h>
#include <initd/Supervisor.h>
#include <optional>
#include <string.h>
#include <vectra/System.h>
#include <vectra/Ring.h>
#include <vectra/Try.h>
#include <initd/RestartHistory.h>
#include "AfterChecks.h"
#include <vectra/SystemClock.h>
#include <vectra/TaskEntry.h>

VECTRA_TASK_ENTRY(initd_group);

namespace vectra::initd {

namespace {

constexpr usize maximum_connections = 16;
constexpr u8 first_exit_bit = 32;
constexpr SignalBit backoff_bit { 60 };
constexpr SignalBit heartbeat_bit { 61 }; /* initd staying up after the checks (CONFIG_INITD_STAY_UP) */
constexpr u64 heartbeat_nanoseconds = 1'000'000'000;
constexpr usize maximum_devices_per_task = 4;
constexpr usize maximum_data_per_task = 4; /* read-only data slots: a configuration and files the build made (tools/manifest) */

enum class State : u8 {
    NotStarted,
    Starting, /* spawned, ready bit not yet raised (services) or running (checks) */
    Ready,
    BackingOff,
    GivenUp,
    Finished, /* checks only */
    Stopped,  /* services: stopped through vectra.control until started again */
    Standby,  /* an alternative not started: an earlier one of its set is running or starting */
    PassedOver, /* an alternative dropped for the next: no device, or it ended before it was ever ready */
};

/* How a boot manifest names a PCI function, for initd's messages. */
FixedString<24> describe_match(u64 word)
{
    FixedString<24> text;
    auto match = PciMatch::from_word(word);
    if (match.is_error())
        format_into(text, "{:#x}", word);
    else if (match.value().kind == PciMatch::Kind::VendorDevice)
        format_into(text, "{:04x}:{:04x}", match.value().vendor, match.value().device);
    else
        format_into(text, "class {:02x}:{:02x}", match.value().class_code, match.value().subclass);
    return text;
}

struct Supervised {
    usize spec { 0 }; /* its TaskSpec in boot_manifest.tasks */
    TaskCap task;
    ReticleCap memory;
    SignalCap ready; /* the original of the child's "ready" capability (revoking it revokes the child's) */
    /* The PCI functions its manifest entry names, opened once; each instance gets a copy. */
    PciDeviceCap devices[maximum_devices_per_task];
    /* The virtio-mmio slots it names (ADR 0025), the same way. */
    VirtioMmioSlotCap slots[maximum_devices_per_task];
    /* Its configuration (ADR 0037) and the build's files its Bundle names (ADR 0038 §3), in slot order: each
       written once from the manifest into the supervisor's memory; each instance gets a read-only copy. */
    MemCap data[maximum_data_per_task];
    State state { State::NotStarted };
    RestartHistory history;
    u64 restart_at { 0 };
    u32 restarts_in_window { 0 }; /* counting the one due at restart_at */
    bool ended { false };         /* an instance has ended: last_exit_status says how */
    bool chosen { false };        /* an alternative that has been ready: named, and never passed over */
    i32 last_exit_status { 0 };   /* -1 for a failure, panic, fault or stop */
};

struct Connection {
    RingCap requests;
    RingCap replies;
};

/* How many slots of the same kind come before `slot` in its Task's spec: its index among the devices initd opened. */
usize ordinal_of(TaskSpec const& spec, SlotSpec const& slot)
{
    usize ordinal = 0;
    for (usize each = 0; each < spec.slot_count && &spec.slots[each] != &slot; ++each)
        ordinal += spec.slots[each].kind == slot.kind ? 1 : 0;
    return ordinal;
}

/* The checks beneath a child: itself if it is one, or a group's. */
u32 checks_beneath(usize index)
{
    TaskSpec const& spec = boot_manifest.tasks[index];
    if (spec.children == 0)
        return spec.kind == TaskKind::Check ? 1 : 0;
    u32 count = 0;
    for (usize other = 0; other < boot_manifest.task_count; ++other)
        count += boot_manifest.tasks[other].supervisor == index ? checks_beneath(other) : 0;
    return count;
}

/* Services beneath a child: itself, or a group's. */
u32 services_beneath(usize index)
{
    TaskSpec const& spec = boot_manifest.tasks[index];
    if (spec.kind != TaskKind::Service)
        return 0;
    return spec.children == 0 ? 1 : spec.children;
}

class Supervisor final : public ControlledServices {
public:
    /* `self`: the TaskSpec of the group supervisor this is, or supervised_by_initd. */
    Supervisor(Bundle& bundle, u16 self)
        : m_bundle(bundle)
        , m_self(self)
    {
    }

    ErrorOr<i32> run();

    /* vectra.control (include/initd/Control.h): initd's own children that are services. */
    usize service_count() const override;
    ServiceView service(usize index) const override;
    ErrorOr<ControlRefusal> restart_service(std::string_view name) override;
    ErrorOr<ControlRefusal> stop_service(std::string_view name) override;
    ErrorOr<ControlRefusal> start_service(std::string_view name) override;

private:
    bool is_initd() const { return m_self == supervised_by_initd; }
    SignalBit ready_bit(usize position) const { return SignalBit(static_cast<u8>(position)); }
    SignalBit exit_bit(usize position) const { return SignalBit(static_cast<u8>(first_exit_bit + position)); }
    TaskSpec const& spec_of(usize position) const { return boot_manifest.tasks[m_children[position].spec]; }

    ErrorOr<void> take_capabilities();
    ErrorOr<void> give_back_ungranted();
    ErrorOr<void> find_children();
    ErrorOr<void> start(usize position);
    ErrorOr<bool> open_devices(usize position);
    ErrorOr<void> pass_over(usize position);
    std::optional<usize> next_alternative(usize position) const;
    bool waits_or_passed(usize position) const;
    ErrorOr<bool> open_mmio_slot(TaskSpec const&, SlotSpec const&, VirtioMmioSlotCap& held);
    ErrorOr<void> grant(TaskCap const& child, SlotSpec const& slot, ReticleCap const& memory, usize position);
    ErrorOr<void> grant_configuration(TaskCap const& child, SlotSpec const& slot, usize position);
    ErrorOr<void> handle_exit(usize position);
    ErrorOr<void> release_memory(usize position);
    ErrorOr<void> restart_due(u64 now);
    /* The earliest restart time of a service backing off (monotonic ns), 0 when none is. */
    u64 earliest_restart() const;
    /*
     * Which of a child's Rings its end resets: after a crash, those it serves and the client ends of
     * connections it is the one client of (its own); on a request, only those it serves. A client
     * end of a connection other Tasks are clients of too (a listener) is never reset for one client.
     */
    enum class Rings : u8 {
        ServedAndOwn,
        Served,
    };
    ErrorOr<void> reset_connections_of(usize position, Rings = Rings::ServedAndOwn);
    ErrorOr<void> services_are_ready();
    ErrorOr<void> start_checks();
    ErrorOr<void> summarise();
    bool judge(usize position, TaskStatus const&);
    u32 failed_checks(usize position, TaskStatus const&);
    ErrorOr<void> report(TaskStatus const&);
    u64 exit_mask() const;
    u64 ready_mask() const;
    bool services_ready() const;
    bool checks_finished() const;
    bool finished() const;
    ErrorOr<void> stay_up();
    ErrorOr<void> open_control();
    ControlRefusal find_service(std::string_view name, usize& position) const;
    ControlRefusal refusal_to_end(usize position) const;
    ErrorOr<void> end_on_request(usize position);

    template<typename... Arguments>
    ErrorOr<void> say(fmt::format_string<Arguments...> format, Arguments&&... arguments)
    {
        return print_line(m_console, format, std::forward<Arguments>(arguments)...);
    }

    Bundle& m_bundle;
    u16 m_self;
    ConsoleCap m_console;
    ReticleCap m_memory;
    TaskCap m_tasks;
    IrqCap m_software_irq;
    DeviceCap m_pci; /* initd on a machine with PCI; empty otherwise */
    DeviceCap m_mmio_slots; /* initd on a machine with occupied virtio-mmio slots; empty otherwise */
    DisplayCap m_display; /* CONFIG_DISPLAY: initd's from the kernel, a group's from initd */
    DeviceCap m_entropy; /* the EntropySource (ADR 0025 §3): initd's from the kernel, a group's from initd */
    DeviceCap m_disks[4]; /* the platform's disks ("block0"…): initd's from the kernel, a group's from initd */
    DeviceCap m_host_sockets; /* hosted: the host's sockets, loopback only: initd's from the kernel, a group's from initd */
    DeviceCap m_host_input; /* hosted with a window: its keyboard and mouse: initd's from the kernel, a group's from initd */
    DeviceCap m_snapshot;   /* the debug snapshot, to read (ADR 0045): initd's from the kernel, a group's from initd */
    DeviceCap m_i8042;      /* x86_64: the i8042 keyboard controller: initd's from the kernel, a group's from initd */
    SignalCap m_ready; /* a group of services: raised once its services are ready */
    TimerCap m_backoff_timer;
    TimerCap m_heartbeat_timer;
    Connection m_connections[maximum_connections];
    /* initd's ends of the control connection (ADR 0045 §6), bound when the manifest has one. */
    std::optional<RingReceiver> m_control_inbox;
    std::optional<RingSender> m_control_outbox;
    Supervised m_children[maximum_children]; /* by position */
    usize m_child_count { 0 };
    bool m_checks_started { false }; /* initd: checks started; a group of services: ready raised */
    bool m_staying_up { false };
    i32 m_verdict { 0 };
    u32 m_failed_checks { 0 };
    u64 m_started { 0 }; /* monotonic nanoseconds when it began */
};

ErrorOr<void> Supervisor::grant(TaskCap const& child, SlotSpec const& slot, ReticleCap const& memory, usize position)
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
        auto& ready = m_children[position].ready;
        if (ready.is_empty())
            ready = TRY(system::signal_capability(ready_bit(position)));
        return system::grant(child, slot.name, ready, slot.rights);
    }
    case SlotKind::Tasks:
        return system::grant(child, slot.name, m_tasks, slot.rights);
    case SlotKind::SoftwareIrq:
        return system::grant(child, slot.name, m_software_irq, slot.rights);
    case SlotKind::PciDevice:
        return system::grant(child, slot.name, m_children[position].devices[ordinal_of(spec_of(position), slot)], slot.rights);
    case SlotKind::MmioSlot:
        return system::grant(child, slot.name, m_children[position].slots[ordinal_of(spec_of(position), slot)], slot.rights);
    case SlotKind::Display:
        return system::grant(child, slot.name, m_display, slot.rights);
    case SlotKind::Entropy:
        return system::grant(child, slot.name, m_entropy, slot.rights);
    case SlotKind::Disk:
        if (slot.disk >= 4 || m_disks[slot.disk].is_empty())
            return Error(ErrorCode::NotFound, "the machine has no such disk (hosted: pass --disk=PATH for each)");
        return system::grant(child, slot.name, m_disks[slot.disk], slot.rights);
    case SlotKind::Config:
        return grant_configuration(child, slot, position);
    case SlotKind::HostSockets:
        if (m_host_sockets.is_empty())
            return Error(ErrorCode::NotFound, "the machine has no host sockets (hosted only)");
        return system::grant(child, slot.name, m_host_sockets, slot.rights);
    case SlotKind::HostInput:
        if (m_host_input.is_empty())
            return Error(ErrorCode::NotFound, "the machine has no window input (hosted with CONFIG_DISPLAY only)");
        return system::grant(child, slot.name, m_host_input, slot.rights);
    case SlotKind::Snapshot:
        if (m_snapshot.is_empty())
            return Error(ErrorCode::NotFound, "the kernel keeps no debug snapshot (CONFIG_DEBUG_SNAPSHOT)");
        return system::grant(child, slot.name, m_snapshot, slot.rights);
    case SlotKind::I8042:
        if (m_i8042.is_empty())
            return Error(ErrorCode::NotFound, "the machine has no i8042 keyboard controller (x86_64 only)");
        return system::grant(child, slot.name, m_i8042, slot.rights);
    }
    return Error(ErrorCode::InvalidArgument, "unknown slot kind in the boot manifest");
}

/*
 * Opens the PCI functions the Task's slots name (once: restarts reuse them, and revoking what the
 * last instance derived ends its BAR mappings). False, after one line saying why, when the
 * machine lacks one — or a disk a Disk slot names, or the boot display a Display slot names —:
 * the Task is then not spawned. Only initd holds the PCI bus.
 */
ErrorOr<bool> Supervisor::open_devices(usize position)
{
    TaskSpec const& spec = spec_of(position);
    auto& supervised = m_children[position];
    usize ordinal = 0;
    usize mmio_ordinal = 0;
    for (usize slot = 0; slot < spec.slot_count; ++slot) {
        if (spec.slots[slot].kind == SlotKind::MmioSlot) {
            if (mmio_ordinal == maximum_devices_per_task)
                return Error(ErrorCode::TooLarge, "a Task names more virtio-mmio slots than initd keeps");
            if (!TRY(open_mmio_slot(spec, spec.slots[slot], supervised.slots[mmio_ordinal++])))
                return false;
            continue;
        }
        if (spec.slots[slot].kind == SlotKind::Disk && (spec.slots[slot].disk >= 4 || m_disks[spec.slots[slot].disk].is_empty())) {
            TRY(say("initd: {} not spawned: no disk block{} for slot '{}' (hosted: pass --disk=PATH for each disk)",
                spec.name, spec.slots[slot].disk, spec.slots[slot].name));
            return false;
        }
        if (spec.slots[slot].kind == SlotKind::Display && m_display.is_empty()) {
            TRY(say("initd: {} not spawned: no boot display for slot '{}' (the machine has none)", spec.name, spec.slots[slot].name));
            return false;
        }
        if (spec.slots[slot].kind != SlotKind::PciDevice)
            continue;
        if (ordinal == maximum_devices_per_task)
            return Error(ErrorCode::TooLarge, "a Task names more PCI functions than initd keeps");
        auto& device = supervised.devices[ordinal++];
        if (!device.is_empty()) {
            TRY(system::revoke(device));
            continue;
        }
        auto match = PciMatch::from_word(spec.slots[slot].pci_match);
        ErrorOr<PciDeviceCap> opened = m_pci.is_empty()
            ? Error(ErrorCode::NotFound, is_initd() ? "this machine has no PCI" : "only initd opens PCI functions")
            : match.is_error() ? match.release_error()
                               : system::pci_open(m_pci, m_memory, match.value(), spec.slots[slot].pci_index);
        if (opened.is_error()) {
            TRY(say("initd: {} not spawned: no PCI function {} (number {} of those matching) for slot '{}' ({})",
                spec.name, describe_match(spec.slots[slot].pci_match).view(), spec.slots[slot].pci_index,
                spec.slots[slot].name, opened.error().message()));
            return false;
        }
        device = opened.release_value();
    }
    return true;
}

/*
 * A Task's configuration (ADR 0037), or a file the build made that its Bundle names (ADR 0038 §3,
 * the same mechanism): the manifest's bytes copied once into a memory object of
 * the supervisor's own Reticle, which the supervisor keeps for the Task's whole supervised life
 * (every restart gets a copy of the same bytes); the child's copy carries RightRead alone, so it
 * can neither change the bytes nor pass them on, and it goes with the child's capability space.
 */
ErrorOr<void> Supervisor::grant_configuration(TaskCap const& child, SlotSpec const& slot, usize position)
{
    usize ordinal = ordinal_of(spec_of(position), slot);
    if (ordinal >= maximum_data_per_task)
        return Error(ErrorCode::TooLarge, "a Task names more read-only data slots than initd keeps");
    auto& configuration = m_children[position].data[ordinal];
    if (slot.config_bytes == nullptr || slot.config_length == 0)
        return Error(ErrorCode::InvalidArgument, "a read-only data slot without bytes in the boot manifest");
    if (configuration.is_empty()) {
        configuration = TRY(system::create_memory(m_memory, slot.config_length));
        auto bytes = TRY(system::map_memory(configuration));
        memcpy(bytes.data(), slot.config_bytes, slot.config_length);
    }
    return system::grant(child, slot.name, configuration, RightRead);
}

/*
 * The virtio-mmio slot `slot` names, opened into `held` once (a restart revokes what the last
 * instance derived, which resets the device it started); false, after one line, when no slot
 * holds that device. Only initd holds the slots.
 */
ErrorOr<bool> Supervisor::open_mmio_slot(TaskSpec const& spec, SlotSpec const& slot, VirtioMmioSlotCap& held)
{
    if (!held.is_empty()) {
        TRY(system::revoke(held));
        return true;
    }
    ErrorOr<VirtioMmioSlotCap> opened = m_mmio_slots.is_empty()
        ? Error(ErrorCode::NotFound, is_initd() ? "this machine has no occupied virtio-mmio slot" : "only initd opens virtio-mmio slots")
        : system::mmio_slot_open(m_mmio_slots, m_memory, slot.virtio_mmio);
    if (opened.is_error()) {
        TRY(say("initd: {} not spawned: no virtio-mmio slot holds virtio device {} for slot '{}' ({})", spec.name,
            slot.virtio_mmio, slot.name, opened.error().message()));
        return false;
    }
    held = opened.release_value();
    return true;
}

ErrorOr<void> Supervisor::start(usize position)
{
    TaskSpec const& spec = spec_of(position);
    auto& supervised = m_children[position];
    if (!TRY(open_devices(position))) {
        if (spec.one_of != nullptr)
            return pass_over(position);
        /* A service without its device is given up on; a check without it fails the image. */
        supervised.state = spec.kind == TaskKind::Service ? State::GivenUp : State::Finished;
        if (spec.kind == TaskKind::Check) {
            m_verdict = 1;
            m_failed_checks += checks_beneath(supervised.spec);
        }
        return {};
    }
    if (supervised.memory.is_empty())
        supervised.memory = TRY(system::carve(m_memory, usize(spec.reticle_kib) * KiB));
    SpawnRequest request;
    request.name = spec.name;
    request.entry = spec.entry;
    request.stack_size = usize(spec.stack_kib) * KiB;
    request.band = spec.band;
    request.processor = spec.processor;
    request.notify_on_exit = true;
    request.exit_bit = exit_bit(position);
    if (spec.domain) {
        request.domain = spec.domain->name;
        request.domain_data_start = reinterpret_cast<uptr>(spec.domain->data_start);
        request.domain_data_end = reinterpret_cast<uptr>(spec.domain->data_end);
    }
    supervised.task = TRY(system::spawn(m_tasks, supervised.memory, request));
    for (usize slot = 0; slot < spec.slot_count; ++slot)
        TRY(grant(supervised.task, spec.slots[slot], supervised.memory, position));
    supervised.state = State::Starting;
    return say("initd: spawned {}", spec.name);
}

/* The alternative after the one at `position` in its set, among this supervisor's children. */
std::optional<usize> Supervisor::next_alternative(usize position) const
{
    TaskSpec const& spec = spec_of(position);
    for (usize other = 0; other < m_child_count; ++other) {
        TaskSpec const& candidate = spec_of(other);
        if (candidate.one_of != nullptr && strcmp(candidate.one_of, spec.one_of) == 0 && candidate.alternative == spec.alternative + 1)
            return other;
    }
    return {};
}

bool Supervisor::waits_or_passed(usize position) const
{
    return m_children[position].state == State::Standby || m_children[position].state == State::PassedOver;
}

/*
 * The alternative at `position` will not serve: everything held for it goes back (its devices,
 * Reticle, ready capability, read-only data), so its set costs this supervisor only its largest
 * member, and the next alternative starts — or, the set spent, it is given up on.
 */
ErrorOr<void> Supervisor::pass_over(usize position)
{
    auto& supervised = m_children[position];
    TaskSpec const& spec = spec_of(position);
    for (auto& device : supervised.devices) {
        if (!device.is_empty())
            TRY(system::remove(std::move(device)));
    }
    for (auto& slot : supervised.slots) {
        if (!slot.is_empty())
            TRY(system::remove(std::move(slot)));
    }
    for (auto& data : supervised.data) {
        if (!data.is_empty())
            TRY(system::remove(std::move(data)));
    }
    if (!supervised.ready.is_empty())
        TRY(system::remove(std::move(supervised.ready)));
    if (!supervised.memory.is_empty())
        TRY(system::remove(std::move(supervised.memory)));
    auto next = next_alternative(position);
    if (!next) {
        supervised.state = State::GivenUp;
        return say("initd: {}: none of its alternatives serves (the last, {}, passed over)", spec.one_of, spec.name);
    }
    supervised.state = State::PassedOver;
    TRY(say("initd: {}: {} passed over; trying {}", spec.one_of, spec.name, spec_of(*next).name));
    return start(*next);
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

namespace {

/* A client end: requests it sends, replies it receives. */
bool is_client_end(SlotSpec const& grant)
{
    return (grant.kind == SlotKind::RequestRing && (grant.rights & RightSend))
        || (grant.kind == SlotKind::ReplyRing && (grant.rights & RightReceive));
}

/* True when no Task of the boot table but `spec` holds a client end of `connection` (groups hold their children's: not counted). */
bool only_client_of(TaskSpec const& spec, u16 connection)
{
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        TaskSpec const& other = boot_manifest.tasks[index];
        if (&other == &spec || other.children > 0)
            continue;
        for (usize slot = 0; slot < other.slot_count; ++slot) {
            if (other.slots[slot].connection == connection && is_client_end(other.slots[slot]))
                return false;
        }
    }
    return true;
}

}

ErrorOr<void> Supervisor::reset_connections_of(usize position, Rings rings)
{
    TaskSpec const& spec = spec_of(position);
    for (usize slot = 0; slot < spec.slot_count; ++slot) {
        auto const& grant = spec.slots[slot];
        if (grant.kind != SlotKind::RequestRing && grant.kind != SlotKind::ReplyRing)
            continue;
        /* A served end: requests it receives, replies it sends (a group holds both ends of some: all of them). */
        bool served = (grant.kind == SlotKind::RequestRing && (grant.rights & RightReceive))
            || (grant.kind == SlotKind::ReplyRing && (grant.rights & RightSend));
        if (spec.children == 0 && !served) {
            /* A client end: reset after a crash only when the connection is this Task's own. */
            if (rings == Rings::Served || !only_client_of(spec, grant.connection))
                continue;
        }
        if (grant.kind == SlotKind::RequestRing)
            TRY(system::reset_ring(m_connections[grant.connection].requests));
        if (grant.kind == SlotKind::ReplyRing)
            TRY(system::reset_ring(m_connections[grant.connection].replies));
    }
    return {};
}

bool Supervisor::judge(usize position, TaskStatus const& task)
{
    switch (spec_of(position).expect) {
    case Expectation::Success:
        return task.exit_cause == ExitCause::Returned && task.exit_status == 0;
    case Expectation::Panicked:
        return task.exit_cause == ExitCause::Panicked;
    case Expectation::Faulted:
        return task.exit_cause == ExitCause::Faulted;
    }
    return false;
}

/* A check that did not end as expected: one failure, or for a group the count it returned (all of its checks if it did not return one). */
u32 Supervisor::failed_checks(usize position, TaskStatus const& task)
{
    u32 beneath = checks_beneath(m_children[position].spec);
    if (spec_of(position).children == 0)
        return 1;
    if (task.exit_cause == ExitCause::Returned && task.exit_status > 0 && u32(task.exit_status) <= beneath)
        return u32(task.exit_status);
    return beneath;
}

/*
 * An ended child's Reticle, reclaimed whole for its next start. A service it opened a session
 * with may still hold the donation carved from it for a moment (it frees the session when it
 * notices): then the Reticle is let go instead, to retire once the service is done, and a
 * restart carves a new one.
 */
ErrorOr<void> Supervisor::release_memory(usize position)
{
    auto& memory = m_children[position].memory;
    auto reclaimed = system::reclaim(memory);
    if (!reclaimed.is_error() || reclaimed.error().code() != ErrorCode::Busy)
        return reclaimed;
    return system::remove(std::move(memory));
}

ErrorOr<void> Supervisor::handle_exit(usize position)
{
    TaskSpec const& spec = spec_of(position);
    auto& supervised = m_children[position];
    auto task = TRY(system::task_status(supervised.task));
    if (spec.kind == TaskKind::Check) {
        bool as_expected = judge(position, task);
        if (!as_expected || task.exit_cause != ExitCause::Returned)
            TRY(report(task));
        if (as_expected && spec.expect != Expectation::Success)
            TRY(say("initd: {} ended as expected ({}); the image keeps running", spec.name, exit_cause_name(task.exit_cause)));
        if (!as_expected) {
            m_verdict = 1;
            m_failed_checks += failed_checks(position, task);
        }
        supervised.state = State::Finished;
        TRY(system::reap(std::move(supervised.task)));
        return release_memory(position);
    }

    /* A service ended: report, reap, and restart within its policy. A group's children were stopped with it. */
    TRY(report(task));
    supervised.ended = true;
    supervised.last_exit_status = task.exit_cause == ExitCause::Returned ? task.exit_status : -1;
    TRY(system::reap(std::move(supervised.task)));
    TRY(release_memory(position));
    /* An alternative that never became ready (its driver found no working device) makes way for the next. */
    if (spec.one_of != nullptr && !supervised.chosen) {
        TRY(reset_connections_of(position));
        return pass_over(position);
    }
    auto decision = supervised.history.service_ended(spec.restart, monotonic_now().nanoseconds_since_boot());
    if (!decision.restart) {
        supervised.state = State::GivenUp;
        TRY(reset_connections_of(position));
        if (spec.restart.max_restarts == 0)
            return say("initd: not restarting {}: its policy allows no restarts", spec.name);
        return say("initd: giving up on {} after {} restart{} in {} ms", spec.name, decision.recent,
            decision.recent == 1 ? "" : "s", spec.restart.window_ms);
    }
    supervised.state = State::BackingOff;
    supervised.restart_at = decision.restart_at;
    supervised.restarts_in_window = decision.recent + 1;
    /* One timer serves every service backing off: armed for the earliest restart, never for the last to end. */
    return system::arm_timer(m_backoff_timer, earliest_restart());
}

u64 Supervisor::earliest_restart() const
{
    u64 earliest = 0;
    for (usize position = 0; position < m_child_count; ++position) {
        auto const& supervised = m_children[position];
        if (supervised.state == State::BackingOff && (earliest == 0 || supervised.restart_at < earliest))
            earliest = supervised.restart_at;
    }
    return earliest;
}

ErrorOr<void> Supervisor::restart_due(u64 now)
{
    for (usize position = 0; position < m_child_count; ++position) {
        auto& supervised = m_children[position];
        if (supervised.state != State::BackingOff || supervised.restart_at > now)
            continue;
        /* Clients bound to the old instance see PeerRestarted and bind again. */
        TRY(reset_connections_of(position));
        TRY(start(position));
        auto const& spec = spec_of(position);
        TRY(say("initd: restarted {} ({} of {} within {} ms)", spec.name, supervised.restarts_in_window, spec.restart.max_restarts,
            spec.restart.window_ms));
    }
    if (u64 next = earliest_restart(); next != 0)
        TRY(system::arm_timer(m_backoff_timer, next));
    return {};
}

u64 Supervisor::exit_mask() const
{
    u64 mask = 0;
    for (usize position = 0; position < m_child_count; ++position) {
        State state = m_children[position].state;
        if (state == State::Starting || state == State::Ready)
            mask |= exit_bit(position).mask();
    }
    return mask;
}

u64 Supervisor::ready_mask() const
{
    u64 mask = 0;
    for (usize position = 0; position < m_child_count; ++position) {
        if (spec_of(position).kind == TaskKind::Service)
            mask |= ready_bit(position).mask();
    }
    return mask;
}

bool Supervisor::services_ready() const
{
    /* Ready, or given up on: either way nothing more will happen to it before the checks run. */
    for (usize position = 0; position < m_child_count; ++position) {
        State state = m_children[position].state;
        if (spec_of(position).kind == TaskKind::Service && state != State::Ready && state != State::GivenUp && state != State::Stopped
            && !waits_or_passed(position))
            return false;
    }
    return true;
}

bool Supervisor::checks_finished() const
{
    for (usize position = 0; position < m_child_count; ++position) {
        if (spec_of(position).kind == TaskKind::Check && m_children[position].state != State::Finished)
            return false;
    }
    return true;
}

bool Supervisor::finished() const
{
    if (!is_initd() && boot_manifest.tasks[m_self].kind == TaskKind::Service)
        return false; /* a group of services supervises until shutdown */
    return m_checks_started && checks_finished();
}

ErrorOr<void> Supervisor::start_checks()
{
    m_checks_started = true;
    for (usize position = 0; position < m_child_count; ++position) {
        if (spec_of(position).kind == TaskKind::Check)
            TRY(start(position));
    }
    return {};
}

/* Every service is ready (or given up on): initd says so and runs the checks; a group of services raises its ready bit. */
ErrorOr<void> Supervisor::services_are_ready()
{
    if (!is_initd()) {
        m_checks_started = true;
        return system::raise(m_ready);
    }
    usize services = 0;
    usize given_up = 0;
    for (usize position = 0; position < m_child_count; ++position) {
        services += waits_or_passed(position) ? 0 : services_beneath(m_children[position].spec);
        given_up += m_children[position].state == State::GivenUp ? 1 : 0;
    }
    if (given_up == 0)
        TRY(say("initd: ready ({} service{})", services, services == 1 ? "" : "s"));
    else
        TRY(say("initd: ready ({} service{}, {} given up)", services, services == 1 ? "" : "s", given_up));
    return start_checks();
}

/* initd's last line before its verdict: how many checks, at any depth, ended as expected, and how long from initd's start it took. */
ErrorOr<void> Supervisor::summarise()
{
    u32 checks = 0;
    for (usize position = 0; position < m_child_count; ++position)
        checks += spec_of(position).kind == TaskKind::Check ? checks_beneath(m_children[position].spec) : 0;
    if (checks == 0)
        return {};
    u64 elapsed = monotonic_now().nanoseconds_since_boot() - m_started;
    u32 passed = m_failed_checks < checks ? checks - m_failed_checks : 0;
    return say("initd: {} of {} checks ended as expected, {} ms after initd started ({} us per check)", passed, checks,
        elapsed / 1'000'000, elapsed / checks / 1'000);
}

/* Whether any Task of the boot manifest (a group's TaskSpec included) is granted a slot of this kind. */
static bool manifest_grants(SlotKind kind)
{
    for (usize task = 0; task < boot_manifest.task_count; ++task) {
        for (usize index = 0; index < boot_manifest.tasks[task].slot_count; ++index) {
            if (boot_manifest.tasks[task].slots[index].kind == kind)
                return true;
        }
    }
    return false;
}

/* initd gives back the platform capabilities no Task is granted, so they take no entry of its
 * space (the manifest compiler counts them only when granted): the software line, the
 * EntropySource, the virtio-mmio slots, the i8042. */
ErrorOr<void> Supervisor::give_back_ungranted()
{
    if (!m_software_irq.is_empty() && !manifest_grants(SlotKind::SoftwareIrq))
        TRY(system::remove(std::move(m_software_irq)));
    if (!m_entropy.is_empty() && !manifest_grants(SlotKind::Entropy))
        TRY(system::remove(std::move(m_entropy)));
    if (!m_mmio_slots.is_empty() && !manifest_grants(SlotKind::MmioSlot))
        TRY(system::remove(std::move(m_mmio_slots)));
    if (!m_i8042.is_empty() && !manifest_grants(SlotKind::I8042))
        TRY(system::remove(std::move(m_i8042)));
    return {};
}

ErrorOr<void> Supervisor::take_capabilities()
{
    m_console = TRY(m_bundle.take<ConsoleCap>("console"));
    m_memory = TRY(m_bundle.take<ReticleCap>("memory"));
    m_tasks = TRY(m_bundle.take<TaskCap>("tasks"));
    if (is_initd()) {
        m_software_irq = TRY(m_bundle.take<IrqCap>("irq-software"));
        if (auto pci = m_bundle.take<DeviceCap>("pci"); !pci.is_error())
            m_pci = pci.release_value();
        if (auto slots = m_bundle.take<DeviceCap>("virtio-mmio"); !slots.is_error())
            m_mmio_slots = slots.release_value();
        /* Only with CONFIG_DISPLAY; the manifest compiler refuses a display grant without it. */
        if (auto display = m_bundle.take<DisplayCap>("display"); !display.is_error())
            m_display = display.release_value();
        if (auto entropy = m_bundle.take<DeviceCap>("entropy"); !entropy.is_error())
            m_entropy = entropy.release_value();
        /* The platform's disks, as many as it has (hosted: one per --disk=). */
        constexpr char const* disk_names[] = { "block0", "block1", "block2", "block3" };
        for (usize index = 0; index < 4; ++index) {
            if (auto disk = m_bundle.take<DeviceCap>(disk_names[index]); !disk.is_error())
                m_disks[index] = disk.release_value();
        }
        /* Hosted only; the manifest compiler refuses a host-sockets grant elsewhere. */
        if (auto sockets = m_bundle.take<DeviceCap>("host-sockets"); !sockets.is_error())
            m_host_sockets = sockets.release_value();
        /* Hosted with a window only; the manifest compiler refuses an input grant elsewhere. */
        if (auto input = m_bundle.take<DeviceCap>("input"); !input.is_error())
            m_host_input = input.release_value();
        /* With CONFIG_DEBUG_SNAPSHOT; the manifest compiler refuses a snapshot grant without it. */
        if (auto snapshot = m_bundle.take<DeviceCap>("snapshot"); !snapshot.is_error())
            m_snapshot = snapshot.release_value();
        /* x86_64 only; the manifest compiler refuses an i8042 grant elsewhere. */
        if (auto controller = m_bundle.take<DeviceCap>("i8042"); !controller.is_error())
            m_i8042 = controller.release_value();
        TRY(give_back_ungranted());
        if (boot_manifest.connection_count > maximum_connections)
            return Error(ErrorCode::TooLarge, "boot manifest exceeds initd's tables");
        for (usize index = 0; index < boot_manifest.connection_count; ++index) {
            auto const& connection = boot_manifest.connections[index];
            m_connections[index].requests = TRY(system::create_ring(m_memory, connection.slot_count,
                connection.slot_size, connection.schema_id));
            if (!connection.one_way)
                m_connections[index].replies = TRY(system::create_ring(m_memory, connection.slot_count,
                    connection.slot_size, connection.schema_id));
        }
        return {};
    }
    /* A group holds what its children are granted, under the names the compiler gave (its own TaskSpec's slots). */
    TaskSpec const& own = boot_manifest.tasks[m_self];
    for (usize index = 0; index < own.slot_count; ++index) {
        SlotSpec const& slot = own.slots[index];
        if (slot.connection >= maximum_connections)
            return Error(ErrorCode::TooLarge, "boot manifest exceeds a group's tables");
        if (slot.kind == SlotKind::SoftwareIrq)
            m_software_irq = TRY(m_bundle.take<IrqCap>(slot.name));
        if (slot.kind == SlotKind::Display)
            m_display = TRY(m_bundle.take<DisplayCap>(slot.name));
        if (slot.kind == SlotKind::Entropy)
            m_entropy = TRY(m_bundle.take<DeviceCap>(slot.name));
        if (slot.kind == SlotKind::Disk && slot.disk < 4)
            m_disks[slot.disk] = TRY(m_bundle.take<DeviceCap>(slot.name));
        if (slot.kind == SlotKind::HostSockets)
            m_host_sockets = TRY(m_bundle.take<DeviceCap>(slot.name));
        if (slot.kind == SlotKind::HostInput)
            m_host_input = TRY(m_bundle.take<DeviceCap>(slot.name));
        if (slot.kind == SlotKind::Snapshot)
            m_snapshot = TRY(m_bundle.take<DeviceCap>(slot.name));
        if (slot.kind == SlotKind::I8042)
            m_i8042 = TRY(m_bundle.take<DeviceCap>(slot.name));
        if (slot.kind == SlotKind::Ready)
            m_ready = TRY(m_bundle.take<SignalCap>(slot.name));
        if (slot.kind == SlotKind::RequestRing)
            m_connections[slot.connection].requests = TRY(m_bundle.take<RingCap>(slot.name));
        if (slot.kind == SlotKind::ReplyRing)
            m_connections[slot.connection].replies = TRY(m_bundle.take<RingCap>(slot.name));
    }
    return {};
}

ErrorOr<void> Supervisor::find_children()
{
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        TaskSpec const& spec = boot_manifest.tasks[index];
        if (spec.supervisor != m_self)
            continue;
        if (spec.position >= maximum_children || m_child_count >= maximum_children)
            return Error(ErrorCode::TooLarge, "a supervisor has at most 24 children");
        m_children[spec.position].spec = index;
        ++m_child_count;
    }
    /* Positions are 0 .. count - 1, each once (the compiler places them so): check it. */
    for (usize position = 0; position < m_child_count; ++position) {
        if (spec_of(position).supervisor != m_self || spec_of(position).position != position)
            return Error(ErrorCode::InvalidArgument, "boot manifest: children's positions are not 0 .. count - 1");
    }
    return {};
}

/* initd with CONFIG_INITD_STAY_UP: the checks are done; keep supervising, waking once a second so a quiet image is not a deadlock. */
ErrorOr<void> Supervisor::stay_up()
{
    m_staying_up = true;
    TRY(summarise());
    TRY(say("initd: checks finished (status {}); staying up until stopped", m_verdict));
    m_heartbeat_timer = TRY(system::create_timer(m_memory, heartbeat_bit));
    return system::arm_timer(m_heartbeat_timer, monotonic_now().nanoseconds_since_boot() + heartbeat_nanoseconds);
}

/* initd binds its ends of the control connection the manifest compiler made (none in a group). */
ErrorOr<void> Supervisor::open_control()
{
    usize index = boot_manifest.control_connection;
    if (!is_initd() || index == no_control_connection)
        return {};
    if (index >= boot_manifest.connection_count || index >= maximum_connections)
        return Error(ErrorCode::InvalidArgument, "boot manifest: the control connection is not one of its connections");
    u64 schema = boot_manifest.connections[index].schema_id;
    m_control_inbox = TRY(RingReceiver::bind(m_connections[index].requests, schema, control_request_bit));
    m_control_outbox = TRY(RingSender::bind(m_connections[index].replies, schema, control_space_bit));
    return {};
}

usize Supervisor::service_count() const
{
    usize count = 0;
    for (usize position = 0; position < m_child_count; ++position)
        count += spec_of(position).kind == TaskKind::Service ? 1 : 0;
    return count;
}

ServiceView Supervisor::service(usize index) const
{
    for (usize position = 0; position < m_child_count; ++position) {
        if (spec_of(position).kind != TaskKind::Service || index-- != 0)
            continue;
        auto const& supervised = m_children[position];
        ServiceView view;
        view.name = spec_of(position).name;
        /* control::ServiceState's numbers. */
        switch (supervised.state) {
        case State::NotStarted:
        case State::Standby:
        case State::PassedOver:
            view.state = 1;
            break;
        case State::Starting:
            view.state = 2;
            break;
        case State::Ready:
            view.state = 3;
            break;
        case State::BackingOff:
            view.state = 4;
            break;
        case State::GivenUp:
        case State::Finished:
            view.state = 5;
            break;
        case State::Stopped:
            view.state = 6;
            break;
        }
        view.restarts = supervised.history.recent(spec_of(position).restart, monotonic_now().nanoseconds_since_boot());
        view.maximum_restarts = spec_of(position).restart.max_restarts;
        view.ended = supervised.ended;
        view.last_exit_status = supervised.last_exit_status;
        return view;
    }
    return {};
}

/* The child named `name`: a service of initd's, or why it cannot be controlled. */
ControlRefusal Supervisor::find_service(std::string_view name, usize& position) const
{
    for (position = 0; position < m_child_count; ++position) {
        if (name == spec_of(position).name)
            return spec_of(position).kind == TaskKind::Service ? ControlRefusal::None : ControlRefusal::NotAService;
    }
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        TaskSpec const& spec = boot_manifest.tasks[index];
        if (name == spec.name)
            return spec.kind == TaskKind::Service ? ControlRefusal::Grouped : ControlRefusal::NotAService;
    }
    return ControlRefusal::UnknownService;
}

/* Whether the service at `position` may be stopped or restarted now. */
ControlRefusal Supervisor::refusal_to_end(usize position) const
{
    switch (m_children[position].state) {
    case State::Ready:
        return ControlRefusal::None;
    case State::Starting:
    case State::BackingOff:
        return ControlRefusal::Busy;
    default:
        return ControlRefusal::NotRunning;
    }
}

/*
 * Ends a running service on request: its last TaskCap deleted (the Task stops; its exit bit rises
 * and is taken here), its Reticle reclaimed and the Rings it serves reset, so its clients see
 * PeerRestarted as after a crash. Rings it is a client of are left alone: the services it uses
 * are not disturbed (they notice its sessions end); a group's Rings are all reset, as on its crash.
 */
ErrorOr<void> Supervisor::end_on_request(usize position)
{
    auto& supervised = m_children[position];
    TRY(system::remove(std::move(supervised.task)));
    (void)system::wait(exit_bit(position).mask());
    supervised.ended = true;
    supervised.last_exit_status = -1;
    TRY(release_memory(position));
    return reset_connections_of(position, Rings::Served);
}

ErrorOr<ControlRefusal> Supervisor::restart_service(std::string_view name)
{
    usize position = 0;
    if (auto refusal = find_service(name, position); refusal != ControlRefusal::None)
        return refusal;
    if (auto refusal = refusal_to_end(position); refusal != ControlRefusal::None)
        return refusal;
    auto& supervised = m_children[position];
    TaskSpec const& spec = spec_of(position);
    u64 now = monotonic_now().nanoseconds_since_boot();
    if (!supervised.history.allows_restart(spec.restart, now))
        return ControlRefusal::PolicyExhausted;
    TRY(end_on_request(position));
    auto decision = supervised.history.service_ended(spec.restart, now);
    supervised.restarts_in_window = decision.recent + 1;
    TRY(start(position));
    TRY(say("initd: restarted {} on request ({} of {} within {} ms)", spec.name, supervised.restarts_in_window,
        spec.restart.max_restarts, spec.restart.window_ms));
    return ControlRefusal::None;
}

ErrorOr<ControlRefusal> Supervisor::stop_service(std::string_view name)
{
    usize position = 0;
    if (auto refusal = find_service(name, position); refusal != ControlRefusal::None)
        return refusal;
    if (auto refusal = refusal_to_end(position); refusal != ControlRefusal::None)
        return refusal;
    TRY(end_on_request(position));
    m_children[position].state = State::Stopped;
    TRY(say("initd: stopped {} on request", spec_of(position).name));
    return ControlRefusal::None;
}

ErrorOr<ControlRefusal> Supervisor::start_service(std::string_view name)
{
    usize position = 0;
    if (auto refusal = find_service(name, position); refusal != ControlRefusal::None)
        return refusal;
    auto& supervised = m_children[position];
    if (supervised.state == State::BackingOff)
        return ControlRefusal::Busy;
    if (waits_or_passed(position))
        return ControlRefusal::NotRunning; /* another alternative of its set serves: initd alone chooses */
    if (supervised.state != State::Stopped && supervised.state != State::GivenUp)
        return ControlRefusal::Running;
    supervised.history.clear();
    supervised.restarts_in_window = 0;
    TRY(start(position));
    TRY(say("initd: started {} on request", spec_of(position).name));
    return ControlRefusal::None;
}

ErrorOr<i32> Supervisor::run()
{
    m_started = monotonic_now().nanoseconds_since_boot();
    TRY(take_capabilities());
    TRY(find_children());
    TRY(open_control());
    m_backoff_timer = TRY(system::create_timer(m_memory, backoff_bit));

    bool checks_only = !is_initd() && boot_manifest.tasks[m_self].kind == TaskKind::Check;
    if (checks_only) {
        TRY(start_checks()); /* its supervisor started the group in the checks' turn */
    } else {
        for (usize position = 0; position < m_child_count; ++position) {
            if (spec_of(position).kind == TaskKind::Service && spec_of(position).alternative > 0)
                m_children[position].state = State::Standby;
        }
        for (usize position = 0; position < m_child_count; ++position) {
            if (spec_of(position).kind == TaskKind::Service && m_children[position].state == State::NotStarted)
                TRY(start(position));
        }
        if (services_ready())
            TRY(services_are_ready());
    }

    /* One signal wait per loop: ready bits, exit bits, the back-off timer and (staying up) the heartbeat. */
    bool stays_up = is_initd() && stays_up_after_checks;
    while (!finished() || stays_up) {
        if (stays_up && !m_staying_up && finished())
            TRY(stay_up());
        u64 control = m_control_inbox ? control_request_bit.mask() : 0;
        u64 bits = system::wait(ready_mask() | exit_mask() | backoff_bit.mask() | heartbeat_bit.mask() | control);
        if (bits & heartbeat_bit.mask())
            TRY(system::arm_timer(m_heartbeat_timer, monotonic_now().nanoseconds_since_boot() + heartbeat_nanoseconds));
        for (usize position = 0; position < m_child_count; ++position) {
            if ((bits & ready_bit(position).mask()) && m_children[position].state == State::Starting) {
                m_children[position].state = State::Ready;
                if (spec_of(position).one_of != nullptr && !m_children[position].chosen) {
                    m_children[position].chosen = true;
                    TRY(say("initd: {}: {}", spec_of(position).one_of, spec_of(position).name));
                }
            }
        }
        for (usize position = 0; position < m_child_count; ++position) {
            if (bits & exit_bit(position).mask())
                TRY(handle_exit(position));
        }
        if (bits & backoff_bit.mask())
            TRY(restart_due(monotonic_now().nanoseconds_since_boot()));
        if (bits & control)
            TRY(answer_control(*m_control_inbox, *m_control_outbox, *this));
        if (!m_checks_started && services_ready())
            TRY(services_are_ready());
    }
    if (!is_initd())
        return i32(m_failed_checks);
    TRY(summarise());
    return m_verdict;
}

}

/* A group supervisor finds its TaskSpec by its name, which its supervisor gave it from that spec. */
ErrorOr<u16> own_group()
{
    auto self = system::self_status();
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        TaskSpec const& spec = boot_manifest.tasks[index];
        if (spec.children > 0 && self.name.view() == spec.name)
            return u16(index);
    }
    return Error(ErrorCode::NotFound, "no group supervisor of this name in the boot manifest");
}

ErrorOr<i32> supervise(Bundle& bundle, u16 self)
{
    Supervisor supervisor(bundle, self);
    return supervisor.run();
}

}

namespace vectra::task_entries {

ErrorOr<i32> initd_group(Bundle& bundle)
{
    return initd::supervise(bundle, TRY(initd::own_group()));
}

}
