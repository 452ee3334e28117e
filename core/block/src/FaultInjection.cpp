/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Panic.h>
#include <vectra/block/FaultInjection.h>

namespace vectra::block {

bool FaultInjection::fires(u64 first, u32 count)
{
    if (m_block == 0 || m_fired || count == 0 || m_block < first || m_block - first >= count)
        return false;
    m_fired = true;
    return true;
}

void fault_now()
{
    auto* volatile target = reinterpret_cast<u64 volatile*>(0x4000'0000'0000ull); /* 64 TiB: mapped on no platform */
    *target = 1;
    VERIFY_NOT_REACHED();
}

}
