/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fw_cfg's file directory and the ramfb start-up on any bytes: the input is the directory a
 * (hostile) device answers with. Nothing may read out of bounds or loop; a write may only go to
 * a selector the directory named for etc/ramfb, with exactly the 28-byte configuration. The boot's
 * probe (find_ramfb, ADR 0052) never writes, and agrees with the start-up on whether etc/ramfb is there.
 */

#include "../platforms/FakeFirmwareConfig.h"
#include <cstdlib>

using namespace vectra;
using namespace vectra::platform::firmware_config;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    std::span<u8 const> bytes(data, size);
    (void)find_file(bytes, "etc/ramfb");
    (void)find_file(bytes, "bootorder");

    test::FakeFirmwareConfig probed;
    probed.directory.assign(data, data + size);
    auto found = find_ramfb(probed);
    if (!probed.written.empty())
        std::abort();

    test::FakeFirmwareConfig device;
    device.directory.assign(data, data + size);
    alignas(4096) static u8 framebuffer[4096];
    DisplayMode mode { 1024, 768, 4096, PixelFormat::Xrgb8888 };
    auto started = start_ramfb(device, framebuffer, mode);
    if (!started.is_error()) {
        /* The directory as the device served it (zeros past its end) named etc/ramfb there, 28 bytes long. */
        static u8 served[directory_capacity];
        for (usize index = 0; index < directory_capacity; ++index)
            served[index] = index < size ? data[index] : 0;
        auto file = find_file(served, "etc/ramfb");
        if (file.is_error() || file.value().select != device.written_select || device.written.size() != 28)
            std::abort();
        if (found.is_error() || found.value() != device.written_select)
            std::abort();
    } else if (!device.written.empty()) {
        std::abort();
    } else if (!found.is_error() && started.error().code() != ErrorCode::Unsupported && started.error().code() != ErrorCode::TimedOut) {
        std::abort(); /* the probe found it, so only the configuration's own write may have failed */
    }
    return 0;
}
