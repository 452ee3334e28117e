/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <utility>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra {

enum class CapabilityClass : u8 {
    Task = 1,
    Memory,
    Ring,
    Signal,
    Bundle,
    Reticle,
    Irq,
    Device,
    Timer,
};

[[nodiscard]] char const* capability_class_name(CapabilityClass);

/* Rights are a bit set; a derived capability carries a subset of its parent's rights. */
enum Right : u32 {
    RightRead = 1u << 0,
    RightWrite = 1u << 1,
    RightSend = 1u << 2,
    RightReceive = 1u << 3,
    RightGrant = 1u << 4,
    RightSpawn = 1u << 5,
    RightRaise = 1u << 6,
    RightRetype = 1u << 7,
};
using Rights = u32;

class Reticle;
class Ring;
class Task;
class SignalMask;
class ConsoleDevice;

/* Untyped form of a capability as it sits in a Bundle slot or travels in a Ring slot. */
struct CapabilityReference {
    CapabilityClass capability_class { CapabilityClass::Task };
    Rights rights { 0 };
    void* object { nullptr };
    u64 detail { 0 }; /* class-specific: the signal bit for Signal capabilities */
};

/*
 * A typed capability: move-only, one class per C++ type (a RingCap is not a ReticleCap), the
 * rights it carries checked on every use. Narrowing with attenuate() never adds a right.
 */
template<CapabilityClass Class, typename Object>
class [[nodiscard]] Capability {
public:
    static constexpr CapabilityClass capability_class = Class;
    using ObjectType = Object;

    Capability() = default;
    Capability(Object* object, Rights rights, u64 detail = 0)
        : m_object(object)
        , m_rights(rights)
        , m_detail(detail)
    {
    }
    Capability(Capability&& other)
        : m_object(std::exchange(other.m_object, nullptr))
        , m_rights(std::exchange(other.m_rights, 0))
        , m_detail(other.m_detail)
    {
    }
    Capability& operator=(Capability&& other)
    {
        m_object = std::exchange(other.m_object, nullptr);
        m_rights = std::exchange(other.m_rights, 0);
        m_detail = other.m_detail;
        return *this;
    }
    Capability(Capability const&) = delete;
    Capability& operator=(Capability const&) = delete;

    [[nodiscard]] bool is_valid() const { return m_object != nullptr; }
    [[nodiscard]] Rights rights() const { return m_rights; }
    [[nodiscard]] bool has(Rights needed) const { return (m_rights & needed) == needed; }
    [[nodiscard]] u64 detail() const { return m_detail; }

    /* The object, if this capability is valid and carries every right in `needed`. */
    [[nodiscard]] ErrorOr<Object*> object_with(Rights needed) const
    {
        if (!m_object)
            return Error(ErrorCode::StaleHandle, "capability is empty (moved out or revoked)");
        if (!has(needed))
            return Error(ErrorCode::MissingRight, "capability lacks a needed right");
        return m_object;
    }

    [[nodiscard]] ErrorOr<Capability> attenuate(Rights keep) const
    {
        if (!m_object)
            return Error(ErrorCode::StaleHandle, "capability is empty (moved out or revoked)");
        if ((keep & ~m_rights) != 0)
            return Error(ErrorCode::MissingRight, "attenuation may only remove rights");
        return Capability(m_object, keep, m_detail);
    }

    [[nodiscard]] CapabilityReference release_reference()
    {
        CapabilityReference reference { Class, m_rights, m_object, m_detail };
        m_object = nullptr;
        m_rights = 0;
        return reference;
    }

private:
    Object* m_object { nullptr };
    Rights m_rights { 0 };
    u64 m_detail { 0 };
};

using TaskCap = Capability<CapabilityClass::Task, Task>;
using ReticleCap = Capability<CapabilityClass::Reticle, Reticle>;
using RingCap = Capability<CapabilityClass::Ring, Ring>;
using SignalCap = Capability<CapabilityClass::Signal, SignalMask>;
using ConsoleCap = Capability<CapabilityClass::Device, ConsoleDevice>;

}
