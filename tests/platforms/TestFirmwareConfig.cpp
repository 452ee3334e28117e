/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * fw_cfg and ramfb (vectra/platform/FirmwareConfig.h): the directory parser on well-formed and
 * malformed bytes, the big-endian ramfb configuration, and the whole start-up against a fake
 * device that answers as QEMU does — and as a broken or hostile one might.
 */

#include "FakeFirmwareConfig.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

using namespace vectra;
using namespace vectra::platform;
using namespace vectra::platform::firmware_config;

namespace {

constexpr DisplayMode mode { 1024, 768, 4096, PixelFormat::Xrgb8888 };

template<typename Value>
ErrorCode code_of(ErrorOr<Value> const& result) { return result.is_error() ? result.error().code() : ErrorCode::None; }

test::FakeFirmwareConfig qemu_like()
{
    test::FakeFirmwareConfig device;
    device.add_file("bootorder", 0, 0x0020);
    device.add_file("etc/acpi/tables", 131072, 0x0021);
    device.add_file("etc/ramfb", 28, 0x0025);
    device.add_file("etc/table-loader", 4096, 0x0026);
    return device;
}

}

TEST_CASE("the file directory is searched by exact name, fields read big-endian")
{
    auto device = qemu_like();
    auto file = find_file(device.directory, "etc/ramfb");
    REQUIRE_FALSE(file.is_error());
    CHECK(file.value().select == 0x0025);
    CHECK(file.value().size == 28);
    CHECK(find_file(device.directory, "etc/acpi/tables").value().size == 131072);
    CHECK(find_file(device.directory, "etc/ramf").error().code() == ErrorCode::NotFound);
    CHECK(find_file(device.directory, "etc/ramfb2").error().code() == ErrorCode::NotFound);
    CHECK(find_file(device.directory, "").error().code() == ErrorCode::InvalidArgument);
}

