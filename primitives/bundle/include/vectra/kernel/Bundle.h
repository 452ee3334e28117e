/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Bundle.h>
#include <vectra/kernel/Capability.h>
#include <vectra/Error.h>
#include <vectra/FixedString.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * A Bundle is the typed, named handle table a parent builds for a child at spawn: the child's
 * entire authority. Its capabilities live in the child's capability space from the start; the
 * Bundle maps names to them. The child takes each slot once, by name and class; there are no
 * implicit slots and no slot with a hidden meaning.
 */
class BundleObject final : public KernelObject {
public:
    /* The limits components see (vectra/Bundle.h) are the kernel's: one definition. */
    static constexpr usize capacity = Bundle::capacity;
    static constexpr usize name_capacity = Bundle::name_capacity;
    using Name = Bundle::Name;

    struct Slot {
        Name name;
        CapabilityClass capability_class { CapabilityClass::Task };
        Rights rights { 0 };
        CapabilitySpace::RawHandle handle { 0, 0, 0 };
        bool present { false };
    };

    explicit BundleObject(CapabilitySpace& space, KernelObject* enclosing = nullptr)
        : KernelObject(CapabilityClass::Bundle, nullptr, enclosing)
        , m_space(space)
    {
    }
    BundleObject(BundleObject const&) = delete;
    BundleObject& operator=(BundleObject const&) = delete;

    /* Parent side: copy a capability from `from` into the child as `name`, with a subset of its rights (needs RightGrant). */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<void> grant(std::string_view name, CapabilitySpace& from, Handle<Class> const& source, Rights rights)
    {
        return grant_raw(name, from, RawHandle { source.space(), source.slot(), source.generation() }, Class, rights);
    }

    /* Parent side: move a capability from `from` into the child as `name` (the parent's handle is emptied). */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<void> give(std::string_view name, CapabilitySpace& from, Handle<Class>&& source)
    {
        auto given = give_raw(name, from, RawHandle { source.space(), source.slot(), source.generation() }, Class);
        if (!given.is_error())
            source = Handle<Class>();
        return given;
    }

    /* Child side: take the slot `name`, which must hold a capability of the requested class. */
    template<typename TypedHandle>
    [[nodiscard]] ErrorOr<TypedHandle> take(std::string_view name)
    {
        auto slot = take_slot(name, TypedHandle::capability_class);
        if (slot.is_error())
            return slot.release_error();
        return TypedHandle(slot.value().space, slot.value().slot, slot.value().generation);
    }

    [[nodiscard]] usize count() const;
    [[nodiscard]] Slot const* slots() const { return m_slots; }
    [[nodiscard]] CapabilitySpace& space() const { return m_space; }

    /*
     * The Bundle's shape — each present slot's name, class and rights, sorted by name — in its
     * canonical binary form: u8 count, then per slot u8 name length, name, u8 class, u32 rights.
     * This is what a boot manifest hashes and signs. Returns the length written.
     */
    [[nodiscard]] ErrorOr<usize> encode_shape(std::span<u8> output) const;

    /* Untyped forms, for the kernel-call layer (the class is checked against the entry). */
    [[nodiscard]] ErrorOr<CapabilitySpace::RawHandle> take_slot(std::string_view name, CapabilityClass expected);
    [[nodiscard]] ErrorOr<void> grant_raw(std::string_view name, CapabilitySpace& from, RawHandle, CapabilityClass, Rights);
    [[nodiscard]] ErrorOr<void> give_raw(std::string_view name, CapabilitySpace& from, RawHandle, CapabilityClass);

private:
    [[nodiscard]] ErrorOr<void> check_name(std::string_view name) const;
    [[nodiscard]] ErrorOr<void> place(std::string_view name, CapabilityClass, Rights, CapabilitySpace::RawHandle);

    CapabilitySpace& m_space;
    Slot m_slots[capacity] {};
};

}
