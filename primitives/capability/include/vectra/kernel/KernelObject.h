/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/CapabilityClass.h>
#include <vectra/Types.h>

namespace vectra {

struct CapabilityEntry;
class CapabilitySpace;

/*
 * The one lifetime rule, for every object a capability can name: its memory is never reused
 * while anything names it. What names an object is counted here, in two counts:
 *
 *  - capabilities: entries of the object's own class naming it, in any space, Ring slot or
 *    Bundle (TaskCaps for a Task, RingCaps for a Ring …);
 *  - references: everything else that holds its address — entries of another class naming it
 *    (a SignalCap names the Task whose mask it raises), a bound Ring end, an interrupt route,
 *    an armed timer, the executor's queues, a supervisor or timer target pin, and for a
 *    Reticle every object retyped from it and every child carved from it.
 *
 * When the last capability goes, the object is torn down (tear_down(): a Task is stopped, a
 * Ring closed, a Timer disarmed, a route removed); when nothing names it any more, it retires
 * (retired()) and stops counting in the Reticle it came from, which may then be reclaimed.
 * An object embedded in another (a Task's Signal Mask) counts on the object that holds it.
 *
 * The counting happens in one place, CapabilitySpace (entries) and retain()/release() (every
 * other reference); classes only say what tearing down and retiring mean for them.
 */
class KernelObject {
public:
    KernelObject(KernelObject const&) = delete;
    KernelObject& operator=(KernelObject const&) = delete;

    [[nodiscard]] CapabilityClass object_class() const { return m_class; }
    [[nodiscard]] u32 capability_count() const { return owner().m_capabilities; }
    [[nodiscard]] u32 reference_count() const { return owner().m_references; }
    [[nodiscard]] bool is_torn_down() const { return owner().m_torn_down; }
    [[nodiscard]] bool is_retired() const { return owner().m_retired; }
    /* What this object's memory was retyped from: a Reticle (none for boot-time and test objects). */
    [[nodiscard]] KernelObject* origin() const { return m_origin; }

    /* A reference that is not a capability (see above). */
    void retain();
    void release();

    /* An object built but never named (its creating call failed later): retire it now. */
    void abandon();
    /* An object that lived without a capability of its class has ended (a Task reaped): it retires once unreferenced. */
    void end_unnamed();

protected:
    KernelObject(CapabilityClass, KernelObject* origin, KernelObject* enclosing = nullptr);
    ~KernelObject() = default;

    /* The last capability of the object's own class is gone. */
    virtual void tear_down() { }
    /* An entry naming this object is being deleted (bindings and routes made through it end). */
    virtual void capability_deleted(CapabilityEntry const&) { }
    /* An entry naming this object moved to another slot or space (bindings follow it). */
    virtual void capability_moved(CapabilityEntry const& from, CapabilityEntry const& to) { }
    /* Nothing names the object any more: release what it pins. Its memory may be reused after. */
    virtual void retired() { }

private:
    friend class CapabilitySpace;

    [[nodiscard]] KernelObject& owner() { return m_enclosing ? *m_enclosing : *this; }
    [[nodiscard]] KernelObject const& owner() const { return m_enclosing ? *m_enclosing : *this; }
    void entry_added(CapabilityClass);
    void entry_deleted(CapabilityEntry const&, CapabilityClass);
    void retire_if_unnamed();

    CapabilityClass m_class;
    bool m_torn_down { false };
    bool m_retired { false };
    u32 m_capabilities { 0 };
    u32 m_references { 0 };
    KernelObject* m_origin { nullptr };
    KernelObject* m_enclosing { nullptr };
};

}
