/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Which GIC a device tree describes (ADR 0027): the root's child node marked
 * `interrupt-controller` and compatible with a GICv2 ("arm,cortex-a15-gic", "arm,gic-400",
 * "arm,cortex-a9-gic") or a GICv3 ("arm,gic-v3"; Linux's
 * Documentation/devicetree/bindings/interrupt-controller/arm,gic-v3.yaml). GICv2: `reg` holds
 * the distributor and the CPU interface. GICv3: `reg` holds the distributor, then
 * `#redistributor-regions` (1 when absent) redistributor regions, then optional windows this
 * platform does not use (GICC, GICH, GICV); `redistributor-stride` (one or two cells), when
 * present, is the distance between two CPUs' redistributors (else each redistributor's
 * GICR_TYPER says: 128 KiB, or 256 KiB with virtual LPIs). A child compatible with
 * "arm,gic-v3-its" is noted (this platform does not drive it: ADR 0027). Windows are in the
 * root's cells. Compiled for the host too (tests/platforms/TestGicDescription.cpp,
 * tests/fuzz/FuzzDeviceTree.cpp).
 */

#pragma once

#include <vectra/Error.h>
#include <vectra/platform/aarch64/DeviceTree.h>

namespace vectra::platform::aarch64 {

struct GicWindow {
    u64 base { 0 };
    u64 size { 0 };
};

struct GicDescription {
    static constexpr u32 redistributor_region_capacity = 8;
    static constexpr u64 frame_size = 64 * KiB;
    /* The smallest redistributor: its RD_base and SGI_base frames. */
    static constexpr u64 minimum_redistributor_size = 2 * frame_size;

    u32 version { 0 }; /* 2 or 3 */
    GicWindow distributor;
    GicWindow cpu_interface; /* GICv2 only */
    GicWindow redistributor_regions[redistributor_region_capacity]; /* GICv3 only */
    u32 redistributor_region_count { 0 };
    u64 redistributor_stride { 0 }; /* 0: each redistributor's GICR_TYPER decides */
    bool has_its { false };
};

/*
 * Fills `description` and returns true, or returns false when the tree has no GIC node this
 * platform knows. Refused as MalformedMessage, with a sentence: two GIC nodes; root cells that
 * are not 1 or 2; a `reg` that is not whole windows or has fewer than the windows its version
 * needs; `#redistributor-regions` of 0 or more than the capacity; a window that is empty,
 * wraps, is not 64 KiB aligned, or overlaps another; a distributor smaller than 64 KiB, a GICv2
 * CPU interface smaller than 8 KiB, a redistributor region smaller than 128 KiB; a
 * `redistributor-stride` that is not a multiple of 64 KiB or below 128 KiB.
 */
[[nodiscard]] ErrorOr<bool> read_gic_description(DeviceTree const&, GicDescription&);

}
