/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The kernel's calls: what a Task may ask of the kernel, each naming its authority by
 * capability in the caller's own space. Each call is decode → validate → invoke: the handles
 * are looked up (space, generation, class, rights) before anything is created or changed.
 */

#pragma once

#include <vectra/Bundle.h>
#include <vectra/kernel/Bundle.h>
#include <vectra/kernel/Capability.h>
#include <vectra/Error.h>
#include <vectra/kernel/Ring.h>
#include <vectra/kernel/SignalMask.h>
#include <vectra/kernel/Task.h>

namespace vectra::kernel {

/*
 * The other CPUs (ADR 0020, 0026, src/Processors.cpp): started at boot by start_processors(),
 * which wakes each once and prints its answer; each then serves its own executor (where the
 * platform lets other CPUs run Tasks: platform::other_processors_run_tasks()).
 */
[[nodiscard]] ErrorOr<void> start_processors();
[[nodiscard]] u32 processors_online();
/* With Tasks on more than one CPU: one line of per-CPU counters (which CPUs ran Tasks, their
   switches, the Tasks each stole). Printed when the first Task has exited. */
void report_processors();
/* Sends CPU `index` (online, not the caller) a wake-up and waits until it answered: the wait in
   nanoseconds, or TimedOut after `timeout_nanoseconds`. */
[[nodiscard]] ErrorOr<u64> wake_processor_and_wait(u32 index, u64 timeout_nanoseconds);

/*
 * The first Task. The image's init service defines it (and its name: TaskEntry.h); the kernel spawns it
 * with a Bundle holding "console" (DeviceCap: write, grant), "memory" (ReticleCap over all free
 * RAM left after the kernel's own objects: retype, grant, revoke), "tasks" (TaskCap on the first Task
 * itself: spawn), "irq-software" (IrqCap on the platform's software interrupt line) and, when
 * the machine has PCI, "pci" (DeviceCap on the PCI bus: read — vectra/kernel/PciDevice.h) and,
 * when it has occupied virtio-mmio slots, "virtio-mmio" (DeviceCap of kind MmioBus: read —
 * vectra/kernel/MmioSlot.h).
 */
[[nodiscard]] ErrorOr<i32> initial_task_entry(Bundle&);

/*
 * Spawns the first Task from `root` with that Bundle, running `entry` (initial_task_entry at
 * boot; a host test may run an init service of its own) under initial_task_name.
 */
[[nodiscard]] ErrorOr<Task*> spawn_initial_task(Reticle& root, TaskEntry entry = initial_task_entry);

/* Carve a child Reticle of `size` bytes from `parent` (RightRetype); the new ReticleCap has every right. */
[[nodiscard]] ErrorOr<ReticleCap> carve(CapabilitySpace&, ReticleCap const& parent, usize size);

/*
 * Spawn a Task whose stack and Task block are retyped from `memory` (RightRetype). `authority`
 * must carry RightSpawn. The caller gets the original TaskCap (read, grant, revoke) and builds
 * the child's Bundle through it (child_bundle) before the child first runs.
 */
[[nodiscard]] ErrorOr<TaskCap> spawn(CapabilitySpace&, TaskCap const& authority, ReticleCap const& memory,
    SpawnParameters const&);

/* The Task a TaskCap names (RightRead): its Bundle (before it runs), state, exit status. */
[[nodiscard]] ErrorOr<Task*> task(CapabilitySpace&, TaskCap const&);

/* Forget an exited Task (RightRevoke on its TaskCap, which is deleted; Busy while it runs). */
[[nodiscard]] ErrorOr<void> reap(CapabilitySpace&, TaskCap&&);

/*
 * Return every byte of a Reticle at once (RightRetype) — refused with Busy while a child Reticle
 * or an object retyped from it (a Task block not yet reaped, a Ring, a Timer…) still lives.
 */
[[nodiscard]] ErrorOr<void> reclaim(CapabilitySpace&, ReticleCap const&);

/* A Ring retyped from `memory` (RightRetype); the original RingCap carries every right. */
[[nodiscard]] ErrorOr<RingCap> create_ring(CapabilitySpace&, ReticleCap const& memory, u32 slot_count, u32 slot_size,
    u64 schema_id);

/* Empty a Ring and start its next epoch (RightRevoke: the owner): bound ends see PeerRestarted. */
[[nodiscard]] ErrorOr<void> reset_ring(CapabilitySpace&, RingCap const&);

/* A SignalCap (raise, grant) on bit `bit` of the calling Task's own Signal Mask, to hand to others. */
[[nodiscard]] ErrorOr<SignalCap> signal_capability(CapabilitySpace&, SignalBit bit);

/* A one-shot Timer retyped from `memory` that raises `bit` of the calling Task's mask (TimerCap: write, grant). */
[[nodiscard]] ErrorOr<TimerCap> create_timer(CapabilitySpace&, ReticleCap const& memory, SignalBit bit);

/* Route the line an IrqCap names (RightReceive) to `bit` of the calling Task's mask and unmask it. */
[[nodiscard]] ErrorOr<void> bind_interrupt(CapabilitySpace&, IrqCap const&, SignalBit bit);

/* The line an IrqCap names (RightRead). */
[[nodiscard]] ErrorOr<u32> interrupt_line(CapabilitySpace&, IrqCap const&);

/*
 * Unmask a mask-until-acknowledged line (an MSI-X entry, ADR 0016) after its Task serviced it
 * (RightReceive). Returns how often the line was taken since it was made. A line that needs no
 * acknowledge (the software line): InvalidArgument; one whose PciDevice entry went: Revoked.
 */
[[nodiscard]] ErrorOr<u64> acknowledge_interrupt(CapabilitySpace&, IrqCap const&);

}

