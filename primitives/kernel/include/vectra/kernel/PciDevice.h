/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The device capability classes (ADR 0012, docs/primitives.md "Devices"):
 *
 *  - the PCI bus (a DeviceCap of kind PciBus, "pci" in the first Task's Bundle): the authority
 *    to open any function the kernel enumerated — held by initd, which hands each driver the one
 *    function its manifest entry names;
 *  - PciDevice: one function's configuration space, through calls that refuse offsets outside
 *    its 4 KiB and writes that would move it (BARs, expansion ROM, MSI-X placement). One holder
 *    at a time: a second open is Busy until every capability of the first is gone;
 *  - DeviceMemory: one memory BAR of a function, made through a PciDevice capability, mapped
 *    uncached. It stops working (Revoked) once the entry it was made through is deleted
 *    (revoked, removed, its Task ended) — like a Ring binding made through a RingCap. The BAR
 *    holding the MSI-X table or PBA is the kernel's and is refused;
 *  - an IrqCap for one MSI-X table entry (ADR 0016), made through a PciDevice capability with
 *    write: the kernel writes the entry's message, enables MSI-X and routes the line to a Signal
 *    bit of the caller; each arrival masks the entry until acknowledge_interrupt. Deleting the
 *    PciDevice entry it was made through, or its last IrqCap, masks the entry and frees the line.
 */

#pragma once

#include <span>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/kernel/Pci.h>
#include <vectra/kernel/Reticle.h>

namespace vectra {

/* The authority over every enumerated function. */
class PciBusDevice final : public Device {
public:
    explicit PciBusDevice(KernelObject* origin = nullptr)
        : Device(Kind::PciBus, origin)
    {
    }
};

class DeviceMemory;

class PciDevice final : public KernelObject {
public:
    PciDevice(kernel::pci::Function const& function, KernelObject* origin)
        : KernelObject(CapabilityClass::PciDevice, origin)
        , m_function(function)
    {
    }
    [[nodiscard]] kernel::pci::Function const& function() const { return m_function; }

    /*
     * A configuration write through `through` left bus mastering on (or off): the device may
     * read and write memory by DMA until that entry, or the last capability, is gone — then the
     * kernel turns it off, so a dead driver's device stops before its memory is handed on.
     */
    void note_bus_master(CapabilityEntry const& through, bool enabled);

private:
    friend class DeviceMemory;
    friend class InterruptLine;
    friend class kernel::MessageInterrupts;

    void tear_down() override;
    void capability_deleted(CapabilityEntry const&) override;
    void capability_moved(CapabilityEntry const& from, CapabilityEntry const& to) override;

    kernel::pci::Function const& m_function;
    DeviceMemory* m_memories { nullptr };      /* every DeviceMemory made through one of its entries */
    InterruptLine* m_interrupts { nullptr };   /* every MSI-X line bound and not yet released */
    CapabilityEntry const* m_bus_master_through { nullptr }; /* the entry that turned bus mastering on */

    void stop_bus_mastering();
};

class DeviceMemory final : public KernelObject {
public:
    DeviceMemory(PciDevice& device, CapabilityEntry const& through, u64 base, u64 size, KernelObject* origin);
    [[nodiscard]] u64 base() const { return m_base; }
    [[nodiscard]] u64 size() const { return m_size; }
    /* Revoked once the PciDevice entry it was made through is gone. */
    [[nodiscard]] ErrorOr<void> check_live() const;

private:
    friend class PciDevice;

    void retired() override;

    PciDevice& m_device;
    CapabilityEntry const* m_through; /* nullptr once that entry was deleted */
    DeviceMemory* m_next { nullptr };
    u64 m_base;
    u64 m_size;
};

}

namespace vectra::kernel {

/*
 * The functions enumerated at boot. install() walks `access` over `bridge`; the platform's
 * ECAM at boot (pci_boot), a software model in host tests. Returns the table.
 */
pci::FunctionTable const& pci_install(pci::ConfigAccess&, platform::PciHostBridge const&);
/* Discover the platform's host bridge, map it, enumerate and map every BAR; false without PCI. */
bool pci_boot();
[[nodiscard]] bool pci_present();

[[nodiscard]] ErrorOr<PciDeviceCap> pci_open(CapabilitySpace&, DeviceCap const& bus, ReticleCap const& memory,
    PciMatch const&, usize index);
[[nodiscard]] ErrorOr<PciFunctionInfo> pci_describe(CapabilitySpace&, PciDeviceCap const&);
[[nodiscard]] ErrorOr<u32> pci_config_read(CapabilitySpace&, PciDeviceCap const&, u64 offset, u64 width);
[[nodiscard]] ErrorOr<void> pci_config_write(CapabilitySpace&, PciDeviceCap const&, u64 offset, u64 width, u64 value);
[[nodiscard]] ErrorOr<PciBarInfo> pci_bar(CapabilitySpace&, PciDeviceCap const&, u64 index);
[[nodiscard]] ErrorOr<DeviceMemoryCap> device_memory(CapabilitySpace&, PciDeviceCap const&, ReticleCap const& memory,
    u64 index);
/* The BAR's bytes (RightRead; RightWrite for `writable`); Unsupported from a protection domain (not yet mapped there). */
[[nodiscard]] ErrorOr<std::span<u8>> map_device_memory(CapabilitySpace&, DeviceMemoryCap const&, bool writable);
/*
 * An IrqCap (receive, read) for MSI-X table entry `entry` of the function (RightWrite on the
 * PciDeviceCap), its object retyped from `memory`, routed to `bit` of the caller's mask and
 * unmasked (ADR 0016).
 */
[[nodiscard]] ErrorOr<IrqCap> pci_interrupt(CapabilitySpace&, PciDeviceCap const&, ReticleCap const& memory, u64 entry,
    SignalBit bit);
/* The configuration access enumeration installed (pci_present() must hold). */
[[nodiscard]] pci::ConfigAccess& pci_config_access();

/* The device address of a MemCap's memory (RightRead and RightWrite) for the device a PciDeviceCap names (RightWrite). */
[[nodiscard]] ErrorOr<u64> dma_address(CapabilitySpace&, PciDeviceCap const&, MemCap const&);
/* The device address of a MemCap's memory (RightRead), for a caller that checked its authority over the device. */
[[nodiscard]] ErrorOr<u64> device_address_of(CapabilitySpace&, MemCap const&);

}
