/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What a component knows of capabilities: typed handles and rights. A handle is a name in the
 * calling Task's own capability space, nothing more — the kernel looks it up again on every
 * call. There is no way to reach the object behind it, or another Task's space, from here.
 */

#pragma once

#include <utility>
#include <vectra/CapabilityClass.h>
#include <vectra/Types.h>

namespace vectra {

[[nodiscard]] char const* capability_class_name(CapabilityClass);

/*
 * Rights are a bit set; a derived capability carries a subset of its parent's rights, so a right
 * once left out is never added back further down. RightGrant lets a holder copy a capability into
 * another Task (it keeps its own); RightMove lets it hand the capability itself to another Task
 * (it keeps nothing): through a Ring slot, into a child's Bundle. A capability without RightMove
 * stays in the space it was granted into — the manifest compiler grants initd's control
 * connection and every device capability that way (ADR 0006, amendment).
 */
enum Right : u32 {
    RightRead = 1u << 0,
    RightWrite = 1u << 1,
    RightSend = 1u << 2,
    RightReceive = 1u << 3,
    RightGrant = 1u << 4, /* may be copied to another Task */
    RightSpawn = 1u << 5,
    RightRaise = 1u << 6,
    RightRetype = 1u << 7,
    RightRevoke = 1u << 8, /* may revoke what was derived from it */
    RightMove = 1u << 9, /* may be moved to another Task (ErrorCode::NotMovable otherwise) */
};
using Rights = u32;
inline constexpr Rights all_rights = 0x3ff;

/*
 * A handle names one entry of one Task's capability space: (space, slot, generation). It is
 * move-only and typed — a RingCap is not a MemCap — and it is only a name: every kernel call
 * looks it up again in the calling Task's space, which checks the space (a handle from another
 * Task's table is refused), the generation (a revoked or deleted entry is stale), the class
 * and the rights.
 */
template<CapabilityClass Class>
class [[nodiscard]] Handle {
public:
    static constexpr CapabilityClass capability_class = Class;

    Handle() = default;
    Handle(u32 space, u16 slot, u32 generation)
        : m_space(space)
        , m_slot(slot)
        , m_generation(generation)
    {
    }
    Handle(Handle&& other)
        : m_space(std::exchange(other.m_space, 0))
        , m_slot(other.m_slot)
        , m_generation(other.m_generation)
    {
    }
    Handle& operator=(Handle&& other)
    {
        m_space = std::exchange(other.m_space, 0);
        m_slot = other.m_slot;
        m_generation = other.m_generation;
        return *this;
    }
    Handle(Handle const&) = delete;
    Handle& operator=(Handle const&) = delete;

    [[nodiscard]] bool is_empty() const { return m_space == 0; }
    [[nodiscard]] u32 space() const { return m_space; }
    [[nodiscard]] u16 slot() const { return m_slot; }
    [[nodiscard]] u32 generation() const { return m_generation; }

private:
    u32 m_space { 0 }; /* 0: empty (moved from, or never filled) */
    u16 m_slot { 0 };
    u32 m_generation { 0 };
};

using TaskCap = Handle<CapabilityClass::Task>;
using MemCap = Handle<CapabilityClass::Memory>;
using RingCap = Handle<CapabilityClass::Ring>;
using SignalCap = Handle<CapabilityClass::Signal>;
using BundleCap = Handle<CapabilityClass::Bundle>;
using ReticleCap = Handle<CapabilityClass::Reticle>;
using IrqCap = Handle<CapabilityClass::Irq>;
using DeviceCap = Handle<CapabilityClass::Device>;
using TimerCap = Handle<CapabilityClass::Timer>;
using ConsoleCap = DeviceCap;
using PciDeviceCap = Handle<CapabilityClass::PciDevice>;
using DeviceMemoryCap = Handle<CapabilityClass::DeviceMemory>;
using VirtioMmioSlotCap = Handle<CapabilityClass::VirtioMmioSlot>;

/* An untyped handle, as it travels in Ring slots and Bundles before its class is checked. */
struct RawHandle {
    u32 space;
    u16 slot;
    u32 generation;
};

}
