/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <utility>
#include <vectra/Capability.h>
#include <vectra/CapabilityClass.h>
#include <vectra/Error.h>
#include <vectra/kernel/KernelObject.h>
#include <vectra/Types.h>

namespace vectra {


class Task;
class MemoryObject;
class Ring;
class SignalMask;
class BundleObject;
class Reticle;
class InterruptLine;
class Device;
class Timer;
class PciDevice;
class DeviceMemory;
class VirtioMmioSlot;

/* The C++ type of the object each capability class names. */
template<CapabilityClass>
struct ObjectOf;
template<> struct ObjectOf<CapabilityClass::Task> { using Type = Task; };
template<> struct ObjectOf<CapabilityClass::Memory> { using Type = MemoryObject; };
template<> struct ObjectOf<CapabilityClass::Ring> { using Type = Ring; };
template<> struct ObjectOf<CapabilityClass::Signal> { using Type = SignalMask; };
template<> struct ObjectOf<CapabilityClass::Bundle> { using Type = BundleObject; };
template<> struct ObjectOf<CapabilityClass::Reticle> { using Type = Reticle; };
template<> struct ObjectOf<CapabilityClass::Irq> { using Type = InterruptLine; };
template<> struct ObjectOf<CapabilityClass::Device> { using Type = Device; };
template<> struct ObjectOf<CapabilityClass::Timer> { using Type = Timer; };
template<> struct ObjectOf<CapabilityClass::PciDevice> { using Type = PciDevice; };
template<> struct ObjectOf<CapabilityClass::DeviceMemory> { using Type = DeviceMemory; };
template<> struct ObjectOf<CapabilityClass::VirtioMmioSlot> { using Type = VirtioMmioSlot; };

class CapabilitySpace;

/* A fresh, never reused, non-zero id for a new capability space (kernel-wide counter). */
[[nodiscard]] u32 allocate_space_id();

/*
 * One entry: the object, its class, the rights this holder has, a class-specific detail (the
 * signal bit of a SignalCap) and its place in the derivation tree, which spans every space:
 * revoking an entry deletes everything derived from it, wherever it lives. The object counts
 * its entries (vectra/KernelObject.h): it is torn down when the last one of its class goes.
 */
struct CapabilityEntry {
    KernelObject* object { nullptr };
    CapabilityClass capability_class { CapabilityClass::Task };
    Rights rights { 0 };
    u64 detail { 0 };
    u32 generation { 1 };
    bool used { false };
    CapabilitySpace* space { nullptr };
    CapabilityEntry* parent { nullptr };
    CapabilityEntry* first_child { nullptr };
    CapabilityEntry* next_sibling { nullptr };
    CapabilityEntry* previous_sibling { nullptr };
};

/*
 * What a space holds besides its entries — a bound Ring end, an interrupt route — made by the
 * space's Task and ended when the space is cleared (the Task exited), if not before.
 */
class SpaceAttachment {
public:
    SpaceAttachment() = default;
    SpaceAttachment(SpaceAttachment const&) = delete;
    SpaceAttachment& operator=(SpaceAttachment const&) = delete;
    [[nodiscard]] CapabilitySpace* attached_space() const { return m_space; }

protected:
    ~SpaceAttachment() = default;
    /* The space was cleared: end whatever this attachment keeps alive (detach has been done). */
    virtual void space_cleared() = 0;

private:
    friend class CapabilitySpace;
    CapabilitySpace* m_space { nullptr };
    SpaceAttachment* m_next { nullptr };
    SpaceAttachment* m_previous { nullptr };
};

/*
 * Told whenever an entry naming `object` enters or leaves the space it observes. Protection
 * domains use it to map exactly the memory the capabilities of a domain's Tasks name.
 */
class SpaceObserver {
public:
    virtual void capabilities_changed(CapabilitySpace&, KernelObject& object, CapabilityClass) = 0;

protected:
    ~SpaceObserver() = default;
};

/*
 * Who moves an entry: a holder handing its capability to another space, which needs RightMove on
 * it (ErrorCode::NotMovable otherwise), or the kernel delivering one already in flight — a Ring
 * slot's capability into its receiver, checked when it was sent (moved with RightMove, or copied
 * with RightGrant). Moving within the holder's own space changes nothing and needs no right.
 */
enum class MoveBy : u8 {
    Holder,
    Delivery,
};

/* What a capability names, untyped: used where the class is only known at run time. */
struct CapabilityView {
    CapabilityClass capability_class;
    KernelObject* object;
    Rights rights;
    u64 detail;
};

/*
 * A Task's capability space: a fixed table of entries. Every operation validates the handle
 * first (decode → validate → invoke) and returns a distinct error for each refusal.
 */
class CapabilitySpace {
public:
    static constexpr usize capacity = 64;

