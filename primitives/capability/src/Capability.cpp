/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Capability.h>

namespace vectra {

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
    }
    return "UnknownCap";
}

}
