/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Fault injection for a block driver's restart proof (CONFIG_BLOCK_FAULT_AT_BLOCK; 0, the
 * default, is off; never set it in a real image). A driver built with it ends with a CPU fault —
 * as a driver bug would end it, not by exiting — when it takes the first read or write of the
 * boot that covers the configured disk block, while whatever else it had taken is still in
 * flight. The driver keeps its FaultInjection in its component's data, which a restart of its
 * Task does not reset: it fires once per boot, and the restarted driver serves the resent
 * request (docs/drivers.md, "A driver killed mid-I/O").
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::block {

class FaultInjection {
public:
    constexpr explicit FaultInjection(u64 block)
        : m_block(block)
    {
    }

    /* True for the first request (disk blocks first … first + count − 1) covering the block; never again. */
    [[nodiscard]] bool fires(u64 first, u32 count);
    [[nodiscard]] bool fired() const { return m_fired; }
    [[nodiscard]] u64 block() const { return m_block; }

private:
    u64 m_block { 0 };
    bool m_fired { false };
};

/* Ends the calling Task with a CPU fault: a write through an address nothing maps. */
[[noreturn]] void fault_now();

}
