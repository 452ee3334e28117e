/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CONFIG_DISPLAY=y: the boot display. Its framebuffer is retyped from the root Reticle (whole
 * pages, zeroed) before any Task runs and handed to the platform, which makes the machine show
 * it; the mode comes from CONFIG_DISPLAY_WIDTH/HEIGHT. A machine without the display (QEMU run
 * without -device ramfb) boots without one: the platform says so before any memory is taken, the
 * console names why, and initd's Bundle has no "display" slot — an image may then run another
 * display, as desktop runs the virtio-gpu driver (docs/adr/0052-a-display-chosen-at-run-time.md).
 */

#include <vectra/Try.h>
#include <vectra/config.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Display.h>
#include <vectra/platform/Display.h>

namespace vectra::kernel {

ErrorOr<DisplayDevice*> create_boot_display(Reticle& root)
{
    if (auto present = platform::display_probe(); present.is_error()) {
        if (present.error().code() != ErrorCode::NotFound)
            return present.release_error();
        console_format("vectra: no boot display: {}", present.error().message());
        return static_cast<DisplayDevice*>(nullptr);
    }
    DisplayMode mode;
    mode.width = CONFIG_DISPLAY_WIDTH;
    mode.height = CONFIG_DISPLAY_HEIGHT;
    mode.stride = mode.width * 4;
    mode.format = PixelFormat::Xrgb8888;
    usize size = align_up(mode.size(), MemoryObject::page_granule);
    auto* framebuffer = static_cast<u8*>(TRY(root.try_retype(size, MemoryObject::page_granule)));
    for (usize index = 0; index < size; ++index)
        framebuffer[index] = 0;
    TRY(platform::display_start(framebuffer, mode));
    return TRY(root.try_create<DisplayDevice>(&root, framebuffer, mode));
}

void present_boot_display(Rectangle const& damage)
{
    platform::display_present(damage);
}

}
