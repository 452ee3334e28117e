/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string_view>
#include <vectra/kernel/Capability.h>
#include <vectra/Format.h>
#include <vectra/platform/ConsoleLine.h>
#include <vectra/platform/Platform.h>

namespace vectra {

/* A device object, named by a DeviceCap. */
class Device : public KernelObject {
public:
    enum class Kind : u8 {
        Console,
        PciBus, /* vectra/kernel/PciDevice.h */
        Display,
        Block, /* vectra/kernel/BlockDevice.h */
        MmioBus, /* the virtio-mmio slots: vectra/kernel/MmioSlot.h (ADR 0025) */
        HostSockets, /* vectra/kernel/HostSockets.h */
        Entropy, /* the EntropySource feeding the pool: vectra/kernel/Entropy.h (ADR 0025 §3) */
        HostInput, /* the hosted window's keyboard and mouse: vectra/kernel/HostInput.h (ADR 0040 §6) */
        Snapshot, /* the debug snapshot, to read: vectra/kernel/SnapshotDevice.h (ADR 0045) */
        I8042, /* the i8042 keyboard controller, its two ports and line: vectra/kernel/I8042.h (ADR 0031) */
    };
    explicit Device(Kind kind, KernelObject* origin = nullptr)
        : KernelObject(CapabilityClass::Device, origin)
        , m_kind(kind)
    {
    }
    [[nodiscard]] Kind kind() const { return m_kind; }

protected:
    ~Device() = default;

private:
    Kind m_kind;
};

/* The console. Tasks reach it only through a DeviceCap with RightWrite. */
class ConsoleDevice final : public Device {
public:
    explicit ConsoleDevice(KernelObject* origin = nullptr)
        : Device(Kind::Console, origin)
    {
    }
    void write(std::string_view text)
    {
        platform::ConsoleWriter writer; /* a Task's text whole, never mixed with another CPU's */
        platform::console_write(text.data(), text.size());
    }
};

/* Writes `text` to the console a DeviceCap names; needs RightWrite and a console device. */
[[nodiscard]] ErrorOr<void> console_write(CapabilitySpace const&, ConsoleCap const&, std::string_view text);

}

namespace vectra::kernel {

/* Kernel-side printing, for boot, panic and fault reports only (vectra/platform/ConsoleLine.h). */
using platform::console_format;
using platform::console_line;

/* Runs the fini classes in reverse, prints the power-off line and ends the image. */
[[noreturn]] void power_off_with_report(platform::ExitStatus);

}
