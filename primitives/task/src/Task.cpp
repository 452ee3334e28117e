/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Task.h>

namespace vectra {

Task::Task(Badge<Executor>, Reticle& reticle, SpawnParameters const& parameters)
    : KernelObject(CapabilityClass::Task, &reticle)
    , m_band(parameters.band)
    , m_signals(this)
    , m_capabilities(allocate_space_id())
    , m_bundle(m_capabilities, this)
    , m_reticle(reticle)
    , m_entry(parameters.entry)
    , m_supervisor_mask(parameters.supervisor_mask)
    , m_exit_bit(parameters.exit_bit)
{
    /* Names longer than the capacity are refused by Executor::spawn before we get here. */
    m_name.append(parameters.name);
    /* The supervisor's mask is raised when this Task exits: pinned until this Task retires. */
    if (m_supervisor_mask)
        m_supervisor_mask->retain();
}

void Task::tear_down()
{
    (m_executor ? *m_executor : Executor::current()).stop(*this);
}

void Task::retired()
{
    if (m_supervisor_mask)
        m_supervisor_mask->release();
}

char const* exit_cause_name(ExitCause cause)
{
    switch (cause) {
    case ExitCause::Returned: return "returned";
    case ExitCause::Failed: return "failed";
    case ExitCause::Panicked: return "panicked";
    case ExitCause::Faulted: return "faulted";
    case ExitCause::Stopped: return "stopped";
    }
    return "unknown";
}

}
