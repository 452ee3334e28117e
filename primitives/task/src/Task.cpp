/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Task.h>

namespace vectra {

Task::Task(Badge<Executor>, Reticle& reticle, SpawnParameters const& parameters)
    : m_band(parameters.band)
    , m_capabilities(allocate_space_id())
    , m_bundle(m_capabilities)
    , m_reticle(reticle)
    , m_entry(parameters.entry)
    , m_supervisor_mask(parameters.supervisor_mask)
    , m_exit_bit(parameters.exit_bit)
{
    /* Names longer than the capacity are refused by Executor::spawn before we get here. */
    m_name.append(parameters.name);
}

char const* exit_cause_name(ExitCause cause)
{
    switch (cause) {
    case ExitCause::Returned: return "returned";
    case ExitCause::Failed: return "failed";
    case ExitCause::Panicked: return "panicked";
    case ExitCause::Faulted: return "faulted";
    }
    return "unknown";
}

}
