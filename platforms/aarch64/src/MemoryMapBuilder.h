/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The pure half of machine discovery: what a device tree says about RAM, reservations and PSCI,
 * and the free-memory map made from it. No hardware and no image symbols, so host tests compile
 * it (tests/platforms/aarch64.cmake).
 */

#pragma once

#include "Machine.h"
#include "Power.h"
#include <vectra/Error.h>
#include <vectra/platform/aarch64/DeviceTree.h>

namespace vectra::platform::aarch64::memory_map {

/*
 * A fixed-capacity list of [base, end) ranges. Additions past capacity are dropped and
 * noted: losing free RAM is safe, losing a reservation is not.
 */
struct RangeList {
    static constexpr usize capacity = 64;
    u64 bases[capacity] {};
    u64 ends[capacity] {};
    usize count { 0 };
    bool overflowed { false };

    void add(u64 base, u64 end)
    {
        if (end <= base)
            return;
        if (count == capacity) {
            overflowed = true;
            return;
        }
        bases[count] = base;
        ends[count] = end;
        ++count;
    }

    void add_sized(u64 base, u64 size)
    {
        u64 end = size > ~0ull - base ? ~0ull : base + size;
        add(base, end);
    }

    void remove_at(usize index)
    {
        for (usize later = index + 1; later < count; ++later) {
            bases[later - 1] = bases[later];
            ends[later - 1] = ends[later];
        }
        --count;
    }
};

struct DeviceTreeFacts {
    RangeList ram;
    RangeList reserved;
    bool has_psci_conduit { false };
    PsciConduit psci_conduit { PsciConduit::Hypervisor };
    /* QEMU's fw_cfg (compatible "qemu,fw-cfg-mmio"): the first address of its reg; 0 for none. */
    u64 firmware_config_base { 0 };
};

/* Reads the RAM (memory nodes), reservations (/memreserve/ and /reserved-memory), PSCI conduit and fw_cfg. */
[[nodiscard]] ErrorOr<void> read_facts(DeviceTree const&, DeviceTreeFacts&);

/*
 * The CPUs under /cpus (ADR 0020): each node with device_type "cpu" and a reg (its MPIDR
 * affinity, in /cpus's #address-cells: 1 or 2), in tree order, each affinity once. Those whose
 * status is not "okay" are left out; those whose enable-method is not "psci" are counted in
 * `not_psci` (nothing here can start them).
 */
struct ProcessorFacts {
    static constexpr usize capacity = 64;
    u64 affinities[capacity] {};
    usize count { 0 };
    usize left_out { 0 }; /* usable CPUs beyond capacity */
    usize not_psci { 0 };
};
[[nodiscard]] ErrorOr<void> read_processors(DeviceTree const&, ProcessorFacts&);

/* Removes [base, end) from every range of `list`, splitting ranges it cuts in two. */
void subtract(RangeList& list, u64 base, u64 end);

/* Free RAM minus the reservations (widened to pages), page-aligned, sorted: the kernel's map. */
void fill_memory_map(RangeList& free, RangeList const& reserved, MemoryMap& map);

}
