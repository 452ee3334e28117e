/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/kernel/Bundle.h>
#include <vectra/Bytes.h>
#include <vectra/Try.h>

namespace vectra {

ErrorOr<void> BundleObject::check_name(std::string_view name) const
{
    if (name.empty())
        return Error(ErrorCode::InvalidArgument, "Bundle slot names are never empty");
    if (name.size() > name_capacity)
        return Error(ErrorCode::NameTooLong, "Bundle slot names are at most 31 bytes");
    bool has_free_slot = false;
    for (auto const& slot : m_slots) {
        if (slot.present && slot.name == name)
            return Error(ErrorCode::AlreadyExists, "Bundle already holds a slot of that name");
        has_free_slot = has_free_slot || !slot.present;
    }
    if (!has_free_slot)
        return Error(ErrorCode::Full, "Bundle has no free slot");
    return {};
}

ErrorOr<void> BundleObject::place(std::string_view name, CapabilityClass capability_class, Rights rights,
    CapabilitySpace::RawHandle handle)
{
    for (auto& slot : m_slots) {
        if (slot.present)
            continue;
        slot.name = MUST(Name::try_from(name)); /* check_name ran first */
        slot.capability_class = capability_class;
        slot.rights = rights;
        slot.handle = handle;
        slot.present = true;
        return {};
    }
    VERIFY_NOT_REACHED(); /* check_name found a free slot */
}

ErrorOr<CapabilitySpace::RawHandle> BundleObject::take_slot(std::string_view name, CapabilityClass expected)
{
    for (auto& slot : m_slots) {
        if (!slot.present || !(slot.name == name))
            continue;
        if (slot.capability_class != expected)
            return Error(ErrorCode::WrongClass, "Bundle slot holds a capability of another class");
        slot.present = false;
        return slot.handle;
    }
    return Error(ErrorCode::NotFound, "Bundle has no slot of that name (or it was taken already)");
}

usize BundleObject::count() const
{
    usize present = 0;
    for (auto const& slot : m_slots)
        present += slot.present ? 1 : 0;
    return present;
}

ErrorOr<usize> BundleObject::encode_shape(std::span<u8> output) const
{
    Slot const* ordered[capacity];
    usize count = 0;
    for (auto const& slot : m_slots) {
        if (!slot.present)
            continue;
        usize position = count++;
        while (position > 0 && slot.name.view() < ordered[position - 1]->name.view()) {
            ordered[position] = ordered[position - 1];
            --position;
        }
        ordered[position] = &slot;
    }
    ByteWriter writer(output);
    TRY(writer.write<u8>(static_cast<u8>(count)));
    for (usize index = 0; index < count; ++index) {
        auto name = ordered[index]->name.view();
        TRY(writer.write<u8>(static_cast<u8>(name.size())));
        TRY(writer.write_bytes(as_bytes(name)));
        TRY(writer.write<u8>(static_cast<u8>(ordered[index]->capability_class)));
        TRY(writer.write<u32>(ordered[index]->rights));
    }
    return writer.length();
}

ErrorOr<void> BundleObject::grant_raw(std::string_view name, CapabilitySpace& from, RawHandle source,
    CapabilityClass capability_class, Rights rights)
{
    TRY(check_name(name));
    auto copied = TRY(from.derive(source.space, source.slot, source.generation, capability_class, rights, m_space, RightGrant));
    return place(name, capability_class, rights, copied);
}

ErrorOr<void> BundleObject::give_raw(std::string_view name, CapabilitySpace& from, RawHandle source,
    CapabilityClass capability_class)
{
    TRY(check_name(name));
    auto view = TRY(from.view(source.space, source.slot, source.generation));
    auto moved = TRY(from.transfer(source.space, source.slot, source.generation, capability_class, m_space, MoveBy::Holder));
    return place(name, capability_class, view.rights, moved);
}

}
