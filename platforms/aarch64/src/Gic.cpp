/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Which GIC driver runs (Gic.h): the one for the version the device tree describes.
 */

#include "Gic.h"
#include "GicDrivers.h"
#include "GicRegisters.h"
#include "Machine.h"
#include "MemoryMap.h"
#include "Processors.h"
#include <vectra/Panic.h>
#include <vectra/platform/ConsoleLine.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform::aarch64 {

namespace {

u32 s_version = 2;
u32 s_line_count = gic_first_shared_line;
/* Per CPU: which of its private lines (SGIs, PPIs) gic_enable_line left enabled. */
u32 s_private_lines_enabled[CONFIG_CPUS_MAX];

/* QEMU virt's GICv2, for a machine whose tree names no GIC (or could not be read). */
GicDescription fallback_description()
{
    GicDescription description;
    description.version = 2;
    description.distributor = { 0x0800'0000, 0x1'0000 };
    description.cpu_interface = { 0x0801'0000, 0x1'0000 };
    return description;
}

bool in_device_map(GicWindow const& window)
{
    return window.base >= device_map_start && window.base < device_map_end
        && window.size <= device_map_end - window.base;
}

/* The description to drive: the tree's when it names a GIC whose windows boot.S mapped. */
GicDescription choose_description()
{
    auto tree = device_tree();
    if (tree.is_error())
        return fallback_description();
    GicDescription description;
    auto found = read_gic_description(tree.value(), description);
    if (found.is_error()) {
        console_format("aarch64: {}; assuming QEMU virt's GICv2", found.error().message());
        return fallback_description();
    }
    if (!found.value())
        return fallback_description();
    bool mapped = in_device_map(description.distributor)
        && (description.version == 2 ? in_device_map(description.cpu_interface) : true);
    for (u32 region = 0; region < description.redistributor_region_count; ++region)
        mapped &= in_device_map(description.redistributor_regions[region]);
    if (!mapped)
        PANIC("aarch64: the device tree's GIC lies outside the device window boot.S maps");
    return description;
}

}

void gic_initialize()
{
    auto description = choose_description();
    s_version = description.version;
    if (s_version == 3) {
        s_line_count = gic_v3::initialize(description);
        console_format("aarch64: GICv3, distributor {:#x}, {} redistributor region{} from {:#x}, {} interrupt lines{}",
            description.distributor.base, description.redistributor_region_count,
            description.redistributor_region_count == 1 ? "" : "s", description.redistributor_regions[0].base,
            s_line_count, description.has_its ? "; ITS not used: MSI-X refused, INTx instead" : "");
    } else {
        s_line_count = gic_v2::initialize(description);
        console_format("aarch64: GICv2, distributor {:#x}, CPU interface {:#x}, {} interrupt lines",
            description.distributor.base, description.cpu_interface.base, s_line_count);
    }
}

void gic_initialize_secondary_cpu()
{
    if (s_version == 3)
        gic_v3::initialize_secondary_cpu();
    else
        gic_v2::initialize_secondary_cpu();
}

u32 gic_version() { return s_version; }

u64 gic_cpu_target() { return s_version == 3 ? gic_v3::cpu_target() : gic_v2::cpu_target(); }

void gic_send_software_interrupt(u32 line, u64 target)
{
    VERIFY(line < gic_software_line_count);
    if (s_version == 3)
        gic_v3::send_software_interrupt(line, target);
    else
        gic_v2::send_software_interrupt(line, target);
}

void gic_send_software_interrupt_to_self(u32 line)
{
    VERIFY(line < gic_software_line_count);
    if (s_version == 3)
        gic_v3::send_software_interrupt_to_self(line);
    else
        gic_v2::send_software_interrupt_to_self(line);
}

u32 gic_line_count() { return s_line_count; }

void gic_enable_line(u32 line)
{
    VERIFY(line < s_line_count);
    if (line < gic_first_shared_line)
        s_private_lines_enabled[this_processor().index] |= u32(1) << line;
    if (s_version == 3)
        gic_v3::enable_line(line);
    else
        gic_v2::enable_line(line);
}

bool gic_private_line_enabled(u32 line)
{
    VERIFY(line < gic_first_shared_line);
    return s_private_lines_enabled[this_processor().index] & (u32(1) << line);
}

void gic_disable_line(u32 line)
{
    VERIFY(line < s_line_count);
    if (line < gic_first_shared_line)
        s_private_lines_enabled[this_processor().index] &= ~(u32(1) << line);
    if (s_version == 3)
        gic_v3::disable_line(line);
    else
        gic_v2::disable_line(line);
}

void gic_set_level_triggered(u32 line)
{
    VERIFY(line >= gic_first_shared_line && line < s_line_count);
    if (s_version == 3)
        gic_v3::set_level_triggered(line);
    else
        gic_v2::set_level_triggered(line);
}

u32 gic_acknowledge() { return s_version == 3 ? gic_v3::acknowledge() : gic_v2::acknowledge(); }

void gic_end_of_interrupt(u32 acknowledged)
{
    if (s_version == 3)
        gic_v3::end_of_interrupt(acknowledged);
    else
        gic_v2::end_of_interrupt(acknowledged);
}

}

namespace vectra::platform {

void unmask_interrupt(u32 line) { aarch64::gic_enable_line(line); }

void mask_interrupt(u32 line) { aarch64::gic_disable_line(line); }

u32 software_interrupt_line() { return aarch64::software_interrupt_line_number; }

bool host_lines_raised() { return false; }

void deliver_host_lines() { }

void trigger_software_interrupt()
{
    aarch64::gic_send_software_interrupt_to_self(aarch64::software_interrupt_line_number);
}

}
