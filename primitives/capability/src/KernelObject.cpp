/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The lifetime rule of vectra/KernelObject.h, in one place.
 */

#include <vectra/kernel/Capability.h>
#include <vectra/kernel/KernelObject.h>

namespace vectra {

KernelObject::KernelObject(CapabilityClass object_class, KernelObject* origin, KernelObject* enclosing)
    : m_class(object_class)
    , m_origin(origin)
    , m_enclosing(enclosing)
{
    /* An object retyped from a Reticle keeps it busy until the object retires. */
    if (m_origin)
        m_origin->retain();
}

void KernelObject::retain()
{
    auto& object = owner();
    VERIFY(!object.m_retired);
    ++object.m_references;
}

void KernelObject::release()
{
    auto& object = owner();
    VERIFY(object.m_references > 0);
    --object.m_references;
    object.retire_if_unnamed();
}

void KernelObject::end_unnamed()
{
    auto& object = owner();
    if (object.m_capabilities == 0)
        object.m_torn_down = true;
    object.retire_if_unnamed();
}

void KernelObject::abandon()
{
    auto& object = owner();
    VERIFY(object.m_capabilities == 0 && object.m_references == 0);
    object.m_torn_down = true;
    object.retire_if_unnamed();
}

void KernelObject::entry_added(CapabilityClass entry_class)
{
    auto& object = owner();
    VERIFY(!object.m_retired);
    VERIFY(!object.m_torn_down || entry_class != object.m_class);
    if (entry_class == object.m_class)
        ++object.m_capabilities;
    else
        ++object.m_references;
}

void KernelObject::entry_deleted(CapabilityEntry const& entry, CapabilityClass entry_class)
{
    auto& object = owner();
    /* Bindings and routes made through this entry end first; the object may still live. */
    capability_deleted(entry);
    if (entry_class == object.m_class) {
        VERIFY(object.m_capabilities > 0);
        if (--object.m_capabilities == 0 && !object.m_torn_down) {
            object.m_torn_down = true;
            /* Held across tear-down, so the object cannot retire while tearing itself down. */
            ++object.m_references;
            object.tear_down();
            --object.m_references;
        }
    } else {
        VERIFY(object.m_references > 0);
        --object.m_references;
    }
    object.retire_if_unnamed();
}

void KernelObject::retire_if_unnamed()
{
    if (m_retired || m_capabilities != 0 || m_references != 0)
        return;
    /* Only an ended object retires: its last capability went, or it was ended unnamed. */
    if (!m_torn_down)
        return;
    m_retired = true;
    retired();
    if (m_origin)
        m_origin->release();
}

}
