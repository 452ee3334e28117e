/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio PCI capability list (vectra/virtio/PciCapabilities.h).
 */

#include <vectra/Try.h>
#include <vectra/virtio/PciCapabilities.h>

namespace vectra::virtio {

namespace {

constexpr u16 status_register = 0x06;
constexpr u16 status_capabilities = 1u << 4;
constexpr u16 capabilities_pointer = 0x34;
constexpr u8 msix_capability = 0x11;
constexpr u8 vendor_specific = 0x09;
constexpr usize maximum_capabilities = 48;
constexpr u8 capability_length = 16;        /* struct virtio_pci_cap */
constexpr u8 notify_capability_length = 20; /* + notify_off_multiplier */

enum ConfigurationType : u8 {
    Common = 1,
    Notify = 2,
    Isr = 3,
    Device = 4,
};

Error malformed(char const* reason) { return Error(ErrorCode::MalformedMessage, reason); }

}

ErrorOr<PciLayout> read_pci_layout(ConfigRead const& config)
{
    PciLayout layout;
    if (!(TRY(config.read(status_register, 2)) & status_capabilities))
        return Error(ErrorCode::NotFound, "the function has no capability list");
    u16 pointer = static_cast<u16>(TRY(config.read(capabilities_pointer, 1)) & 0xfc);
    usize steps = 0;
    for (; pointer != 0; ++steps) {
        if (steps == maximum_capabilities)
            return malformed("the capability list does not end");
        if (pointer < 0x40 || pointer > 0xff - 3)
            return malformed("a capability lies outside the capability area");
        u32 header = TRY(config.read(pointer, 4));
        u8 id = static_cast<u8>(header);
        u16 next = static_cast<u16>((header >> 8) & 0xfc);
        u8 length = static_cast<u8>(header >> 16);
        u8 type = static_cast<u8>(header >> 24);
        if (id == msix_capability)
            layout.has_msix = true;
        if (id == vendor_specific && type >= Common && type <= Device) {
            if (length < capability_length || pointer + length > 0x100)
                return malformed("a virtio capability is shorter than its structure or runs past the header");
            PciRegion region;
            region.present = true;
            region.bar = static_cast<u8>(TRY(config.read(static_cast<u16>(pointer + 4), 1)));
            region.offset = TRY(config.read(static_cast<u16>(pointer + 8), 4));
            region.length = TRY(config.read(static_cast<u16>(pointer + 12), 4));
            if (region.bar > 5)
                return malformed("a virtio capability names a BAR past 5");
            if (region.offset + region.length < region.offset)
                return malformed("a virtio capability's region wraps");
            PciRegion* slot = type == Common ? &layout.common : type == Notify ? &layout.notify
                : type == Isr                                  ? &layout.isr
                                                               : &layout.device;
            if (!slot->present) {
                if (type == Notify) {
                    if (length < notify_capability_length)
                        return malformed("the notify capability has no offset multiplier");
                    layout.notify_offset_multiplier = TRY(config.read(static_cast<u16>(pointer + 16), 4));
                }
                *slot = region;
            }
        }
        pointer = next;
    }
    if (!layout.common.present || !layout.notify.present || !layout.isr.present)
        return Error(ErrorCode::NotFound, "the function lacks a common, notify or ISR capability (not a modern virtio device)");
    return layout;
}

}
