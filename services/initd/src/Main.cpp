/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * initd: the first Task. It follows the boot manifest: creates the connections' Rings,
 * carves a Reticle for each Task, builds each Bundle exactly as the manifest (checked against
 * the footprints at build time) says, spawns the services, waits until each reports ready,
 * then runs the image's check Tasks and returns their verdict as its exit status.
 */

#include <initd/Manifest.h>
#include <vectra/Executor.h>
#include <vectra/Ring.h>
#include <vectra/Try.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Kernel.h>

namespace vectra::initd {

namespace {

constexpr usize maximum_tasks = 24;
constexpr usize maximum_connections = 16;
constexpr u8 first_exit_bit = 32;

struct ConnectionRings {
    Ring* requests { nullptr };
    Ring* replies { nullptr };
};

struct Authority {
    ConsoleCap console;
    ReticleCap memory;
    TaskCap tasks;
};

SignalBit ready_bit(usize task_index) { return SignalBit(static_cast<u8>(task_index)); }
SignalBit exit_bit(usize task_index) { return SignalBit(static_cast<u8>(first_exit_bit + task_index)); }

ErrorOr<void> grant(Task& child, SlotSpec const& slot, Authority const& authority, Reticle& reticle,
    ConnectionRings const* rings, usize task_index)
{
    auto& bundle = child.bundle();
    switch (slot.kind) {
    case SlotKind::Console:
        return bundle.try_put(slot.name, TRY(authority.console.attenuate(slot.rights)));
    case SlotKind::Memory:
        return bundle.try_put(slot.name, ReticleCap(&reticle, slot.rights));
    case SlotKind::RequestRing:
        return bundle.try_put(slot.name, RingCap(rings[slot.connection].requests, slot.rights));
    case SlotKind::ReplyRing:
        return bundle.try_put(slot.name, RingCap(rings[slot.connection].replies, slot.rights));
    case SlotKind::Ready:
        return bundle.try_put(slot.name, SignalCap(&this_task().signals(), slot.rights, ready_bit(task_index).index()));
    case SlotKind::Tasks:
        return bundle.try_put(slot.name, TRY(authority.tasks.attenuate(slot.rights)));
    }
    return Error(ErrorCode::InvalidArgument, "unknown slot kind in the boot manifest");
}

ErrorOr<Task*> start(usize index, Authority const& authority, Reticle& root, ConnectionRings const* rings)
{
    TaskSpec const& spec = boot_manifest.tasks[index];
    Reticle* reticle = TRY(root.try_carve(usize(spec.reticle_kib) * KiB));
    SpawnParameters parameters;
    parameters.name = spec.name;
    parameters.entry = spec.entry;
    parameters.stack_size = usize(spec.stack_kib) * KiB;
    parameters.band = spec.band;
    parameters.supervisor_mask = &this_task().signals();
    parameters.exit_bit = exit_bit(index);
    Task* child = TRY(kernel::spawn(authority.tasks, *reticle, parameters));
    for (usize slot = 0; slot < spec.slot_count; ++slot)
        TRY(grant(*child, spec.slots[slot], authority, *reticle, rings, index));
    TRY(print_line(authority.console, "initd: spawned {}", spec.name));
    return child;
}

ErrorOr<void> report_exit(ConsoleCap const& console, Task const& task)
{
    if (task.exit_cause() == ExitCause::Failed)
        return print_line(console, "initd: {} exited with error {} ({})", task.name(), error_code_name(task.exit_error().code()),
            task.exit_error().message());
    return print_line(console, "initd: {} exited with status {}", task.name(), task.exit_status());
}

ErrorOr<i32> run(Bundle& bundle)
{
    Authority authority {
        TRY(bundle.take<ConsoleCap>("console")),
        TRY(bundle.take<ReticleCap>("memory")),
        TRY(bundle.take<TaskCap>("tasks")),
    };
    Reticle* root = TRY(authority.memory.object_with(RightRetype));
    if (boot_manifest.task_count > maximum_tasks || boot_manifest.connection_count > maximum_connections)
        return Error(ErrorCode::TooLarge, "boot manifest exceeds initd's tables");

    ConnectionRings rings[maximum_connections];
    for (usize index = 0; index < boot_manifest.connection_count; ++index) {
        auto const& connection = boot_manifest.connections[index];
        rings[index].requests = TRY(Ring::try_create(*root, connection.slot_count, connection.slot_size, connection.schema_id));
        rings[index].replies = TRY(Ring::try_create(*root, connection.slot_count, connection.slot_size, connection.schema_id));
    }

    Task* tasks[maximum_tasks] {};
    u64 services_ready_mask = 0;
    u64 service_exit_mask = 0;
    usize service_count = 0;
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        if (boot_manifest.tasks[index].kind != TaskKind::Service)
            continue;
        tasks[index] = TRY(start(index, authority, *root, rings));
        services_ready_mask |= ready_bit(index).mask();
        service_exit_mask |= exit_bit(index).mask();
        ++service_count;
    }

    /* Phase 1: every service reports ready (or one dies first, which ends the boot). */
    u64 pending_ready = services_ready_mask;
    while (pending_ready != 0) {
        u64 bits = wait(pending_ready | service_exit_mask);
        if (bits & service_exit_mask) {
            for (usize index = 0; index < boot_manifest.task_count; ++index) {
                if (bits & exit_bit(index).mask()) {
                    TRY(print_line(authority.console, "initd: service {} stopped before it was ready", tasks[index]->name()));
                    TRY(report_exit(authority.console, *tasks[index]));
                }
            }
            return 1;
        }
        pending_ready &= ~bits;
    }
    TRY(print_line(authority.console, "initd: ready ({} service{})", service_count, service_count == 1 ? "" : "s"));

    /* Phase 2: the image's checks run against the ready services. */
    u64 check_exit_mask = 0;
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        if (boot_manifest.tasks[index].kind != TaskKind::Check)
            continue;
        tasks[index] = TRY(start(index, authority, *root, rings));
        check_exit_mask |= exit_bit(index).mask();
    }
    i32 verdict = 0;
    u64 pending_checks = check_exit_mask;
    while (pending_checks != 0) {
        u64 bits = wait(pending_checks | service_exit_mask);
        for (usize index = 0; index < boot_manifest.task_count; ++index) {
            if (!(bits & exit_bit(index).mask()))
                continue;
            Task const& task = *tasks[index];
            bool failed = task.exit_cause() == ExitCause::Failed || task.exit_status() != 0;
            if (failed || boot_manifest.tasks[index].kind == TaskKind::Service) {
                TRY(report_exit(authority.console, task));
                verdict = 1;
            }
        }
        pending_checks &= ~bits;
    }
    return verdict;
}

}

}

namespace vectra::kernel {

ErrorOr<i32> initial_task_entry(Bundle& bundle)
{
    return initd::run(bundle);
}

}
