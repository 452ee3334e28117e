/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/fat/FatError.h>
#include <vectra/fat/Layout.h>

namespace vectra::fat {

char const* fat_error_name(u16 code)
{
    switch (static_cast<FatError>(code)) {
    case FatError::NotFat32:
        return "not-fat32";
    case FatError::Corrupt:
        return "corrupt";
    case FatError::NoSpace:
        return "no-space";
    case FatError::NotFound:
        return "not-found";
    case FatError::Exists:
        return "exists";
    case FatError::NotDirectory:
        return "not-directory";
    case FatError::IsDirectory:
        return "is-directory";
    case FatError::NotEmpty:
        return "not-empty";
    case FatError::InvalidName:
        return "invalid-name";
    case FatError::Stale:
        return "stale";
    case FatError::TooLarge:
        return "too-large";
    case FatError::DeviceMismatch:
        return "device-mismatch";
    }
    return nullptr;
}

ErrorOr<Geometry> parse_boot_sector(std::span<u8 const> sector, u32 device_sector_size, u64 device_sector_count)
{
    if (sector.size() < 512)
        return Error(FatError::NotFat32, "boot sector shorter than 512 bytes");
    auto const* bytes = sector.data();
    if (bytes[510] != 0x55 || bytes[511] != 0xAA)
        return Error(FatError::NotFat32, "boot sector lacks the 0x55AA signature");
    if (bytes[0] != 0xEB && bytes[0] != 0xE9)
        return Error(FatError::NotFat32, "boot sector does not start with a jump");
    Geometry geometry;
    geometry.bytes_per_sector = read_u16(bytes + 11);
    geometry.sectors_per_cluster = bytes[13];
    geometry.reserved_sectors = read_u16(bytes + 14);
    geometry.fat_count = bytes[16];
    u32 root_entries = read_u16(bytes + 17);
    u32 total_sectors_16 = read_u16(bytes + 19);
    geometry.media = bytes[21];
    u32 sectors_per_fat_16 = read_u16(bytes + 22);
    u32 total_sectors_32 = read_u32(bytes + 32);
    geometry.sectors_per_fat = read_u32(bytes + 36);
    u32 version = read_u16(bytes + 42);
    geometry.root_cluster = read_u32(bytes + 44);
    geometry.fsinfo_sector = read_u16(bytes + 48);

    if (root_entries != 0 || sectors_per_fat_16 != 0 || geometry.sectors_per_fat == 0)
        return Error(FatError::NotFat32, "BPB describes FAT12/16 (root entries or 16-bit FAT size set)");
    if (geometry.bytes_per_sector != 512 && geometry.bytes_per_sector != 1024 && geometry.bytes_per_sector != 2048
        && geometry.bytes_per_sector != 4096)
        return Error(FatError::NotFat32, "bytes per sector is not 512, 1024, 2048 or 4096");
    if (geometry.bytes_per_sector != device_sector_size)
        return Error(FatError::DeviceMismatch, "BPB sector size differs from the device's");
    if (!is_power_of_two(geometry.sectors_per_cluster) || geometry.cluster_bytes() > 64 * KiB)
        return Error(FatError::NotFat32, "sectors per cluster is not a power of two giving at most 64 KiB");
    if (geometry.reserved_sectors == 0)
        return Error(FatError::NotFat32, "no reserved sectors");
    if (geometry.fat_count < 1 || geometry.fat_count > 2)
        return Error(FatError::NotFat32, "FAT count is not 1 or 2");
    if (geometry.media != 0xF0 && geometry.media < 0xF8)
        return Error(FatError::NotFat32, "media byte is not F0 or F8-FF");
    if (version != 0)
        return Error(FatError::NotFat32, "FAT32 version is not 0.0");
    /* mkfs.fat fills the 16-bit count on small volumes; then the 32-bit one must be 0 or agree. */
    if (total_sectors_16 != 0 && total_sectors_32 != 0 && total_sectors_16 != total_sectors_32)
        return Error(FatError::NotFat32, "16- and 32-bit total sector counts disagree");
    geometry.total_sectors = total_sectors_16 != 0 ? total_sectors_16 : total_sectors_32;
    if (geometry.total_sectors > device_sector_count)
        return Error(FatError::DeviceMismatch, "volume is larger than its device");
    if (geometry.fsinfo_sector == 0 || geometry.fsinfo_sector >= geometry.reserved_sectors)
        return Error(FatError::NotFat32, "FSInfo sector is not inside the reserved region");
    geometry.first_data_sector = geometry.reserved_sectors + u64(geometry.fat_count) * geometry.sectors_per_fat;
    if (geometry.first_data_sector >= geometry.total_sectors)
        return Error(FatError::NotFat32, "FATs leave no data region");
    u64 clusters = (geometry.total_sectors - geometry.first_data_sector) / geometry.sectors_per_cluster;
    if (clusters == 0)
        return Error(FatError::NotFat32, "data region holds no cluster");
    if (clusters > 0x0FFFFFF5)
        return Error(FatError::NotFat32, "more clusters than FAT32 can number");
    if (u64(geometry.sectors_per_fat) * geometry.bytes_per_sector / 4 < clusters + 2)
        return Error(FatError::NotFat32, "FAT is too small for the data region");
    geometry.cluster_count = u32(clusters);
    if (!geometry.is_data_cluster(geometry.root_cluster))
        return Error(FatError::NotFat32, "root cluster out of range");
    return geometry;
}

ErrorOr<FsInfo> parse_fsinfo(std::span<u8 const> sector)
{
    if (sector.size() < 512)
        return Error(FatError::NotFat32, "FSInfo sector shorter than 512 bytes");
    auto const* bytes = sector.data();
    if (read_u32(bytes) != 0x41615252 || read_u32(bytes + 484) != 0x61417272 || read_u32(bytes + 508) != 0xAA550000)
        return Error(FatError::NotFat32, "FSInfo signatures missing");
    return FsInfo { read_u32(bytes + 488), read_u32(bytes + 492) };
}

void write_fsinfo(std::span<u8> sector, FsInfo info)
{
    write_u32(sector.data() + 488, info.free_count);
    write_u32(sector.data() + 492, info.next_free);
}

ShortEntry decode_short_entry(std::span<u8 const, directory_entry_size> bytes)
{
    ShortEntry entry;
    memcpy(entry.name.data(), bytes.data(), 11);
    entry.attributes = bytes[11];
    entry.case_flags = bytes[12];
    entry.created_centiseconds = bytes[13];
    entry.created_time = read_u16(&bytes[14]);
    entry.created_date = read_u16(&bytes[16]);
    entry.accessed_date = read_u16(&bytes[18]);
    entry.first_cluster = (u32(read_u16(&bytes[20])) << 16 | read_u16(&bytes[26])) & fat_entry_mask;
    entry.modified_time = read_u16(&bytes[22]);
    entry.modified_date = read_u16(&bytes[24]);
    entry.size = read_u32(&bytes[28]);
    return entry;
}

void encode_short_entry(std::span<u8, directory_entry_size> bytes, ShortEntry const& entry)
{
    memcpy(bytes.data(), entry.name.data(), 11);
    bytes[11] = entry.attributes;
    bytes[12] = entry.case_flags;
    bytes[13] = entry.created_centiseconds;
    write_u16(&bytes[14], entry.created_time);
    write_u16(&bytes[16], entry.created_date);
    write_u16(&bytes[18], entry.accessed_date);
    write_u16(&bytes[20], u16(entry.first_cluster >> 16));
    write_u16(&bytes[22], entry.modified_time);
    write_u16(&bytes[24], entry.modified_date);
    write_u16(&bytes[26], u16(entry.first_cluster));
    write_u32(&bytes[28], entry.size);
}

/* The 13 UTF-16 units of a long-name entry sit at these byte offsets. */
static constexpr u8 unit_offsets[long_name_units_per_entry] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

LongEntry decode_long_entry(std::span<u8 const, directory_entry_size> bytes)
{
    LongEntry entry;
    entry.sequence = bytes[0];
    entry.checksum = bytes[13];
    for (u32 index = 0; index < long_name_units_per_entry; ++index)
        entry.units[index] = read_u16(&bytes[unit_offsets[index]]);
    u32 number = entry.sequence & ~u32(long_name_last);
    entry.well_formed = bytes[11] == attribute_long_name && bytes[12] == 0 && read_u16(&bytes[26]) == 0 && number >= 1
        && number <= maximum_long_name_entries && (entry.sequence & 0x80) == 0;
    return entry;
}

void encode_long_entry(std::span<u8, directory_entry_size> bytes, LongEntry const& entry)
{
    memset(bytes.data(), 0, directory_entry_size);
    bytes[0] = entry.sequence;
    bytes[11] = attribute_long_name;
    bytes[13] = entry.checksum;
    for (u32 index = 0; index < long_name_units_per_entry; ++index)
        write_u16(&bytes[unit_offsets[index]], entry.units[index]);
}

u8 short_name_checksum(ShortName const& name)
{
    u8 sum = 0;
    for (u8 byte : name)
        sum = u8(((sum & 1) << 7) + (sum >> 1) + byte);
    return sum;
}

}
