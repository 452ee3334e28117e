/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What the GICv2 and GICv3 drivers share (Gic.cpp, GicV2.cpp, GicV3.cpp): the layout of a block of
 * per-interrupt registers — the distributor's, and on GICv3 also each redistributor's SGI_base
 * frame, which holds lines 0-31 at the same offsets — and a scope with IRQs masked.
 */

#pragma once

#include "Mmio.h"
#include "Registers.h"
#include <vectra/Types.h>

namespace vectra::platform::aarch64 {

constexpr u32 gic_first_shared_line = 32;
constexpr u32 gic_software_line_count = 16;
constexpr u32 gic_default_priority = 0xa0;
constexpr u32 gic_default_priorities = 0xa0a0'a0a0;
/*
 * Each CPU's virtual timer line (PPI 27) one step above every other line. A CPU handling an
 * interrupt has that line's priority as its running priority, and its CPU interface signals only
 * lines above it — even to wfi. The lock waiters' nap (timer_nap: the timer armed, then wfi) also
 * runs inside a handler, when interrupt_arrived waits for the big lock: at the default priority
 * its timer could not end that wfi, nor could any other line, and the CPU slept for good holding
 * its ticket while the other CPUs queued behind it.
 */
constexpr u32 gic_timer_priority = 0x90;
/* The CPU interface's priority mask: every priority numerically below it is signalled. */
constexpr u32 gic_accept_all_priorities = 0xf0;

/* GICD_* / GICR_* (SGI_base) register offsets shared by both versions. */
struct GicInterruptRegisters {
    uptr base;

    static constexpr uptr group = 0x080;
    static constexpr uptr set_enable = 0x100;
    static constexpr uptr clear_enable = 0x180;
    static constexpr uptr clear_pending = 0x280;
    static constexpr uptr clear_active = 0x380;
    static constexpr uptr priority = 0x400;
    static constexpr uptr configuration = 0xc00;

    void enable(u32 line) const { mmio_write32(base + set_enable + (line / 32) * 4, 1u << (line % 32)); }
    void disable(u32 line) const { mmio_write32(base + clear_enable + (line / 32) * 4, 1u << (line % 32)); }

    /* Every line of the 32 from `first` disabled, not pending, not active. */
    void reset_word(u32 first) const
    {
        mmio_write32(base + clear_enable + first / 8, 0xffff'ffff);
        mmio_write32(base + clear_pending + first / 8, 0xffff'ffff);
        mmio_write32(base + clear_active + first / 8, 0xffff'ffff);
    }

    /* GICD_IPRIORITYR is byte-addressable, but a word access works on every GIC. IRQs must be masked. */
    void set_priority(u32 line, u32 value) const
    {
        uptr word = base + priority + (line & ~3u);
        u32 shift = (line % 4) * 8;
        mmio_write32(word, (mmio_read32(word) & ~(0xffu << shift)) | (value << shift));
    }

    /* GICD_ICFGR: two bits per INTID, the upper one set for edge, clear for level. False when
       the line was level-triggered already (left as it is: possibly live for another holder). */
    bool make_level_triggered(u32 line) const
    {
        uptr word = base + configuration + (line / 16) * 4;
        u32 edge_bit = 2u << ((line % 16) * 2);
        u32 value = mmio_read32(word);
        if ((value & edge_bit) == 0)
            return false;
        disable(line);
        mmio_write32(word, value & ~edge_bit);
        return true;
    }
};

/* Keeps IRQs masked for its lifetime, then restores the caller's DAIF. */
class InterruptsMasked {
public:
    InterruptsMasked()
        : m_saved(VECTRA_AARCH64_READ_REGISTER(daif))
    {
        asm volatile("msr daifset, #2" ::: "memory");
    }
    ~InterruptsMasked() { VECTRA_AARCH64_WRITE_REGISTER(daif, m_saved); }
    InterruptsMasked(InterruptsMasked const&) = delete;
    InterruptsMasked& operator=(InterruptsMasked const&) = delete;

private:
    u64 m_saved;
};

}
