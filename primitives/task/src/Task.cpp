/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Task.h>

namespace vectra {

Task::Task(Badge<Executor>, Reticle& reticle, SpawnParameters const& parameters)
    : m_band(parameters.band)
    , m_reticle(reticle)
    , m_entry(parameters.entry)
    , m_supervisor_mask(parameters.supervisor_mask)
    , m_exit_bit(parameters.exit_bit)
{
    /* Names longer than the capacity are refused by Executor::spawn before we get here. */
    m_name.append(parameters.name);
}

}