TEST_CASE("a malformed directory is refused, never read past its bytes")
{
    SECTION("shorter than its count")
    {
        std::vector<u8> bytes { 0, 0 };
        CHECK(find_file(bytes, "etc/ramfb").error().code() == ErrorCode::MalformedMessage);
    }
    SECTION("a count larger than the bytes: only whole entries present are searched")
    {
        auto device = qemu_like();
        write_big32(device.directory.data(), 100);
        CHECK_FALSE(find_file(device.directory, "etc/ramfb").is_error());
        device.directory.resize(4 + 2 * directory_entry_size + 10);
        CHECK(find_file(device.directory, "etc/ramfb").error().code() == ErrorCode::NotFound);
    }
    SECTION("an absurd count")
    {
        auto device = qemu_like();
        write_big32(device.directory.data(), 0xffff'ffff);
        CHECK(find_file(device.directory, "etc/ramfb").error().code() == ErrorCode::MalformedMessage);
    }
    SECTION("a name without its NUL")
    {
        auto device = qemu_like();
        std::memset(device.directory.data() + 4 + 8, 'x', file_name_size);
        CHECK(find_file(device.directory, "etc/ramfb").error().code() == ErrorCode::MalformedMessage);
    }
    SECTION("a file whose selector lies among the fixed items")
    {
        test::FakeFirmwareConfig device;
        device.add_file("etc/ramfb", 28, 0x0001);
        CHECK(find_file(device.directory, "etc/ramfb").error().code() == ErrorCode::MalformedMessage);
    }
}

TEST_CASE("the ramfb configuration is 28 big-endian bytes: address, XR24, flags, width, height, stride")
{
    /* DRM's fourcc 'XR24' is 'X' | 'R' << 8 | '2' << 16 | '4' << 24; big-endian it reads "42RX". */
    u8 bytes[ramfb_configuration_size] {};
    REQUIRE_FALSE(encode_ramfb(bytes, 0x1234'5678'9abc'd000, mode).is_error());
    u8 const expected[ramfb_configuration_size] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xd0, 0x00, '4', '2', 'R', 'X', 0, 0,
        0, 0, 0, 0, 0x04, 0x00, 0, 0, 0x03, 0x00, 0, 0, 0x10, 0x00 };
    CHECK(std::memcmp(bytes, expected, sizeof(bytes)) == 0);
    DisplayMode narrow_stride { 1024, 768, 4000, PixelFormat::Xrgb8888 };
    CHECK(encode_ramfb(bytes, 0, narrow_stride).error().code() == ErrorCode::InvalidArgument);
    DisplayMode empty { 0, 768, 4096, PixelFormat::Xrgb8888 };
    CHECK(encode_ramfb(bytes, 0, empty).error().code() == ErrorCode::InvalidArgument);
    DisplayMode no_format { 1024, 768, 4096, PixelFormat::None };
    CHECK(encode_ramfb(bytes, 0, no_format).error().code() == ErrorCode::Unsupported);
}

TEST_CASE("ramfb starts against a QEMU-like device: one DMA write of the configuration to etc/ramfb")
{
    auto device = qemu_like();
    alignas(4096) static u8 framebuffer[4096];
    REQUIRE_FALSE(start_ramfb(device, framebuffer, mode).is_error());
    CHECK(device.written_select == 0x0025);
    REQUIRE(device.written.size() == ramfb_configuration_size);
    u8 expected[ramfb_configuration_size] {};
    REQUIRE_FALSE(encode_ramfb(expected, reinterpret_cast<uptr>(framebuffer), mode).is_error());
    CHECK(std::memcmp(device.written.data(), expected, sizeof(expected)) == 0);
}

TEST_CASE("the probe finds etc/ramfb without writing: NotFound only for a machine without it (ADR 0052)")
{
    auto present = qemu_like();
    auto found = find_ramfb(present);
    REQUIRE_FALSE(found.is_error());
    CHECK(found.value() == 0x0025);
    CHECK(present.written.empty());

    /* The boot goes on without a display only on NotFound: no ramfb, or no QEMU fw_cfg at all. */
    test::FakeFirmwareConfig without;
    without.add_file("bootorder", 0, 0x0020);
    auto absent = find_ramfb(without);
    CHECK(code_of(absent) == ErrorCode::NotFound);
    CHECK(std::string_view(absent.error().message()) == "ramfb: no etc/ramfb in fw_cfg (run QEMU with -device ramfb)");
    auto other = qemu_like();
    std::memcpy(other.signature, "BOCH", 4);
    CHECK(code_of(find_ramfb(other)) == ErrorCode::NotFound);

    /* A machine that has the device but answers wrongly still stops the boot: never NotFound. */
    test::FakeFirmwareConfig wrong_size;
    wrong_size.add_file("etc/ramfb", 24, 0x0025);
    CHECK(code_of(find_ramfb(wrong_size)) == ErrorCode::MalformedMessage);
    auto failing = qemu_like();
    failing.fail_dma = true;
    CHECK(code_of(find_ramfb(failing)) == ErrorCode::Unsupported);
    auto no_dma = qemu_like();
    no_dma.features = 0x1;
    CHECK(code_of(find_ramfb(no_dma)) == ErrorCode::Unsupported);
}

TEST_CASE("ramfb refuses a device that is not QEMU's, lacks DMA, ramfb, or fails its transfers")
{
    alignas(4096) static u8 framebuffer[4096];
    SECTION("another signature")
    {
        auto device = qemu_like();
        std::memcpy(device.signature, "BOCH", 4);
        CHECK(code_of(start_ramfb(device, framebuffer, mode)) == ErrorCode::NotFound);
        CHECK(device.dma_count == 0);
    }
    SECTION("no DMA interface")
    {
        auto device = qemu_like();
        device.features = 0x1;
        CHECK(code_of(start_ramfb(device, framebuffer, mode)) == ErrorCode::Unsupported);
    }
    SECTION("no etc/ramfb: QEMU ran without -device ramfb")
    {
        test::FakeFirmwareConfig device;
        device.add_file("bootorder", 0, 0x0020);
        auto result = start_ramfb(device, framebuffer, mode);
        CHECK(code_of(result) == ErrorCode::NotFound);
        CHECK(std::string_view(result.error().message()).find("-device ramfb") != std::string_view::npos);
        CHECK(device.written.empty());
    }
    SECTION("etc/ramfb of another size")
    {
        test::FakeFirmwareConfig device;
        device.add_file("etc/ramfb", 24, 0x0025);
        CHECK(code_of(start_ramfb(device, framebuffer, mode)) == ErrorCode::MalformedMessage);
        CHECK(device.written.empty());
    }
    SECTION("the device reports a DMA error")
    {
        auto device = qemu_like();
        device.fail_dma = true;
        CHECK(code_of(start_ramfb(device, framebuffer, mode)) == ErrorCode::Unsupported);
    }
    SECTION("the device never completes a transfer")
    {
        auto device = qemu_like();
        device.never_complete = true;
        CHECK(code_of(start_ramfb(device, framebuffer, mode)) == ErrorCode::TimedOut);
    }
}
