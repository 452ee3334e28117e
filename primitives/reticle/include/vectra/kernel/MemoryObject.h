/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/kernel/Capability.h>
#include <vectra/Error.h>
#include <vectra/kernel/Reticle.h>

namespace vectra {

/*
 * A range of memory retyped from a Reticle and named by a MemCap: how large payloads travel
 * between Tasks without copying — the sender fills it and moves the MemCap through a Ring slot;
 * the receiver views the same bytes.
 */
class MemoryObject final : public KernelObject {
public:
    MemoryObject(Reticle& origin, u8* base, usize size)
        : KernelObject(CapabilityClass::Memory, &origin)
        , m_base(base)
        , m_size(size)
    {
    }

    /*
     * Memory that belongs to another object (a display's framebuffer): MemCaps naming it count as
     * references on `enclosing`, which keeps the bytes; nothing is retyped for it.
     */
    MemoryObject(KernelObject& enclosing, u8* base, usize size)
        : KernelObject(CapabilityClass::Memory, nullptr, &enclosing)
        , m_base(base)
        , m_size(size)
    {
    }

    /* Retype `size` bytes from `reticle` and mint the original MemCap into `space`. */
    [[nodiscard]] static ErrorOr<MemCap> try_create(Reticle& reticle, CapabilitySpace& space, usize size,
        Rights rights = RightRead | RightWrite | RightGrant | RightRevoke | RightMove);

    [[nodiscard]] std::span<u8> bytes() const { return { m_base, m_size }; }
    /* The pages the object occupies (its bytes start a page; the rest of the last page is its own). */
    [[nodiscard]] std::span<u8> pages() const { return { m_base, align_up(m_size, page_granule) }; }
    static constexpr usize page_granule = 4096;

private:
    u8* m_base;
    usize m_size;
};

/* The bytes a MemCap names: writable with RightWrite, read-only with RightRead. */
[[nodiscard]] ErrorOr<std::span<u8>> writable_view(CapabilitySpace const&, MemCap const&);
[[nodiscard]] ErrorOr<std::span<u8 const>> readable_view(CapabilitySpace const&, MemCap const&);

}
