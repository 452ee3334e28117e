/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Capability spaces and the derivation tree. Every operation is decode → validate → invoke:
 * the handle is checked (space, slot, generation, class, rights) before anything changes, and
 * the invoke step cannot fail on its arguments.
 */

#include <vectra/kernel/Capability.h>
#include <vectra/Try.h>

namespace vectra {

CapabilitySpace::CapabilitySpace(u32 id)
    : m_id(id)
{
    VERIFY(id != 0);
    for (auto& entry : m_entries)
        entry.space = this;
}

CapabilitySpace::~CapabilitySpace()
{
    (void)clear();
}

usize CapabilitySpace::count() const
{
    usize used = 0;
    for (auto const& entry : m_entries)
        used += entry.used ? 1 : 0;
    return used;
}

ErrorOr<CapabilityEntry*> CapabilitySpace::validate(u32 space, u16 slot, u32 generation, CapabilityClass expected,
    Rights needed) const
{
    /* Is the handle filled in at all? */
    if (space == 0)
        return Error(ErrorCode::StaleHandle, "capability handle is empty (moved out, or never filled)");
    /* Does it belong to this space? */
    if (space != m_id)
        return Error(ErrorCode::ForeignHandle, "capability handle belongs to another Task's capability space");
    /* Does the slot exist, and is it still the entry the handle was made for? */
    if (slot >= capacity)
        return Error(ErrorCode::InvalidArgument, "capability slot out of range");
    auto& entry = const_cast<CapabilityEntry&>(m_entries[slot]);
    if (!entry.used || entry.generation != generation)
        return Error(ErrorCode::StaleHandle, "capability was revoked or deleted");
    /* Is it of the class the caller expects? */
    if (entry.capability_class != expected)
        return Error(ErrorCode::WrongClass, "capability is of another class");
    /* Does it carry every right needed? */
    if ((entry.rights & needed) != needed)
        return Error(ErrorCode::MissingRight, "capability lacks a needed right");
    return &entry;
}

ErrorOr<CapabilitySpace::RawHandle> CapabilitySpace::insert(KernelObject* object, CapabilityClass capability_class,
    Rights rights, u64 detail, CapabilityEntry* parent)
{
    if (object == nullptr)
        return Error(ErrorCode::InvalidArgument, "a capability must name an object");
    if (object->is_retired() || (object->is_torn_down() && capability_class == object->object_class()))
        return Error(ErrorCode::StaleHandle, "the object was torn down; it cannot be named again");
    CapabilityEntry* free_entry = nullptr;
    u16 slot = 0;
    for (u16 index = 0; index < capacity; ++index) {
        if (!m_entries[index].used) {
            free_entry = &m_entries[index];
            slot = index;
            break;
        }
    }
    if (!free_entry)
        return Error(ErrorCode::Full, "capability space is full");
    auto& entry = *free_entry;
    entry.object = object;
    entry.capability_class = capability_class;
    entry.rights = rights & all_rights;
    entry.detail = detail;
    entry.used = true;
    entry.parent = parent;
    entry.first_child = nullptr;
    entry.previous_sibling = nullptr;
    entry.next_sibling = parent ? parent->first_child : nullptr;
    if (parent) {
        if (parent->first_child)
            parent->first_child->previous_sibling = &entry;
        parent->first_child = &entry;
    }
    object->entry_added(capability_class);
    if (m_observer)
        m_observer->capabilities_changed(*this, *object, capability_class);
    return RawHandle { m_id, slot, entry.generation };
}

void CapabilitySpace::unlink(CapabilityEntry& entry)
{
    if (entry.previous_sibling)
        entry.previous_sibling->next_sibling = entry.next_sibling;
    else if (entry.parent)
        entry.parent->first_child = entry.next_sibling;
    if (entry.next_sibling)
        entry.next_sibling->previous_sibling = entry.previous_sibling;
    entry.parent = nullptr;
    entry.next_sibling = nullptr;
    entry.previous_sibling = nullptr;
}

void CapabilitySpace::delete_entry(CapabilityEntry& entry)
{
    /* Children first (the tree is shallow: one level per delegation), then the entry itself. */
    while (entry.first_child)
        entry.first_child->space->delete_entry(*entry.first_child);
    unlink(entry);
    /* The entry is gone before the object hears of it: a tear-down never finds it half-deleted. */
    KernelObject* object = entry.object;
    auto capability_class = entry.capability_class;
    entry.used = false;
    entry.object = nullptr;
    entry.rights = 0;
    ++entry.generation; /* every outstanding handle to this slot is now stale */
    /* The observer hears of it while the object still counts the entry, so it is still whole. */
    if (m_observer)
        m_observer->capabilities_changed(*this, *object, capability_class);
    object->entry_deleted(entry, capability_class);
}

ErrorOr<CapabilityView> CapabilitySpace::view(u32 space, u16 slot, u32 generation) const
{
    if (space != m_id)
        return Error(ErrorCode::ForeignHandle, "capability handle belongs to another Task's capability space");
    if (slot >= capacity || !m_entries[slot].used || m_entries[slot].generation != generation)
        return Error(ErrorCode::StaleHandle, "capability was revoked or deleted");
    auto const& entry = m_entries[slot];
    return CapabilityView { entry.capability_class, entry.object, entry.rights, entry.detail };
}

ErrorOr<CapabilitySpace::RawHandle> CapabilitySpace::derive(u32 space, u16 slot, u32 generation,
    CapabilityClass capability_class, Rights keep, CapabilitySpace& target, Rights needed)
{
    CapabilityEntry* source = TRY(validate(space, slot, generation, capability_class, needed));
    /* May only narrow: every kept right must already be held. */
    if ((keep & ~source->rights) != 0)
        return Error(ErrorCode::MissingRight, "a derived capability may only carry a subset of the rights");
    return target.insert(source->object, capability_class, keep, source->detail, source);
}

ErrorOr<CapabilitySpace::RawHandle> CapabilitySpace::transfer(u32 space, u16 slot, u32 generation,
    CapabilityClass capability_class, CapabilitySpace& target, MoveBy mover)
{
    CapabilityEntry* source = TRY(validate(space, slot, generation, capability_class, 0));
    if (&target == this)
        return RawHandle { m_id, slot, generation };
    /* Another space: the holder needs RightMove (a delivery was checked when it was sent). */
    if (mover == MoveBy::Holder && (source->rights & RightMove) == 0)
        return Error(ErrorCode::NotMovable, "capability lacks RightMove: it stays in the space it was granted into");
    /* Insert the copy first (it may fail on a full target), then hand over the subtree. */
    RawHandle moved = TRY(target.insert(source->object, capability_class, source->rights, source->detail,
        source->parent));
    auto& destination = target.m_entries[moved.slot];
    destination.first_child = source->first_child;
    for (auto* child = destination.first_child; child; child = child->next_sibling)
        child->parent = &destination;
    source->first_child = nullptr;
    /* Bindings and routes made through the entry follow it before the old one is deleted. */
    source->object->capability_moved(*source, destination);
    delete_entry(*source);
    return moved;
}

ErrorOr<usize> CapabilitySpace::revoke_children(u32 space, u16 slot, u32 generation, CapabilityClass capability_class)
{
    CapabilityEntry* entry = TRY(validate(space, slot, generation, capability_class, RightRevoke));
    usize revoked = 0;
    while (entry->first_child) {
        ++revoked;
        entry->first_child->space->delete_entry(*entry->first_child);
    }
    return revoked;
}

ErrorOr<void> CapabilitySpace::erase(u32 space, u16 slot, u32 generation, CapabilityClass capability_class)
{
    CapabilityEntry* entry = TRY(validate(space, slot, generation, capability_class, 0));
    delete_entry(*entry);
    return {};
}

Rights CapabilitySpace::rights_over(KernelObject const& object, CapabilityClass capability_class) const
{
    Rights rights = 0;
    for (auto const& entry : m_entries) {
        if (entry.used && entry.object == &object && entry.capability_class == capability_class)
            rights |= entry.rights;
    }
    return rights;
}

usize CapabilitySpace::clear()
{
    /* Bindings and routes first: the Task is gone, so nothing made through its entries may wake it. */
    while (m_attachments) {
        SpaceAttachment& attachment = *m_attachments;
        detach(attachment);
        attachment.space_cleared();
    }
    usize cleared = 0;
    for (auto& entry : m_entries) {
        if (entry.used) {
            delete_entry(entry);
            ++cleared;
        }
    }
    return cleared;
}

void CapabilitySpace::attach(SpaceAttachment& attachment)
{
    VERIFY(attachment.m_space == nullptr);
    attachment.m_space = this;
    attachment.m_previous = nullptr;
    attachment.m_next = m_attachments;
    if (m_attachments)
        m_attachments->m_previous = &attachment;
    m_attachments = &attachment;
}

void CapabilitySpace::detach(SpaceAttachment& attachment)
{
    VERIFY(attachment.m_space == this);
    if (attachment.m_previous)
        attachment.m_previous->m_next = attachment.m_next;
    else
        m_attachments = attachment.m_next;
    if (attachment.m_next)
        attachment.m_next->m_previous = attachment.m_previous;
    attachment.m_space = nullptr;
    attachment.m_next = nullptr;
    attachment.m_previous = nullptr;
}

}
