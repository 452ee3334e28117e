/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/kernel/MemoryObject.h>
#include <vectra/Try.h>

namespace vectra {

ErrorOr<MemCap> MemoryObject::try_create(Reticle& reticle, CapabilitySpace& space, usize size)
{
    if (size == 0)
        return Error(ErrorCode::InvalidArgument, "a memory object needs at least one byte");
    if (space.is_full())
        return Error(ErrorCode::Full, "capability space is full");
    void* bytes = TRY(reticle.try_retype(size, 64));
    auto* object = TRY(reticle.try_create<MemoryObject>(reticle, static_cast<u8*>(bytes), size));
    auto capability = space.mint<CapabilityClass::Memory>(object, RightRead | RightWrite | RightGrant | RightRevoke);
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
