/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Modelled virtio-mmio slots (ADR 0025) for host tests and the kernel-call fuzz target: five
 * 512-byte windows in host memory, as QEMU virt lays them out, installed with
 * kernel::mmio_slots_install on the hosted platform's slot lines (84-91). The kernel's register
 * reads and writes land in the arrays, so a test reads back what it wrote (a window, not a
 * device) and sees the Status reset the kernel writes when a holder goes.
 *
 *   slot 0: virtio-rng (4), version 2, rising edge, line 84
 *   slot 1: empty (device id 0) — never offered
 *   slot 2: virtio-blk (2), version 2, level high, line 86
 *   slot 3: virtio-rng (4), version 1 (legacy), rising edge, line 87 — the second rng
 *   slot 4: a window without the virtio magic — never offered
 */

#pragma once

#include <span>
#include <vectra/kernel/MmioSlot.h>
#include <vectra/platform/hosted/IntxLines.h>

namespace vectra::test {

struct MmioSlotModel {
    static constexpr usize slot_count = 5;
    static constexpr usize words = 0x200 / 4;
    static constexpr u32 magic = 0x7472'6976;

    alignas(4096) u32 windows[slot_count][words] {};
    platform::MmioSlot slots[slot_count];

    /* Fills the windows as the devices come out of reset and installs them; returns how many the kernel kept. */
    usize install()
    {
        struct Identity {
            u32 magic;
            u32 version;
            u32 device_id;
            bool level;
        };
        constexpr Identity identities[slot_count] = {
            { magic, 2, 4, false },
            { magic, 2, 0, false },
            { magic, 2, 2, true },
            { magic, 1, 4, false },
            { 0x1234'5678, 2, 4, false },
        };
        for (usize index = 0; index < slot_count; ++index) {
            for (auto& word : windows[index])
                word = 0;
            windows[index][0] = identities[index].magic;
            windows[index][1] = identities[index].version;
            windows[index][2] = identities[index].device_id;
            slots[index] = { reinterpret_cast<u64>(&windows[index][0]), 0x200,
                platform::hosted::first_slot_line + static_cast<u32>(index), identities[index].level };
        }
        return kernel::mmio_slots_install(std::span<platform::MmioSlot const>(slots, slot_count));
    }

    u32 reg(usize slot, u64 offset) const { return windows[slot][offset / 4]; }
    u32 status(usize slot) const { return reg(slot, kernel::mmio_slot_status); }
    static u32 line(usize slot) { return platform::hosted::first_slot_line + static_cast<u32>(slot); }
};

}
