/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * QEMU's firmware configuration device (fw_cfg) and the ramfb display behind it, shared by the
 * x86_64 (I/O ports 0x510/0x514) and aarch64 (MMIO, `qemu,fw-cfg-mmio`) platforms. Each
 * platform supplies a transport (select + read a few bytes, and one DMA access); everything
 * that interprets bytes is here, header-only, so a host test and a fuzz target run the same code.
 *
 * The device's answers are untrusted input: the file directory is read into a bounded buffer
 * and every field is checked before use (a count larger than the bytes, a name without its NUL,
 * a file too small for its purpose are errors). Every multi-byte field of fw_cfg is big-endian
 * except the ID and signature items, which the traditional interface reads byte by byte.
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Error.h>
#include <vectra/Try.h>
#include <vectra/Types.h>
#include <vectra/platform/Display.h>

namespace vectra::platform::firmware_config {

/* Items (selector keys). */
constexpr u16 signature_key = 0x0000;
constexpr u16 id_key = 0x0001;
constexpr u16 file_directory_key = 0x0019;
/* FW_CFG_ID bit 1: the DMA interface exists. */
constexpr u32 id_dma = 1u << 1;

/* A directory entry: be32 size, be16 select, be16 reserved, char name[56]. */
constexpr usize directory_entry_size = 64;
constexpr usize file_name_size = 56;

/* DMA access control bits; the selector goes into the high 16 bits with `select`. */
constexpr u32 dma_error = 1u << 0;
constexpr u32 dma_read = 1u << 1;
constexpr u32 dma_skip = 1u << 2;
constexpr u32 dma_select = 1u << 3;
constexpr u32 dma_write = 1u << 4;

[[nodiscard]] constexpr u16 swap16(u16 value) { return static_cast<u16>((value >> 8) | (value << 8)); }
[[nodiscard]] constexpr u32 swap32(u32 value) { return __builtin_bswap32(value); }
[[nodiscard]] constexpr u64 swap64(u64 value) { return __builtin_bswap64(value); }

[[nodiscard]] inline u32 read_big32(u8 const* bytes)
{
    return (u32(bytes[0]) << 24) | (u32(bytes[1]) << 16) | (u32(bytes[2]) << 8) | u32(bytes[3]);
}

inline void write_big32(u8* bytes, u32 value)
{
    for (usize index = 0; index < 4; ++index)
        bytes[index] = static_cast<u8>(value >> (24 - 8 * index));
}

inline void write_big64(u8* bytes, u64 value)
{
    write_big32(bytes, static_cast<u32>(value >> 32));
    write_big32(bytes + 4, static_cast<u32>(value));
}

/* The DMA access descriptor the device reads (and updates: control becomes 0, or has `dma_error`). */
struct alignas(16) DmaAccess {
    u32 control_big_endian { 0 };
    u32 length_big_endian { 0 };
    u64 address_big_endian { 0 };
};
static_assert(sizeof(DmaAccess) == 16);

struct File {
    u16 select { 0 };
    u32 size { 0 };
};

/*
 * Finds `name` in a file directory as read from `file_directory_key`: be32 count, then `count`
 * entries. `directory` holds the bytes actually read (possibly fewer than the count needs, when
 * the caller's buffer was smaller): entries beyond them are not searched, and a count that
 * claims more than `maximum_entries` is refused as malformed.
 */
[[nodiscard]] inline ErrorOr<File> find_file(std::span<u8 const> directory, std::string_view name,
    u32 maximum_entries = 4096)
{
    if (directory.size() < 4)
        return Error(ErrorCode::MalformedMessage, "fw_cfg: the file directory is shorter than its count");
    if (name.empty() || name.size() >= file_name_size)
        return Error(ErrorCode::InvalidArgument, "fw_cfg: a file name is 1 to 55 bytes");
    u32 count = read_big32(directory.data());
    if (count > maximum_entries)
        return Error(ErrorCode::MalformedMessage, "fw_cfg: the file directory claims too many entries");
    usize available = (directory.size() - 4) / directory_entry_size;
    usize entries = count < available ? count : available;
    for (usize index = 0; index < entries; ++index) {
        u8 const* entry = directory.data() + 4 + index * directory_entry_size;
        char const* entry_name = reinterpret_cast<char const*>(entry + 8);
        usize length = 0;
        while (length < file_name_size && entry_name[length] != '\0')
            ++length;
        if (length == file_name_size)
            return Error(ErrorCode::MalformedMessage, "fw_cfg: a file name in the directory has no terminating NUL");
        if (std::string_view(entry_name, length) != name)
            continue;
        File file;
        file.size = read_big32(entry);
        file.select = static_cast<u16>((u16(entry[4]) << 8) | entry[5]);
        if (file.select < 0x0020)
            return Error(ErrorCode::MalformedMessage, "fw_cfg: a file's selector lies among the fixed items");
        return file;
    }
    return Error(ErrorCode::NotFound, "fw_cfg: no such file in the directory");
}

/* DRM_FORMAT_XRGB8888, fourcc 'XR24'. */
constexpr u32 fourcc_xrgb8888 = 0x3432'5258;
constexpr usize ramfb_configuration_size = 28;

/* etc/ramfb's payload: be64 address, be32 fourcc, flags, width, height, stride. */
[[nodiscard]] inline ErrorOr<void> encode_ramfb(std::span<u8, ramfb_configuration_size> into, u64 address,
    DisplayMode const& mode)
{
    if (mode.format != PixelFormat::Xrgb8888)
        return Error(ErrorCode::Unsupported, "ramfb: only XRGB8888 is supported");
    if (mode.width == 0 || mode.height == 0 || mode.stride < mode.width * 4)
        return Error(ErrorCode::InvalidArgument, "ramfb: the mode is empty or its stride too small");
    write_big64(into.data(), address);
    write_big32(into.data() + 8, fourcc_xrgb8888);
    write_big32(into.data() + 12, 0);
    write_big32(into.data() + 16, mode.width);
    write_big32(into.data() + 20, mode.height);
    write_big32(into.data() + 24, mode.stride);
    return {};
}

/*
 * What a platform provides: `read_item` selects a fixed item and reads `into.size()` bytes of
 * it through the traditional (byte) interface; `dma` hands the device one access descriptor
 * (at its physical address, which is its address here: both platforms identity-map RAM) and
 * returns once the device finished with it.
 */
template<typename Transport>
concept FirmwareConfigTransport = requires(Transport transport, u16 key, std::span<u8> into, DmaAccess& access)
{
    transport.read_item(key, into);
    transport.dma(access);
};

/* Is this QEMU's fw_cfg with the DMA interface? */
template<FirmwareConfigTransport Transport>
[[nodiscard]] ErrorOr<void> probe(Transport& transport)
{
    u8 signature[4] {};
    transport.read_item(signature_key, signature);
    if (std::string_view(reinterpret_cast<char const*>(signature), 4) != "QEMU")
        return Error(ErrorCode::NotFound, "fw_cfg: no QEMU firmware configuration device");
    u8 id[4] {};
    transport.read_item(id_key, id);
    u32 features = u32(id[0]) | (u32(id[1]) << 8) | (u32(id[2]) << 16) | (u32(id[3]) << 24);
    if ((features & id_dma) == 0)
        return Error(ErrorCode::Unsupported, "fw_cfg: the device has no DMA interface");
    return {};
}

/* One DMA transfer: select `key`, then read into or write from `bytes`. */
template<FirmwareConfigTransport Transport>
[[nodiscard]] ErrorOr<void> transfer(Transport& transport, u16 key, std::span<u8> bytes, bool write)
{
    DmaAccess access;
    access.control_big_endian = swap32((u32(key) << 16) | dma_select | (write ? dma_write : dma_read));
    access.length_big_endian = swap32(static_cast<u32>(bytes.size()));
    access.address_big_endian = swap64(reinterpret_cast<uptr>(bytes.data()));
    transport.dma(access);
    /* QEMU finishes the transfer inside the register write; a real device may take a moment. */
    u32 control = 0;
    for (u32 attempt = 0; attempt < 1'000'000; ++attempt) {
        control = swap32(__atomic_load_n(&access.control_big_endian, __ATOMIC_ACQUIRE));
        if ((control & ~dma_error) == 0)
            break;
    }
    if ((control & dma_error) != 0)
        return Error(ErrorCode::Unsupported, "fw_cfg: the device refused a DMA transfer");
    if (control != 0)
        return Error(ErrorCode::TimedOut, "fw_cfg: a DMA transfer did not complete");
    return {};
}

/* Enough directory for QEMU's usual few dozen files (64 bytes each). */
constexpr usize directory_capacity = 4 + 128 * directory_entry_size;

/*
 * Finds etc/ramfb: its selector. NotFound when the machine has none (no fw_cfg device, or QEMU ran
 * without -device ramfb): the boot then goes on without a boot display (ADR 0052).
 */
template<FirmwareConfigTransport Transport>
[[nodiscard]] ErrorOr<u16> find_ramfb(Transport& transport)
{
    TRY(probe(transport));
    alignas(8) static u8 directory[directory_capacity];
    TRY(transfer(transport, file_directory_key, std::span<u8>(directory, directory_capacity), false));
    auto file = find_file(directory, "etc/ramfb");
    if (file.is_error()) {
        if (file.error().code() == ErrorCode::NotFound)
            return Error(ErrorCode::NotFound, "ramfb: no etc/ramfb in fw_cfg (run QEMU with -device ramfb)");
        return file.release_error();
    }
    if (file.value().size != ramfb_configuration_size)
        return Error(ErrorCode::MalformedMessage, "ramfb: etc/ramfb is not 28 bytes");
    return file.value().select;
}

/* Finds etc/ramfb and points it at `framebuffer`: from then on the device scans it out. */
template<FirmwareConfigTransport Transport>
[[nodiscard]] ErrorOr<void> start_ramfb(Transport& transport, u8* framebuffer, DisplayMode const& mode)
{
    u16 select = TRY(find_ramfb(transport));
    alignas(8) static u8 configuration[ramfb_configuration_size];
    TRY(encode_ramfb(std::span<u8, ramfb_configuration_size>(configuration), reinterpret_cast<uptr>(framebuffer), mode));
    return transfer(transport, select, std::span<u8>(configuration, ramfb_configuration_size), true);
}

}