    explicit CapabilitySpace(u32 id);
    ~CapabilitySpace();
    CapabilitySpace(CapabilitySpace const&) = delete;
    CapabilitySpace& operator=(CapabilitySpace const&) = delete;

    [[nodiscard]] u32 id() const { return m_id; }
    [[nodiscard]] usize count() const;
    /* Every entry, used or free (what it holds, by class: the debug snapshot counts them). */
    [[nodiscard]] std::span<CapabilityEntry const> entries() const { return m_entries; }

    [[nodiscard]] bool is_full() const { return count() == capacity; }

    /*
     * The original capability to a new object: no parent; the root of its derivation tree. The
     * object's own counts (vectra/KernelObject.h) decide when it is torn down and retired.
     */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<Handle<Class>> mint(typename ObjectOf<Class>::Type* object, Rights rights, u64 detail = 0)
    {
        return typed<Class>(insert(object, Class, rights, detail, nullptr));
    }

    /* The object, if `handle` is a live entry of this space, of its class, with every right in `needed`. */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<typename ObjectOf<Class>::Type*> lookup(Handle<Class> const& handle, Rights needed) const
    {
        auto entry = validate(handle.space(), handle.slot(), handle.generation(), Class, needed);
        if (entry.is_error())
            return entry.release_error();
        return static_cast<typename ObjectOf<Class>::Type*>(entry.value()->object);
    }

    /* The entry itself (the kernel records which entry a binding or route was made through). */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<CapabilityEntry const*> entry_of(Handle<Class> const& handle, Rights needed = 0) const
    {
        auto entry = validate(handle.space(), handle.slot(), handle.generation(), Class, needed);
        if (entry.is_error())
            return entry.release_error();
        return static_cast<CapabilityEntry const*>(entry.value());
    }

    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<u64> detail(Handle<Class> const& handle) const
    {
        auto entry = validate(handle.space(), handle.slot(), handle.generation(), Class, 0);
        if (entry.is_error())
            return entry.release_error();
        return entry.value()->detail;
    }

    /* A new entry in this space, derived from `handle`, with a subset of its rights. */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<Handle<Class>> attenuate(Handle<Class> const& handle, Rights keep)
    {
        return typed<Class>(derive(handle.space(), handle.slot(), handle.generation(), Class, keep, *this, 0));
    }

    /*
     * A new entry naming `object` as `Class`, a child of `parent` (an entry of this space, of
     * another class, holding `needed`): deleting or revoking the parent deletes it too. How the
     * kernel hands out memory that belongs to a device (a display's framebuffer).
     */
    template<CapabilityClass ParentClass, CapabilityClass Class>
    [[nodiscard]] ErrorOr<Handle<Class>> mint_beneath(Handle<ParentClass> const& parent, Rights needed,
        typename ObjectOf<Class>::Type* object, Rights rights)
    {
        auto entry = validate(parent.space(), parent.slot(), parent.generation(), ParentClass, needed);
        if (entry.is_error())
            return entry.release_error();
        return typed<Class>(insert(object, Class, rights, 0, entry.value()));
    }

