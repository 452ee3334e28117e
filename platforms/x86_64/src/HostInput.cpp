/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * No window here: the keyboard and mouse are virtio-input functions a driver Task holds as
 * PciDeviceCaps (ADR 0040); the kernel makes no host-input capability.
 */

#include <vectra/platform/HostInput.h>

namespace vectra::platform {

bool host_input_present() { return false; }

HostInputInfo host_input_info() { return {}; }

usize host_input_drain(std::span<HostInputEvent>) { return 0; }

u32 host_input_line() { return ~u32(0); }

}
