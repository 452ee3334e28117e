/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/kernel/MemoryObject.h>
#include <vectra/Try.h>

namespace vectra {

ErrorOr<MemCap> MemoryObject::try_create(Reticle& reticle, CapabilitySpace& space, usize size, Rights rights)
{
    if (size == 0)
        return Error(ErrorCode::InvalidArgument, "a memory object needs at least one byte");
    if (space.is_full())
        return Error(ErrorCode::Full, "capability space is full");
    /* Whole pages of their own, so a protection domain can map exactly this object. */
    void* bytes = TRY(reticle.try_retype(align_up(size, page_granule), page_granule));
    /* Zeroed, as System.h promises: after a reclaim these pages may hold another holder's bytes. */
    __builtin_memset(bytes, 0, align_up(size, page_granule));
    auto* object = TRY(reticle.try_create<MemoryObject>(reticle, static_cast<u8*>(bytes), size));
    auto capability = space.mint<CapabilityClass::Memory>(object, rights);
    if (capability.is_error())
        object->abandon();
    return capability;
}

ErrorOr<std::span<u8>> writable_view(CapabilitySpace const& space, MemCap const& capability)
{
    MemoryObject* object = TRY(space.lookup(capability, RightRead | RightWrite));
    return object->bytes();
}

ErrorOr<std::span<u8 const>> readable_view(CapabilitySpace const& space, MemCap const& capability)
{
    MemoryObject* object = TRY(space.lookup(capability, RightRead));
    return std::span<u8 const>(object->bytes());
}

}