    /* Copy into `target` as a derived entry with a subset of the rights; needs RightGrant. */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<Handle<Class>> copy_to(CapabilitySpace& target, Handle<Class> const& handle, Rights keep)
    {
        return typed<Class>(derive(handle.space(), handle.slot(), handle.generation(), Class, keep, target, RightGrant));
    }

    /*
     * Move into `target`: the entry changes space and keeps its place in the derivation tree and
     * its rights; needs RightMove (NotMovable otherwise, and the holder keeps it).
     */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<Handle<Class>> move_to(CapabilitySpace& target, Handle<Class>&& handle)
    {
        auto moved = transfer(handle.space(), handle.slot(), handle.generation(), Class, target, MoveBy::Holder);
        if (!moved.is_error())
            handle = Handle<Class>();
        return typed<Class>(std::move(moved));
    }

    /* Delete every entry derived from `handle`, in any space; needs RightRevoke. */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<usize> revoke(Handle<Class> const& handle)
    {
        return revoke_children(handle.space(), handle.slot(), handle.generation(), Class);
    }

    /* Delete the entry itself (and everything derived from it). */
    template<CapabilityClass Class>
    [[nodiscard]] ErrorOr<void> remove(Handle<Class>&& handle)
    {
        auto removed = erase(handle.space(), handle.slot(), handle.generation(), Class);
        if (!removed.is_error())
            handle = Handle<Class>();
        return removed;
    }

    /* Delete every entry and end every attachment (the Task exited): its authority is gone. */
    usize clear();

    /* At most one observer (vectra/Domain.h); nullptr for none. */
    void set_observer(SpaceObserver* observer) { m_observer = observer; }
    /* The union of the rights of every entry in this space that names `object` as `capability_class`. */
    [[nodiscard]] Rights rights_over(KernelObject const& object, CapabilityClass capability_class) const;

    /* Attachments: ended by clear() unless detached first. */
    void attach(SpaceAttachment&);
    void detach(SpaceAttachment&);

    /* Untyped access for code that moves capabilities it does not interpret (Ring slots, Bundles). */
    using RawHandle = vectra::RawHandle;
    [[nodiscard]] ErrorOr<CapabilityView> view(u32 space, u16 slot, u32 generation) const;
    [[nodiscard]] ErrorOr<RawHandle> transfer(u32 space, u16 slot, u32 generation, CapabilityClass, CapabilitySpace& target,
        MoveBy);
    [[nodiscard]] ErrorOr<RawHandle> derive(u32 space, u16 slot, u32 generation, CapabilityClass, Rights keep,
        CapabilitySpace& target, Rights needed);
    [[nodiscard]] ErrorOr<void> erase(u32 space, u16 slot, u32 generation, CapabilityClass);
    [[nodiscard]] ErrorOr<usize> revoke_children(u32 space, u16 slot, u32 generation, CapabilityClass);

    /* Reinterpret a raw handle of this class as a typed one (after transfer by untyped code). */
    template<CapabilityClass Class>
    static ErrorOr<Handle<Class>> typed(ErrorOr<RawHandle>&& raw)
    {
        if (raw.is_error())
            return raw.release_error();
        return Handle<Class>(raw.value().space, raw.value().slot, raw.value().generation);
    }

private:

    [[nodiscard]] ErrorOr<CapabilityEntry*> validate(u32 space, u16 slot, u32 generation, CapabilityClass, Rights needed) const;
    [[nodiscard]] ErrorOr<RawHandle> insert(KernelObject* object, CapabilityClass, Rights, u64 detail,
        CapabilityEntry* parent);
    void delete_entry(CapabilityEntry&);
    void unlink(CapabilityEntry&);

    u32 m_id;
    CapabilityEntry m_entries[capacity];
    SpaceAttachment* m_attachments { nullptr };
    SpaceObserver* m_observer { nullptr };
};

}
