/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/Try.h>
#include <vectra/block/Crc32.h>
#include <vectra/block/Gpt.h>

namespace vectra::block::gpt {

namespace {

constexpr u8 signature[8] = { 'E', 'F', 'I', ' ', 'P', 'A', 'R', 'T' };
constexpr u32 revision_1_0 = 0x00010000;
constexpr u32 minimum_header_size = 92;
constexpr usize header_crc_offset = 16;

template<typename Integer>
Integer load(std::span<u8 const> bytes, usize offset)
{
    Integer value {};
    memcpy(&value, bytes.data() + offset, sizeof(Integer));
    return value;
}

Guid load_guid(std::span<u8 const> bytes, usize offset)
{
    Guid guid;
    memcpy(guid.bytes.data(), bytes.data() + offset, 16);
    return guid;
}

Error refused(GptError code, char const* why) { return Error(code, why); }

/* Blocks the entry array of `header` occupies. */
u64 entry_blocks(Header const& header, u32 block_size)
{
    u64 bytes = u64(header.entry_count) * header.entry_size;
    return (bytes + block_size - 1) / block_size;
}

struct Copy {
    Header header;
    char const* problem { nullptr };
};

/* Reads `header`'s entry array, checks its CRC, and (when `table`) collects the partitions in use. */
ErrorOr<void> read_entries(Disk& disk, Header const& header, Table* table)
{
    u32 block_size = disk.block_size();
    u8 buffer[maximum_block_size];
    std::span<u8> block(buffer, block_size);
    u64 remaining = u64(header.entry_count) * header.entry_size;
    u32 entries_per_block = block_size / header.entry_size;
    Crc32 crc;
    u32 entry = 0;
    for (u64 index = 0; remaining > 0; ++index) {
        TRY(disk.read_block(header.entries_block + index, block));
        u64 taken = remaining < block_size ? remaining : block_size;
        crc.update(std::span<u8 const>(buffer, taken));
        remaining -= taken;
        if (table == nullptr)
            continue;
        for (u32 slot = 0; slot < entries_per_block && entry < header.entry_count; ++slot, ++entry) {
            std::span<u8 const> bytes(buffer + usize(slot) * header.entry_size, 128);
            Partition partition;
            partition.type = load_guid(bytes, 0);
            if (partition.type.is_zero())
                continue;
            if (table->partition_count == maximum_partitions)
                return refused(GptError::TooManyPartitions, "more partitions in use than storaged keeps (32)");
            partition.entry = entry;
            partition.unique = load_guid(bytes, 16);
            partition.first_block = load<u64>(bytes, 32);
            partition.last_block = load<u64>(bytes, 40);
            partition.attributes = load<u64>(bytes, 48);
            for (usize unit = 0; unit < maximum_partition_name; ++unit) {
                u16 code = load<u16>(bytes, 56 + unit * 2);
                if (code == 0)
                    break;
                char character = (code >= 0x20 && code <= 0x7e) ? static_cast<char>(code) : '?';
                (void)partition.name.append(std::string_view(&character, 1));
            }
            table->partitions[table->partition_count++] = partition;
        }
    }
    if (crc.value() != header.entries_crc)
        return refused(GptError::NoValidHeader, "the partition entry array's CRC32 does not match its header");
    return {};
}

Copy read_copy(Disk& disk, u64 at, u64 expected_alternate)
{
    u8 buffer[maximum_block_size];
    std::span<u8> block(buffer, disk.block_size());
    Copy copy;
    if (disk.read_block(at, block).is_error()) {
        copy.problem = "the header block could not be read";
        return copy;
    }
    auto header = parse_header(block, at, disk.block_count());
    if (header.is_error()) {
        copy.problem = header.error().message();
        return copy;
    }
    copy.header = header.value();
    if (copy.header.alternate_block != expected_alternate) {
        copy.problem = "the header's alternate block is not the other header's place";
        return copy;
    }
    auto entries = read_entries(disk, copy.header, nullptr);
    if (entries.is_error())
        copy.problem = entries.error().message();
    return copy;
}

bool same_disk(Header const& one, Header const& other)
{
    return one.disk == other.disk && one.first_usable == other.first_usable && one.last_usable == other.last_usable
        && one.entry_count == other.entry_count && one.entry_size == other.entry_size
        && one.entries_crc == other.entries_crc;
}

}

bool Guid::is_zero() const
{
    for (u8 byte : bytes) {
        if (byte != 0)
            return false;
    }
    return true;
}

FixedString<36> Guid::text() const
{
    constexpr char digits[] = "0123456789ABCDEF";
    /* Data1 (4 bytes), Data2, Data3 little-endian; Data4 (8 bytes) as stored. */
    constexpr u8 order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
    FixedString<36> text;
    for (usize index = 0; index < 16; ++index) {
        if (index == 4 || index == 6 || index == 8 || index == 10)
            (void)text.append("-");
        u8 byte = bytes[order[index]];
        char pair[2] = { digits[byte >> 4], digits[byte & 15] };
        (void)text.append(std::string_view(pair, 2));
    }
    return text;
}

Partition const* Table::find(std::string_view name) const
{
    for (auto const& partition : used()) {
        if (partition.name.view() == name)
            return &partition;
    }
    return nullptr;
}

ErrorOr<void> check_protective_mbr(std::span<u8 const> block, u64 block_count)
{
    if (block.size() < 512 || block[510] != 0x55 || block[511] != 0xAA)
        return refused(GptError::NoProtectiveMbr, "block 0 has no MBR signature (0x55AA)");
    bool protective = false;
    for (usize index = 0; index < 4; ++index) {
        std::span<u8 const> entry = block.subspan(446 + index * 16, 16);
        u8 type = entry[4];
        u32 first = load<u32>(entry, 8);
        u32 count = load<u32>(entry, 12);
        if (type == 0 && first == 0 && count == 0)
            continue;
        if (type != 0xEE)
            return refused(GptError::NoProtectiveMbr, "the MBR has a partition other than the protective one (hybrid MBRs are refused)");
        if (protective)
            return refused(GptError::NoProtectiveMbr, "the MBR has two protective partitions");
        if (first != 1)
            return refused(GptError::NoProtectiveMbr, "the protective partition does not start at block 1");
        u64 expected = block_count - 1 > 0xFFFFFFFFu ? 0xFFFFFFFFu : block_count - 1;
        if (count != expected && count != 0xFFFFFFFFu)
            return refused(GptError::NoProtectiveMbr, "the protective partition does not cover the disk");
        protective = true;
    }
    if (!protective)
        return refused(GptError::NoProtectiveMbr, "the MBR has no protective (0xEE) partition");
    return {};
}

ErrorOr<Header> parse_header(std::span<u8 const> block, u64 at, u64 block_count)
{
    if (block.size() < 512 || block.size() > maximum_block_size)
        return refused(GptError::UnsupportedGeometry, "blocks must be 512 to 4096 bytes");
    if (memcmp(block.data(), signature, sizeof(signature)) != 0)
        return refused(GptError::NoValidHeader, "no \"EFI PART\" signature");
    if (load<u32>(block, 8) != revision_1_0)
        return refused(GptError::NoValidHeader, "the header's revision is not 1.0");
    u32 size = load<u32>(block, 12);
    if (size < minimum_header_size || size > block.size())
        return refused(GptError::NoValidHeader, "the header's size is below 92 bytes or beyond its block");
    u8 copy[maximum_block_size];
    memcpy(copy, block.data(), size);
    memset(copy + header_crc_offset, 0, 4);
    if (crc32(std::span<u8 const>(copy, size)) != load<u32>(block, header_crc_offset))
        return refused(GptError::NoValidHeader, "the header's CRC32 does not match");
    if (load<u32>(block, 20) != 0)
        return refused(GptError::NoValidHeader, "the header's reserved field is not zero");
    Header header;
    header.current_block = load<u64>(block, 24);
    header.alternate_block = load<u64>(block, 32);
    header.first_usable = load<u64>(block, 40);
    header.last_usable = load<u64>(block, 48);
    header.disk = load_guid(block, 56);
    header.entries_block = load<u64>(block, 72);
    header.entry_count = load<u32>(block, 80);
    header.entry_size = load<u32>(block, 84);
    header.entries_crc = load<u32>(block, 88);
    u64 last = block_count - 1;
    if (block_count < 3)
        return refused(GptError::UnsupportedGeometry, "the disk is too small for a GPT");
    if (header.current_block != at)
        return refused(GptError::NoValidHeader, "the header does not name the block it was found in");
    if (header.alternate_block == at || header.alternate_block > last)
        return refused(GptError::NoValidHeader, "the header's alternate block is itself or past the disk");
    if (header.entry_size < 128 || header.entry_size > block.size() || (header.entry_size & (header.entry_size - 1)) != 0)
        return refused(GptError::NoValidHeader, "the entry size is not 128 x 2^n within a block");
    if (header.entry_count == 0 || header.entry_count > maximum_entries)
        return refused(GptError::NoValidHeader, "the entry count is 0 or above 1024");
    if (header.first_usable > header.last_usable || header.first_usable < 2 || header.last_usable >= last)
        return refused(GptError::NoValidHeader, "the usable range is empty or overlaps a header");
    u64 blocks = entry_blocks(header, static_cast<u32>(block.size()));
    u64 entries_end = header.entries_block + blocks; /* exclusive */
    if (header.entries_block < 1 || header.entries_block == at || entries_end > last + 1 || entries_end < header.entries_block)
        return refused(GptError::NoValidHeader, "the entry array lies outside the disk or over its header");
    if (at < entries_end && at >= header.entries_block)
        return refused(GptError::NoValidHeader, "the entry array covers its own header");
    if (!(entries_end <= header.first_usable || header.entries_block > header.last_usable))
        return refused(GptError::NoValidHeader, "the entry array overlaps the usable range");
    return header;
}

ErrorOr<Table> read(Disk& disk)
{
    u32 block_size = disk.block_size();
    if (block_size < 512 || block_size > maximum_block_size || (block_size & (block_size - 1)) != 0)
        return refused(GptError::UnsupportedGeometry, "blocks must be 512, 1024, 2048 or 4096 bytes");
    u64 block_count = disk.block_count();
    if (block_count < 6)
        return refused(GptError::UnsupportedGeometry, "the disk is too small for a GPT");
    u64 last = block_count - 1;
    {
        u8 buffer[maximum_block_size];
        std::span<u8> block(buffer, block_size);
        TRY(disk.read_block(0, block));
        TRY(check_protective_mbr(block, block_count));
    }
    Copy primary = read_copy(disk, 1, last);
    Copy backup = read_copy(disk, last, 1);
    if (primary.problem && backup.problem)
        return refused(GptError::NoValidHeader, primary.problem);
    Table table;
    table.primary_problem = primary.problem;
    table.backup_problem = backup.problem;
    if (!primary.problem && !backup.problem && !same_disk(primary.header, backup.header))
        return refused(GptError::HeadersDisagree, "the primary and backup headers describe different tables");
    Header const& used = primary.problem ? backup.header : primary.header;
    table.disk = used.disk;
    table.first_usable = used.first_usable;
    table.last_usable = used.last_usable;
    TRY(read_entries(disk, used, &table));
    auto const partitions = table.used();
    for (usize index = 0; index < partitions.size(); ++index) {
        Partition const& one = partitions[index];
        if (one.first_block > one.last_block || one.first_block < used.first_usable || one.last_block > used.last_usable)
            return refused(GptError::PartitionOutsideUsable, "a partition is empty, reversed or outside the usable range");
        for (usize other = 0; other < index; ++other) {
            Partition const& two = partitions[other];
            if (one.first_block <= two.last_block && two.first_block <= one.last_block)
                return refused(GptError::PartitionsOverlap, "two partitions share blocks");
        }
    }
    return table;
}

}
