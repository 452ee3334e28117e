/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The kernel calls: everything a component may ask of the kernel. Each acts for the calling
 * Task only — through its own capability space, its own Signal Mask, its own Bundle — and
 * names its authority by handle. There is no call that takes another Task's space, and no
 * kernel object is ever visible here.
 *
 * Each call is one kernel::CallFrame (vectra/CallFrame.h): a direct function call for
 * a Task without a protection domain, a trap for a Task in one; the checks are the same.
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Bundle.h>
#include <vectra/Capability.h>
#include <vectra/ClockAndEntropy.h>
#include <vectra/Display.h>
#include <vectra/Error.h>
#include <vectra/Format.h>
#include <vectra/HostInput.h>
#include <vectra/HostSockets.h>
#include <vectra/MmioSlot.h>
#include <vectra/Pci.h>
#include <vectra/SignalBit.h>
#include <vectra/TaskTypes.h>

namespace vectra::system {

/* --- Signals and time --------------------------------------------------------------------- */

/* Park until any bit in `mask` is pending in the caller's mask; clears and returns those bits. */
u64 wait(u64 mask);
/* As wait(), but `deadline_bit` is raised at `deadline` (monotonic ns) if nothing came first. */
u64 wait_until(u64 mask, u64 deadline, SignalBit deadline_bit);
void yield();
/* Clears and returns the bits of `mask` already pending, without parking. */
[[nodiscard]] u64 take_pending(u64 mask);
/* Raise the bit a SignalCap names (RightRaise). */
[[nodiscard]] ErrorOr<void> raise(SignalCap const&);
/* A SignalCap (raise, grant, revoke, move) on `bit` of the caller's own mask, to hand to others. */
[[nodiscard]] ErrorOr<SignalCap> signal_capability(SignalBit);
/* monotonic_nanoseconds() and entropy(buffer, size): vectra/ClockAndEntropy.h (core/time and core/random wrap them). */

/* --- Capabilities ------------------------------------------------------------------------- */

struct CapabilityDescription {
    CapabilityClass capability_class { CapabilityClass::Task };
    Rights rights { 0 };
};

[[nodiscard]] ErrorOr<RawHandle> attenuate(RawHandle, CapabilityClass, Rights keep);
[[nodiscard]] ErrorOr<usize> revoke(RawHandle, CapabilityClass);
[[nodiscard]] ErrorOr<void> remove(RawHandle, CapabilityClass);
[[nodiscard]] ErrorOr<CapabilityDescription> describe(RawHandle, CapabilityClass);

/* A new entry in the caller's space, derived from `handle`, with a subset of its rights. */
template<CapabilityClass Class>
[[nodiscard]] ErrorOr<Handle<Class>> attenuate(Handle<Class> const& handle, Rights keep)
{
    auto raw = attenuate(RawHandle { handle.space(), handle.slot(), handle.generation() }, Class, keep);
    if (raw.is_error())
        return raw.release_error();
    return Handle<Class>(raw.value().space, raw.value().slot, raw.value().generation);
}

/* Delete every entry derived from `handle`, in any space; needs RightRevoke. Returns how many. */
template<CapabilityClass Class>
[[nodiscard]] ErrorOr<usize> revoke(Handle<Class> const& handle)
{
    return revoke(RawHandle { handle.space(), handle.slot(), handle.generation() }, Class);
}

/* Delete the entry itself (and everything derived from it); the handle is emptied. */
template<CapabilityClass Class>
[[nodiscard]] ErrorOr<void> remove(Handle<Class>&& handle)
{
    auto removed = remove(RawHandle { handle.space(), handle.slot(), handle.generation() }, Class);
    if (!removed.is_error())
        handle = Handle<Class>();
    return removed;
}

/* The class and rights of a live entry of the caller's space. */
template<CapabilityClass Class>
[[nodiscard]] ErrorOr<CapabilityDescription> describe(Handle<Class> const& handle)
{
    return describe(RawHandle { handle.space(), handle.slot(), handle.generation() }, Class);
}

/* --- Bundles ------------------------------------------------------------------------------ */

/* The caller's own Bundle, slot by slot (what Bundle::describe returns). */
[[nodiscard]] ErrorOr<usize> bundle_slots(std::span<Bundle::SlotDescription> into);

[[nodiscard]] ErrorOr<void> bundle_place(TaskCap const& child, std::string_view name, RawHandle, CapabilityClass,
    bool copy, Rights rights);

/*
 * Parent side, before the child first runs (TaskCap with RightGrant): copy a capability into
 * the child's Bundle as `name`, with a subset of its rights (needs RightGrant on it).
 */
template<CapabilityClass Class>
[[nodiscard]] ErrorOr<void> grant(TaskCap const& child, std::string_view name, Handle<Class> const& source, Rights rights)
{
    return bundle_place(child, name, RawHandle { source.space(), source.slot(), source.generation() }, Class, true, rights);
}

/* Parent side: move a capability into the child's Bundle as `name` (the handle is emptied; needs RightMove on it). */
template<CapabilityClass Class>
[[nodiscard]] ErrorOr<void> give(TaskCap const& child, std::string_view name, Handle<Class>&& source)
{
    auto placed = bundle_place(child, name, RawHandle { source.space(), source.slot(), source.generation() }, Class, false, 0);
    if (!placed.is_error())
        source = Handle<Class>();
    return placed;
}

/* --- Memory and Tasks --------------------------------------------------------------------- */

/* Carve a child Reticle of `size` bytes from `parent` (RightRetype); the new ReticleCap has every right. */
[[nodiscard]] ErrorOr<ReticleCap> carve(ReticleCap const& parent, usize size);
/* Return every byte of a Reticle at once (RightRetype); Busy while anything carved or retyped from it lives. */
[[nodiscard]] ErrorOr<void> reclaim(ReticleCap const&);
/* A zeroed memory object of `size` bytes retyped from `memory` (RightRetype); the MemCap has read, write, grant, revoke, move. */
/* `rights`: what the new MemCap carries (a subset of read, write, grant, revoke and move). */
[[nodiscard]] ErrorOr<MemCap> create_memory(ReticleCap const& memory, usize size,
    Rights rights = RightRead | RightWrite | RightGrant | RightRevoke | RightMove);
/* The bytes a MemCap names (RightRead; writable only with RightWrite — a read-only view otherwise). */
[[nodiscard]] ErrorOr<std::span<u8>> map_memory(MemCap const&);
[[nodiscard]] ErrorOr<std::span<u8 const>> map_memory_read_only(MemCap const&);

/*
 * Spawn a Task whose stack and Task block are retyped from `memory` (RightRetype); `authority`
 * must carry RightSpawn. The caller gets the original TaskCap (read, grant, revoke, move) and fills
 * the child's Bundle through it (grant, give) before the child first runs.
 */
[[nodiscard]] ErrorOr<TaskCap> spawn(TaskCap const& authority, ReticleCap const& memory, SpawnRequest const&);
[[nodiscard]] ErrorOr<TaskStatus> task_status(TaskCap const&);
[[nodiscard]] TaskStatus self_status();
/* Forget an exited Task (RightRevoke on its TaskCap, which is deleted; Busy while it runs). */
[[nodiscard]] ErrorOr<void> reap(TaskCap&&);

/* --- Rings, timers, interrupts, console --------------------------------------------------- */

/* A Ring retyped from `memory` (RightRetype); the original RingCap carries every right. */
/*
 * Where a Ring's slots lie (whole pages of their own). A Task in a protection domain finds them
 * mapped read-write while it holds the RingCap with RightSend, read-only with RightReceive only;
 * raw bytes written there never become a message (head and tail are the kernel's).
 */
[[nodiscard]] ErrorOr<std::span<u8>> ring_slot_memory(RingCap const&);
[[nodiscard]] ErrorOr<RingCap> create_ring(ReticleCap const& memory, u32 slot_count, u32 slot_size, u64 schema_id);
/* Empty a Ring and start its next epoch (RightRevoke: the owner): bound ends see PeerRestarted. */
[[nodiscard]] ErrorOr<void> reset_ring(RingCap const&);

/* A one-shot Timer retyped from `memory` that raises `bit` of the caller's mask (TimerCap: write, grant, revoke, move). */
[[nodiscard]] ErrorOr<TimerCap> create_timer(ReticleCap const& memory, SignalBit);
/* Arm (or re-arm) it for `deadline` (monotonic ns); RightWrite. */
[[nodiscard]] ErrorOr<void> arm_timer(TimerCap const&, u64 deadline);
[[nodiscard]] ErrorOr<void> cancel_timer(TimerCap const&);

/* Route the line an IrqCap names (RightReceive) to `bit` of the caller's mask and unmask it. */
[[nodiscard]] ErrorOr<void> bind_interrupt(IrqCap const&, SignalBit);
/*
 * Raise the platform's software interrupt line, which `irq` must name (RightReceive): its
 * holder may poke its own line, nobody else's.
 */
[[nodiscard]] ErrorOr<void> trigger_software_interrupt(IrqCap const& irq);
/* The line an IrqCap names (RightRead). */
[[nodiscard]] ErrorOr<u32> interrupt_line(IrqCap const&);
/*
 * Unmask a line that is masked from each arrival until acknowledged — an MSI-X entry or an
 * INTx pin made by pci_interrupt — once the device was serviced (RightReceive); a shared INTx
 * line is unmasked when the last of its holders acknowledged. Returns how many times the line
 * was taken since it was made (the kernel's count). Revoked once its PciDevice entry is gone.
 */
[[nodiscard]] ErrorOr<u64> acknowledge_interrupt(IrqCap const&);

/* Write `text` to the console a DeviceCap names (RightWrite). */
[[nodiscard]] ErrorOr<void> console_write(ConsoleCap const&, std::string_view text);

/* --- Devices (ADR 0012) ------------------------------------------------------------------- */

/*
 * Open the `index`-th PCI function `match` names, through the PCI bus DeviceCap (RightRead; initd
 * holds it), its PciDevice object retyped from `memory` (RightRetype). The PciDeviceCap has read,
 * write, grant and revoke. NotFound when the machine has no such function; Busy while another
 * PciDevice capability to it lives (one holder per function).
 */
[[nodiscard]] ErrorOr<PciDeviceCap> pci_open(DeviceCap const& bus, ReticleCap const& memory, PciMatch, u32 index = 0);
/* Where the function sits and what it is (RightRead). */
[[nodiscard]] ErrorOr<PciFunctionInfo> pci_describe(PciDeviceCap const&);
/* Read 1, 2 or 4 bytes at `offset` of the function's configuration space (RightRead; aligned, inside its 4 KiB). */
[[nodiscard]] ErrorOr<u32> pci_config_read(PciDeviceCap const&, u16 offset, u8 width);
/* Write them (RightWrite); refused for the BARs, the expansion ROM and the MSI-X table/PBA offsets. */
[[nodiscard]] ErrorOr<void> pci_config_write(PciDeviceCap const&, u16 offset, u8 width, u32 value);
/* What BAR `index` (0 to 5) is: kind, size, whether it has an address (RightRead). */
[[nodiscard]] ErrorOr<PciBarInfo> pci_bar(PciDeviceCap const&, u8 index);
/*
 * A memory BAR as a DeviceMemory capability retyped from `memory` (RightRead on the PciDevice;
 * it carries the PciDevice's read and write, plus grant and revoke). It stops working (Revoked)
 * once the PciDevice it came from is gone.
 */
[[nodiscard]] ErrorOr<DeviceMemoryCap> device_memory(PciDeviceCap const&, ReticleCap const& memory, u8 bar);
/* The BAR's bytes, uncached (RightRead; RightWrite for the writable view). Not yet from a protection domain. */
[[nodiscard]] ErrorOr<std::span<u8 volatile>> map_device_memory(DeviceMemoryCap const&, bool writable = true);
/*
 * The address the device a PciDeviceCap names (RightWrite) uses for the memory a MemCap names
 * (RightRead): where to point its descriptors. A driver lets the device write only memory its
 * MemCap lets it write (virtio-blk: a read's buffer); no IOMMU confines the device yet, so the
 * kernel cannot hold a driver to that (ADR 0012). Not yet from a protection domain.
 */
[[nodiscard]] ErrorOr<u64> dma_address(PciDeviceCap const&, MemCap const&);
/*
 * MSI-X table entry `entry` of the function a PciDeviceCap names (RightWrite) as an IrqCap
 * (receive, read; not grantable) retyped from `memory` (RightRetype), routed to `bit` of the
 * caller's Signal Mask. The kernel writes the entry and enables MSI-X (ADR 0016); each arrival
 * masks the entry until acknowledge_interrupt. Refused: an entry past the table
 * (InvalidArgument), one already bound (Busy), a function without MSI-X (NotFound). Removing
 * the IrqCap, or the PciDevice entry it was made through, masks the entry and frees the line.
 *
 * `entry` pci_interrupt_intx (vectra/Pci.h) binds the function's INTx pin instead (ADR 0021):
 * the level-triggered line the platform routes it to, masked at each arrival until every
 * function bound on that line acknowledged. Refused: a function without an Interrupt Pin
 * (NotFound), one whose MSI-X entries are bound or whose pin is bound already (Busy), a pin the
 * platform cannot route (Unsupported), a line a platform IrqCap routes (Busy).
 */
[[nodiscard]] ErrorOr<IrqCap> pci_interrupt(PciDeviceCap const&, ReticleCap const& memory, u16 entry, SignalBit);

/* --- virtio-mmio slots (ADR 0025) --------------------------------------------------------- */

/*
 * Open the `index`-th occupied virtio-mmio slot holding virtio device `device_id`, through the
 * slots' DeviceCap ("virtio-mmio", kind MmioBus; RightRead; initd holds it), its object retyped
 * from `memory` (RightRetype). The VirtioMmioSlotCap has read, write, grant and revoke.
 * NotFound when no slot holds such a device; Busy while another capability to it lives.
 */
[[nodiscard]] ErrorOr<VirtioMmioSlotCap> mmio_slot_open(DeviceCap const& bus, ReticleCap const& memory, u32 device_id,
    u32 index = 0);
[[nodiscard]] ErrorOr<MmioSlotInfo> mmio_slot_describe(VirtioMmioSlotCap const&);
/*
 * One 32-bit register at `offset` of the slot's window (RightRead; RightWrite to write): 4-byte
 * aligned, `offset + 4` inside the window, else InvalidArgument. Writing Status (0x70) non-zero
 * makes this entry the one whose deletion resets the device.
 */
[[nodiscard]] ErrorOr<u32> mmio_slot_read(VirtioMmioSlotCap const&, u32 offset);
[[nodiscard]] ErrorOr<void> mmio_slot_write(VirtioMmioSlotCap const&, u32 offset, u32 value);
/*
 * The slot's interrupt as an IrqCap (receive, read; not grantable) retyped from `memory`,
 * routed to `bit` of the caller's mask (RightWrite on the slot): masked from each arrival until
 * acknowledge_interrupt (read InterruptStatus and write InterruptACK first). Busy when bound
 * already. Removing it, or the slot entry it was made through, masks and unroutes the line.
 */
[[nodiscard]] ErrorOr<IrqCap> mmio_slot_interrupt(VirtioMmioSlotCap const&, ReticleCap const& memory, SignalBit);
/* The address the slot's device (RightWrite) uses for the memory a MemCap names (RightRead), as dma_address. */
[[nodiscard]] ErrorOr<u64> mmio_slot_dma_address(VirtioMmioSlotCap const&, MemCap const&);
/* --- Display (docs/adr/0014-display-as-a-capability.md) ----------------------------------- */

/* The mode of the display a DeviceCap names (RightRead). */
[[nodiscard]] ErrorOr<DisplayMode> display_mode(DisplayCap const&);
/*
 * The framebuffer as a MemCap in the caller's space, derived from `display`: read-only with
 * RightRead, writable (`writable`) with RightWrite too. Map it with map_memory(); revoking or
 * deleting the DeviceCap deletes it (and, in a protection domain, unmaps it).
 */
[[nodiscard]] ErrorOr<MemCap> display_memory(DisplayCap const&, bool writable);
/* Show `damage` (RightWrite): non-empty and entirely on the screen, else InvalidArgument. */
[[nodiscard]] ErrorOr<void> present(DisplayCap const&, Rectangle const& damage);

/* --- The hosted window's keyboard and mouse (vectra/HostInput.h, ADR 0040 §6) ------------ */

/* The window's size and the event groups its queue dropped (RightRead on the `input` DeviceCap). */
[[nodiscard]] ErrorOr<HostInputInfo> host_input_info(DeviceCap const& input);
/* Moves the oldest queued events into `into` (at most maximum_host_input_drain), in order; how many. */
[[nodiscard]] ErrorOr<usize> host_input_drain(DeviceCap const& input, std::span<HostInputEvent> into);
/*
 * The line raised when events arrive, as an IrqCap (receive, read; not grantable) retyped from
 * `memory` and routed to `bit` of the caller's mask. Busy while another holder's is routed.
 * Deleting it, or the DeviceCap it was made through, unroutes the line.
 */
[[nodiscard]] ErrorOr<IrqCap> host_input_interrupt(DeviceCap const& input, ReticleCap const& memory, SignalBit);

/*
 * The i8042 keyboard controller (x86_64; a DeviceCap of kind I8042, ADR 0031 amendment): one byte
 * from (RightRead) or to (RightWrite) port 0x60 (data) or 0x64 (status; a command when written),
 * InvalidArgument for any other port or a value past a byte; Unsupported on a machine without one.
 * i8042_interrupt: its keyboard line (ISA IRQ 1) as an IrqCap (receive, read; not grantable)
 * retyped from `memory` and routed to `bit` of the caller's mask (RightWrite), masked from each
 * arrival until acknowledge_interrupt; Busy while bound already. Deleting it, or the DeviceCap
 * entry it was made through, unroutes the line.
 */
[[nodiscard]] ErrorOr<u8> i8042_read(DeviceCap const& controller, u16 port);
[[nodiscard]] ErrorOr<void> i8042_write(DeviceCap const& controller, u16 port, u8 value);
[[nodiscard]] ErrorOr<IrqCap> i8042_interrupt(DeviceCap const& controller, ReticleCap const& memory, SignalBit);

/* --- Block devices (docs/adr/0017-block-layer.md) ----------------------------------------- */

/* A disk the platform itself provides (hosted: a --disk= file), named by a DeviceCap. */
struct DiskInfo {
    u32 block_size { 0 };
    u64 block_count { 0 };
    bool read_only { false };
};
/* The most blocks one block_read or block_write moves (the count travels in 16 bits). */
inline constexpr u32 maximum_disk_transfer_blocks = 0xffff;
/* The disk's geometry (RightRead). */
[[nodiscard]] ErrorOr<DiskInfo> disk_info(DeviceCap const& disk);
/*
 * Moves `count` blocks from block `first` into (read: disk RightRead, memory RightWrite) or out of
 * (write: disk RightWrite, memory RightRead) the memory at byte `offset`. The blocks must lie on
 * the disk and the bytes in the memory, else InvalidArgument; done when the call returns.
 */
[[nodiscard]] ErrorOr<void> disk_read(DeviceCap const& disk, MemCap const& memory, u64 offset, u64 first, u32 count);
[[nodiscard]] ErrorOr<void> disk_write(DeviceCap const& disk, MemCap const& memory, u64 offset, u64 first, u32 count);
/* Every write that returned before is durable (RightWrite). */
[[nodiscard]] ErrorOr<void> disk_flush(DeviceCap const& disk);

/* --- Host sockets (hosted; vectra/HostSockets.h, ADR 0024 amendment) ---------------------- */

/*
 * Each names the host-sockets DeviceCap and a socket by its index. A kernel error (a wrong
 * capability or right, an index naming nothing, an address outside the capability's reach:
 * MissingRight, a full table: Full) is an Error; what the host said is the result's status.
 * RightWrite for all but host_socket_ready and host_socket_local (RightRead).
 */
[[nodiscard]] ErrorOr<HostSocketResult> host_socket_open(DeviceCap const&, HostSocketKind, HostAddress const&, u16 backlog = 0);
[[nodiscard]] ErrorOr<HostSocketResult> host_socket_accept(DeviceCap const&, u32 listener, HostAddress& remote);
/* `to`: a UDP datagram's destination (nullptr for TCP). */
[[nodiscard]] ErrorOr<HostSocketResult> host_socket_send(DeviceCap const&, u32 socket, std::span<u8 const>, HostAddress const* to = nullptr);
/* `from`: the datagram's source or the TCP peer. UDP: `value` is the datagram's full length (more than the span: truncated). */
[[nodiscard]] ErrorOr<HostSocketResult> host_socket_receive(DeviceCap const&, u32 socket, std::span<u8>, HostAddress& from);
/* `how`: 1 receive, 2 send, 3 both. */
[[nodiscard]] ErrorOr<HostSocketResult> host_socket_shutdown(DeviceCap const&, u32 socket, u8 how);
[[nodiscard]] ErrorOr<void> host_socket_close(DeviceCap const&, u32 socket);
/* The readiness bits (host_socket_readable, …) now. */
[[nodiscard]] ErrorOr<u32> host_socket_ready(DeviceCap const&, u32 socket);
[[nodiscard]] ErrorOr<HostAddress> host_socket_local(DeviceCap const&, u32 socket);
/*
 * The capability's readiness line as an IrqCap retyped from `memory` (RightRetype), routed to
 * `bit` of the caller's mask and minted beneath the DeviceCap (revoking it unroutes the line):
 * raised, edge, whenever a socket of the table gets bytes, a datagram, a connection to accept, a
 * hang-up or — after a send answered would-block — room to send. RightRead; Busy while another
 * holder's route stands; WrongClass for a DeviceCap of another device.
 */
[[nodiscard]] ErrorOr<IrqCap> host_sockets_interrupt(DeviceCap const& sockets, ReticleCap const& memory, SignalBit);

/*
 * Mixes `bytes` (at most 256) into the kernel's entropy pool through an EntropySource (a
 * DeviceCap of kind Entropy, RightWrite; ADR 0025 §3) and credits at most min(credit,
 * bytes.size(), 64) bytes; returns the credit given. What a feed sends never replaces the
 * pool's state, so bytes of no worth cost nothing but the credit the feeder claims.
 * system::entropy (vectra/ClockAndEntropy.h) answers 0 bytes until 32 bytes were credited.
 */
[[nodiscard]] ErrorOr<u32> entropy_feed(DeviceCap const& source, std::span<u8 const> bytes, usize credit);

/*
 * The kernel's debug snapshot (vectra/kernel/Snapshot.h's table: every Task's name, state, band,
 * CPU, time, Reticle bytes and capabilities by class) through the snapshot DeviceCap (kind
 * Snapshot, RightRead; ADR 0045), which the boot manifest grants only to the Tasks that name it.
 * snapshot_size: the table's bytes. snapshot_read: a copy of the whole table into `buffer` (TooLarge
 * when it is smaller); the copy is whole when the header's and the trailer's generations agree.
 */
[[nodiscard]] ErrorOr<usize> snapshot_size(DeviceCap const& snapshot);
[[nodiscard]] ErrorOr<usize> snapshot_read(DeviceCap const& snapshot, std::span<u8> buffer);

}

namespace vectra {

/* Prints one formatted line through a console capability. */
template<typename... Arguments>
ErrorOr<void> print_line(ConsoleCap const& console, fmt::format_string<Arguments...> format, Arguments&&... arguments)
{
    FixedString<256> line;
    format_into(line, format, std::forward<Arguments>(arguments)...);
    line.append("\n");
    return system::console_write(console, line.view());
}

}
