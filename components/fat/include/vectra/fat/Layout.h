/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <array>
#include <span>
#include <vectra/Error.h>

namespace vectra::fat {

/*
 * The on-disk layout of FAT32 (Microsoft's "FAT: General Overview of On-Disk Format" 1.03):
 * the boot sector's BIOS parameter block, FSInfo, FAT entries and 32-byte directory entries.
 * Every parser here takes bytes and a bound and refuses what does not fit; nothing trusts a
 * field it has not checked.
 */
struct Geometry {
    u32 bytes_per_sector { 0 };
    u32 sectors_per_cluster { 0 };
    u32 reserved_sectors { 0 };
    u32 fat_count { 0 };
    u32 sectors_per_fat { 0 };
    u64 total_sectors { 0 };
    u32 root_cluster { 0 };
    u32 fsinfo_sector { 0 };
    u64 first_data_sector { 0 };
    u32 cluster_count { 0 };
    u8 media { 0 };

    [[nodiscard]] u32 cluster_bytes() const { return bytes_per_sector * sectors_per_cluster; }
    [[nodiscard]] u64 cluster_sector(u32 cluster) const
    {
        return first_data_sector + u64(cluster - 2) * sectors_per_cluster;
    }
    [[nodiscard]] bool is_data_cluster(u32 cluster) const { return cluster >= 2 && cluster < cluster_count + 2; }
    [[nodiscard]] u64 fat_sector_of(u32 cluster) const
    {
        return reserved_sectors + (u64(cluster) * 4) / bytes_per_sector;
    }
    [[nodiscard]] u32 fat_offset_of(u32 cluster) const { return (cluster * 4) % bytes_per_sector; }
};

/* Checks the boot sector against FAT32's rules and the device it is on. */
[[nodiscard]] ErrorOr<Geometry> parse_boot_sector(
    std::span<u8 const> sector, u32 device_sector_size, u64 device_sector_count);

struct FsInfo {
    u32 free_count;
    u32 next_free;
};
[[nodiscard]] ErrorOr<FsInfo> parse_fsinfo(std::span<u8 const> sector);
void write_fsinfo(std::span<u8> sector, FsInfo);

/* FAT entries: 28 bits; the top four are reserved and kept as found. */
constexpr u32 fat_entry_mask = 0x0FFFFFFF;
constexpr u32 end_of_chain = 0x0FFFFFFF;
constexpr u32 bad_cluster = 0x0FFFFFF7;
[[nodiscard]] constexpr bool is_end_of_chain(u32 entry) { return (entry & fat_entry_mask) >= 0x0FFFFFF8; }

/* Directory entries. */
constexpr u32 directory_entry_size = 32;
constexpr u8 attribute_read_only = 0x01;
constexpr u8 attribute_hidden = 0x02;
constexpr u8 attribute_system = 0x04;
constexpr u8 attribute_volume_label = 0x08;
constexpr u8 attribute_directory = 0x10;
constexpr u8 attribute_archive = 0x20;
constexpr u8 attribute_long_name = 0x0F;
constexpr u8 entry_free = 0xE5;
constexpr u8 entry_end = 0x00;
constexpr u8 long_name_last = 0x40;
constexpr u32 long_name_units_per_entry = 13;
constexpr u32 maximum_long_name_units = 255;
constexpr u32 maximum_long_name_entries = 20;
/* Windows NT's case bits (byte 12): the base or extension is shown in lower case, no LFN needed. */
constexpr u8 case_lower_base = 0x08;
constexpr u8 case_lower_extension = 0x10;
/* A directory holds at most 65,536 entries (2 MiB): the bound of every directory walk. */
constexpr u32 maximum_directory_entries = 65536;
/* The largest file FAT32 records: 4 GiB - 1. */
constexpr u64 maximum_file_size = 0xFFFFFFFFull;

using ShortName = std::array<u8, 11>;

struct ShortEntry {
    ShortName name {};
    u8 attributes { 0 };
    u8 case_flags { 0 };
    u8 created_centiseconds { 0 };
    u16 created_time { 0 };
    u16 created_date { 0 };
    u16 accessed_date { 0 };
    u32 first_cluster { 0 };
    u16 modified_time { 0 };
    u16 modified_date { 0 };
    u32 size { 0 };

    [[nodiscard]] bool is_directory() const { return attributes & attribute_directory; }
};

[[nodiscard]] ShortEntry decode_short_entry(std::span<u8 const, directory_entry_size>);
void encode_short_entry(std::span<u8, directory_entry_size>, ShortEntry const&);

struct LongEntry {
    u8 sequence { 0 };
    u8 checksum { 0 };
    u16 units[long_name_units_per_entry] {};
    bool well_formed { false };
};
[[nodiscard]] LongEntry decode_long_entry(std::span<u8 const, directory_entry_size>);
void encode_long_entry(std::span<u8, directory_entry_size>, LongEntry const&);

[[nodiscard]] u8 short_name_checksum(ShortName const&);

[[nodiscard]] inline u16 read_u16(u8 const* bytes) { return u16(bytes[0] | (bytes[1] << 8)); }
[[nodiscard]] inline u32 read_u32(u8 const* bytes)
{
    return u32(bytes[0]) | (u32(bytes[1]) << 8) | (u32(bytes[2]) << 16) | (u32(bytes[3]) << 24);
}
inline void write_u16(u8* bytes, u16 value)
{
    bytes[0] = u8(value);
    bytes[1] = u8(value >> 8);
}
inline void write_u32(u8* bytes, u32 value)
{
    for (int index = 0; index < 4; ++index)
        bytes[index] = u8(value >> (8 * index));
}

}
