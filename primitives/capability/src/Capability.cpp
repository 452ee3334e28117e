/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <atomic>
#include <vectra/kernel/Capability.h>

namespace vectra {

namespace {

/* Kernel-wide: space ids name tables in handles, so they must never repeat. */
std::atomic<u32> s_next_space_id { 1 };

}

u32 allocate_space_id()
{
    u32 id = s_next_space_id.fetch_add(1, std::memory_order_relaxed);
    VERIFY(id != 0);
    return id;
}

char const* capability_class_name(CapabilityClass capability_class)
{
    switch (capability_class) {
    case CapabilityClass::Task: return "TaskCap";
    case CapabilityClass::Memory: return "MemCap";
    case CapabilityClass::Ring: return "RingCap";
    case CapabilityClass::Signal: return "SignalCap";
    case CapabilityClass::Bundle: return "BundleCap";
    case CapabilityClass::Reticle: return "ReticleCap";
    case CapabilityClass::Irq: return "IrqCap";
    case CapabilityClass::Device: return "DeviceCap";
    case CapabilityClass::Timer: return "TimerCap";
    case CapabilityClass::PciDevice: return "PciDeviceCap";
    case CapabilityClass::DeviceMemory: return "DeviceMemoryCap";
    case CapabilityClass::VirtioMmioSlot: return "VirtioMmioSlotCap";
    }
    return "UnknownCap";
}

}
