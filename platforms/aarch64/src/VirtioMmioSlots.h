/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio-mmio slots of a device tree (ADR 0025): every node compatible with "virtio,mmio"
 * (Linux's Documentation/devicetree/bindings/virtio/mmio.yaml; QEMU virt writes 32 of them,
 * 512 bytes apart from 0x0a000000, SPIs 16-47, edge-triggered) whose `status` is absent or
 * "okay": its register window (`reg`, one window in the root's cells) and its interrupt
 * (`interrupts`, one GIC specifier of three cells: type 0 = SPI, number, flags, for the node's
 * `interrupt-parent`, else the root's, which must name a node of three interrupt cells). A slot says
 * nothing about what sits in it; the device id is read from the window. Compiled for the host
 * too (tests/platforms/TestVirtioMmioSlots.cpp, tests/fuzz/FuzzDeviceTree.cpp).
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/platform/aarch64/DeviceTree.h>

namespace vectra::platform::aarch64 {

struct VirtioMmioSlot {
    static constexpr u64 minimum_size = 0x100; /* the version 2 registers; configuration space follows */
    static constexpr u64 maximum_size = 0x1000;

    u64 base { 0 };
    u64 size { 0 };
    u32 intid { 0 }; /* the GIC INTID: 32 + the SPI number */
    bool level { false }; /* level-high when true, rising edge when false */
};

/*
 * Fills `slots` in tree order and returns how many it filled; slots past its capacity are
 * dropped. Refused as MalformedMessage (the whole tree, so no half-read set of slots is
 * offered): root cells that are not 1 or 2; a `reg` that is not exactly one window, a window
 * smaller than minimum_size or larger than maximum_size, not 4-byte aligned, or wrapping; two
 * windows that overlap (two holders would reach one device); an `interrupts` that is missing,
 * not three cells, not an SPI, an SPI past INTID 1019, or a trigger other than rising edge (1)
 * or level high (4) — the only ones a GIC SPI has; no interrupt parent, a phandle no node has,
 * or a parent whose #interrupt-cells is not 3.
 */
[[nodiscard]] ErrorOr<usize> read_virtio_mmio_slots(DeviceTree const&, std::span<VirtioMmioSlot> slots);

}
