/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as vfsd_disks' configuration (ADR 0037), through the checked
 * decoder (vectra/Configuration.h) into a mount table. Bytes the decoder accepts are canonical
 * (encoding the value again gives the same bytes); a table it builds obeys ADR 0022 §2's rules
 * (ram at / first and only there, block mounts with a partition, no point twice, format only on a
 * store); a refused table holds no mounts. Seeds: the compiler's bytes for images files and
 * sqlite-speedtest (tests/fuzz/corpus/vfsd_configuration).
 */

#include <cstring>
#include <vectra/Configuration.h>
#include <vectra/Panic.h>
#include <vectra/encoding/Binary.h>
#include <vfsd/MountTable.h>

using namespace vectra;
using namespace vectra::vfs;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    std::span<u8 const> input(data, size);
    static MountConfiguration configuration;
    if (!decode_configuration(input, configuration).is_error()) {
        static u8 again[maximum_binary_size<MountConfiguration>()];
        auto length = encode_binary(configuration, again);
        VERIFY(!length.is_error() && length.value() == size && std::memcmp(again, data, size) == 0);
    }
    static MountTable table;
    table.count = 3;
    if (mount_table_from(input, { true, true }, table).is_error()) {
        VERIFY(table.count == 0);
        return 0;
    }
    VERIFY(table.count >= 1 && table.count <= Router::maximum_mounts);
    VERIFY(table.entries[0].backend == BackendKind::Ram && table.entries[0].point.is_root());
    for (usize index = 1; index < table.count; ++index) {
        auto const& entry = table.entries[index];
        VERIFY(entry.backend != BackendKind::Ram && entry.partition.length() > 0 && !entry.point.is_root());
        VERIFY(!entry.format_if_empty || entry.backend == BackendKind::Store);
        for (usize other = 0; other < index; ++other)
            VERIFY(!(entry.point == table.entries[other].point));
    }
    return 0;
}