namespace vectra::kernel {
class InterruptRouting;
class MessageInterrupts;
}

namespace vectra {
class PciDevice;
class VirtioMmioSlot;
class I8042Device;
}

namespace vectra {

/*
 * An interrupt line, named by an IrqCap. At most one route: the line raises one bit of the
 * mask of the Task that bound it, until that Task exits, the IrqCap it bound through is
 * revoked or deleted, or the line's last IrqCap goes — then the line is masked again.
 */
class InterruptLine final : public KernelObject {
public:
    explicit InterruptLine(u32 line, KernelObject* origin = nullptr)
        : KernelObject(CapabilityClass::Irq, origin)
        , m_line(line)
    {
    }
    /*
     * The line of MSI-X table entry `index` of `device` (ADR 0016), made through the PciDevice
     * entry `through`; `table_entry` is where the kernel reaches that entry's four words —
     * nullptr for the function's INTx pin (index pci_interrupt_intx, ADR 0021).
     */
    InterruptLine(u32 line, PciDevice& device, CapabilityEntry const& through, u32 volatile* table_entry, u16 index,
        KernelObject* origin);
    /*
     * The line of a virtio-mmio slot (ADR 0025), made through the slot entry `through`: not
     * shared, masked at the interrupt controller from each arrival until acknowledged.
     */
    InterruptLine(u32 line, VirtioMmioSlot& slot, CapabilityEntry const& through, KernelObject* origin);
    /*
     * The i8042's keyboard line (ADR 0031 amendment), made through the controller's DeviceCap
     * entry `through`: not shared, masked at the interrupt controller from arrival to acknowledge.
     */
    InterruptLine(u32 line, I8042Device& controller, CapabilityEntry const& through, KernelObject* origin);
    [[nodiscard]] u32 line() const { return m_line; }
    [[nodiscard]] bool is_routed() const { return m_route.attached_space() != nullptr; }
    /* Masked from arrival until acknowledged: a PCI function's MSI-X entry or INTx pin, a virtio-mmio slot's or the i8042's line. */
    [[nodiscard]] bool is_message() const
    {
        return m_message.device != nullptr || m_message.slot != nullptr || m_message.controller != nullptr;
    }
    /* A virtio-mmio slot's line (ADR 0025) or the i8042's: masked at the controller from arrival to acknowledge. */
    [[nodiscard]] bool is_slot() const { return m_message.slot != nullptr || m_message.controller != nullptr; }
    /* A function's INTx pin (ADR 0021): a level-triggered line other functions may share. */
    [[nodiscard]] bool is_level() const { return m_message.device != nullptr && m_message.table_entry == nullptr; }
    /* A device's line whose PciDevice or slot entry (or last IrqCap) went: its line was freed. */
    [[nodiscard]] bool is_released() const { return m_message.released; }
    [[nodiscard]] u64 deliveries() const { return m_deliveries; }

private:
    friend class kernel::InterruptRouting;
    friend class kernel::MessageInterrupts;
    friend class PciDevice;
    friend class VirtioMmioSlot;
    friend class I8042Device;

    /*
     * The MSI-X entry (or, with no table entry, the INTx pin) behind a PCI function's line, or
     * the virtio-mmio slot behind a slot's line; `released` once its line went back; `awaiting`
     * from an INTx arrival to its acknowledge.
     */
    struct Message {
        PciDevice* device { nullptr };
        VirtioMmioSlot* slot { nullptr };
        I8042Device* controller { nullptr }; /* the i8042 whose keyboard line this is */
        CapabilityEntry const* through { nullptr };
        u32 volatile* table_entry { nullptr };
        InterruptLine* next { nullptr }; /* the device's list of its lines */
        u16 index { 0 };
        bool released { false };
        bool awaiting { false };
    };

    /* The route a bind_interrupt made: the binder's mask and bit, and the IrqCap entry it used. */
    class Route final : public SpaceAttachment {
    public:
        explicit Route(InterruptLine& line)
            : m_line(line)
        {
        }
        SignalMask* mask { nullptr };
        SignalBit bit { 0 };
        CapabilityEntry const* through { nullptr };

    private:
        void space_cleared() override;
        InterruptLine& m_line;
    };

    void tear_down() override;
    void capability_deleted(CapabilityEntry const&) override;
    void capability_moved(CapabilityEntry const& from, CapabilityEntry const& to) override;
    void retired() override;

    u32 m_line;
    Route m_route { *this };
    Message m_message;
    u64 m_deliveries { 0 };
};

}
