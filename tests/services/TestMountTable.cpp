/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd's mount table from its configuration (ADR 0022 §2, ADR 0037): what it accepts, each
 * refusal, the bytes the manifest compiler emits for image files decoded into the same table,
 * malformed bytes refused, and random tables that, when accepted, obey the rules the router
 * relies on.
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <initializer_list>
#include <optional>
#include <random>
#include <string>
#include <vector>
#include <vectra/Configuration.h>
#include <vectra/encoding/Binary.h>
#include <vfsd/MountTable.h>

using namespace vectra;
using namespace vectra::vfs;

namespace {

constexpr ConfiguredBackends fat_only { true, false };
constexpr ConfiguredBackends both { true, true };

struct Mount {
    char const* backend;
    char const* at;
    char const* partition { nullptr };
    std::optional<bool> format {};
};

MountRecord record(Mount const& mount)
{
    MountRecord record;
    record.backend = Utf8String<5>::try_from(std::string_view(mount.backend)).release_value();
    record.at = Utf8String<255>::try_from(std::string_view(mount.at)).release_value();
    if (mount.partition)
        record.partition = Utf8String<36>::try_from(std::string_view(mount.partition)).release_value();
    record.format = mount.format;
    return record;
}

MountConfiguration configuration(std::initializer_list<Mount> mounts)
{
    MountConfiguration configuration;
    configuration.mounts.emplace();
    for (auto const& mount : mounts)
        REQUIRE_FALSE(configuration.mounts->try_append(record(mount)).is_error());
    return configuration;
}

ErrorOr<MountTable> table_of(std::initializer_list<Mount> mounts, ConfiguredBackends configured = both)
{
    return mount_table_from(configuration(mounts), configured);
}

/*
 * What tools/manifest/compile.py emits for image files' vfsd ("config": ram at /, fat boot at
 * /boot, store data at /data with "format": true); tests/tools/test_manifest.py holds the same
 * bytes, so the compiler's encoder and this decoder are held to one form.
 */
constexpr u8 files_configuration[] = {
    0x01, 0x00, 0x4a, 0x00, 0x00, 0x00, 0x01, 0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x72,
    0x61, 0x6d, 0x00, 0x01, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x03, 0x00, 0x00, 0x00, 0x66, 0x61, 0x74,
    0x01, 0x04, 0x00, 0x00, 0x00, 0x62, 0x6f, 0x6f, 0x74, 0x05, 0x00, 0x00, 0x00, 0x2f, 0x62, 0x6f,
    0x6f, 0x74, 0x00, 0x05, 0x00, 0x00, 0x00, 0x73, 0x74, 0x6f, 0x72, 0x65, 0x01, 0x04, 0x00, 0x00,
    0x00, 0x64, 0x61, 0x74, 0x61, 0x05, 0x00, 0x00, 0x00, 0x2f, 0x64, 0x61, 0x74, 0x61, 0x01, 0x01,
};

void require_the_rules(MountTable const& value)
{
    REQUIRE(value.count >= 1);
    REQUIRE(value.count <= Router::maximum_mounts);
    REQUIRE(value.entries[0].backend == BackendKind::Ram);
    REQUIRE(value.entries[0].point.is_root());
    for (usize index = 1; index < value.count; ++index) {
        REQUIRE(value.entries[index].backend != BackendKind::Ram);
        REQUIRE(value.entries[index].partition.length() > 0);
        REQUIRE_FALSE(value.entries[index].point.is_root());
        REQUIRE((!value.entries[index].format_if_empty || value.entries[index].backend == BackendKind::Store));
        for (usize other = 0; other < index; ++other)
            REQUIRE_FALSE(value.entries[index].point == value.entries[other].point);
    }
}

}

TEST_CASE("a mount table names ram at / and block backends on partitions")
{
    auto table = table_of({ { "ram", "/" }, { "fat", "/boot", "boot" }, { "store", "/data/store", "data" } });
    REQUIRE_FALSE(table.is_error());
    REQUIRE(table.value().count == 3);
    auto const& boot = table.value().entries[1];
    REQUIRE(boot.backend == BackendKind::Fat);
    REQUIRE(boot.partition.view() == "boot");
    REQUIRE(boot.point == Path::root().try_join("boot").value());
    REQUIRE(table.value().entries[2].point.component_count() == 2);
    REQUIRE(table_of({ { "ram", "/" } }, {}).value().count == 1);
    /* A partition name may hold spaces (GPT names do; the Kconfig text form could not say them). */
    REQUIRE(table_of({ { "ram", "/" }, { "fat", "/boot", "EFI system" } }).value().entries[1].partition.view() == "EFI system");
}

TEST_CASE("no mounts in the configuration is ram at / alone; an empty list is refused")
{
    auto table = mount_table_from(MountConfiguration {}, {});
    REQUIRE_FALSE(table.is_error());
    REQUIRE(table.value().count == 1);
    REQUIRE(table.value().entries[0].backend == BackendKind::Ram);
    REQUIRE(table.value().entries[0].point.is_root());
    auto empty = table_of({});
    REQUIRE(empty.is_error());
    REQUIRE(empty.error().message() == std::string_view("the mount table is empty"));
}

TEST_CASE("a store mount may format an empty partition, and only a store mount")
{
    auto table = table_of({ { "ram", "/" }, { "fat", "/boot", "boot" }, { "store", "/data", "data", true },
        { "store", "/more", "more", false }, { "store", "/last", "last" } });
    REQUIRE_FALSE(table.is_error());
    REQUIRE(table.value().count == 5);
    REQUIRE_FALSE(table.value().entries[1].format_if_empty);
    REQUIRE(table.value().entries[2].format_if_empty);
    REQUIRE(table.value().entries[2].partition.view() == "data");
    REQUIRE_FALSE(table.value().entries[3].format_if_empty);
    REQUIRE_FALSE(table.value().entries[4].format_if_empty);
    auto require_refused = [](ErrorOr<MountTable> refused) {
        REQUIRE(refused.is_error());
        REQUIRE(refused.error().message() == std::string_view("only a store mount formats an empty partition (format)"));
    };
    require_refused(table_of({ { "ram", "/" }, { "fat", "/boot", "boot", true } }));
    require_refused(table_of({ { "ram", "/" }, { "fat", "/boot", "boot", false } }));
    require_refused(table_of({ { "ram", "/", nullptr, true } }));
}

TEST_CASE("a mount table that is not one namespace is refused, each with its reason")
{
    struct Refusal {
        std::vector<Mount> mounts;
        char const* reason;
    };
    std::vector<Refusal> const refusals = {
        { { { "fat", "/boot", "boot" } }, "the first mount is ram at /" },
        { { { "ram", "/boot" } }, "the first mount is ram at /" },
        { { { "ram", "/" }, { "ram", "/tmp" } }, "only one ram mount, at /" },
        { { { "ram", "/" }, { "fat", "/boot", "boot" }, { "fat", "/boot", "other" } }, "two mounts at one point" },
        { { { "ram", "/" }, { "ntfs", "/boot", "boot" } }, "an unknown backend (ram, fat, store)" },
        { { { "ram", "/" }, { "store", "/data", "data" } }, "the backend is not configured into this vfsd" },
        { { { "ram", "/" }, { "fat", "/boot" } }, "a block backend names its partition" },
        { { { "ram", "/" }, { "fat", "/boot", "" } }, "a block backend names its partition" },
        { { { "ram", "/", "boot" } }, "a ram mount has no partition" },
        { { { "ram", "/" }, { "fat", "/boot", "bo\tot" } }, "a partition name is printable ASCII" },
        { { { "ram", "/" }, { "fat", "boot", "boot" } }, "a mount point is an absolute path" },
        { { { "ram", "" } }, "a mount point is an absolute path" },
        { { { "ram", "/" }, { "fat", "/boot/", "boot" } }, "a mount point component is empty, `.`, `..` or too long" },
        { { { "ram", "/" }, { "fat", "//boot", "boot" } }, "a mount point component is empty, `.`, `..` or too long" },
        { { { "ram", "/" }, { "fat", "/../etc", "boot" } }, "a mount point component is empty, `.`, `..` or too long" },
        { { { "ram", "/" }, { "fat", "/a/./b", "boot" } }, "a mount point component is empty, `.`, `..` or too long" },
        { { { "ram", "/" }, { "fat", "/", "boot" } }, "two mounts at one point" },
    };
    for (auto const& refusal : refusals) {
        MountConfiguration refused;
        refused.mounts.emplace();
        for (auto const& mount : refusal.mounts)
            REQUIRE_FALSE(refused.mounts->try_append(record(mount)).is_error());
        MountTable table;
        table.count = 5;
        auto result = mount_table_from(refused, fat_only, table);
        INFO(refusal.reason);
        REQUIRE(result.is_error());
        REQUIRE(result.error().message() == std::string_view(refusal.reason));
        REQUIRE(table.count == 0); /* a refused table holds no mounts */
    }
    /* Seven block mounts beside ram fill the table exactly. */
    REQUIRE_FALSE(table_of({ { "ram", "/" }, { "fat", "/1", "b" }, { "fat", "/2", "b" }, { "fat", "/3", "b" }, { "fat", "/4", "b" },
                               { "fat", "/5", "b" }, { "fat", "/6", "b" }, { "fat", "/7", "b" } },
        fat_only)
                      .is_error());
}

TEST_CASE("the manifest compiler's bytes for image files decode into its mount table, and encode back the same")
{
    MountTable table;
    REQUIRE_FALSE(mount_table_from(std::span<u8 const>(files_configuration), both, table).is_error());
    REQUIRE(table.count == 3);
    REQUIRE(table.entries[0].backend == BackendKind::Ram);
    REQUIRE(table.entries[1].backend == BackendKind::Fat);
    REQUIRE(table.entries[1].partition.view() == "boot");
    REQUIRE_FALSE(table.entries[1].format_if_empty);
    REQUIRE(table.entries[2].backend == BackendKind::Store);
    REQUIRE(table.entries[2].partition.view() == "data");
    REQUIRE(table.entries[2].point == Path::root().try_join("data").value());
    REQUIRE(table.entries[2].format_if_empty);
    /* The C++ encoder writes exactly the compiler's bytes for the same value: one canonical form. */
    auto value = configuration({ { "ram", "/" }, { "fat", "/boot", "boot" }, { "store", "/data", "data", true } });
    u8 buffer[maximum_binary_size<MountConfiguration>()];
    auto length = encode_binary(value, buffer);
    REQUIRE_FALSE(length.is_error());
    REQUIRE(std::vector<u8>(buffer, buffer + length.value()) == std::vector<u8>(std::begin(files_configuration), std::end(files_configuration)));
}

TEST_CASE("malformed configuration bytes are refused with the decoder's reason, never read past")
{
    std::vector<u8> const good(std::begin(files_configuration), std::end(files_configuration));
    auto refused = [](std::vector<u8> bytes, ErrorCode code) {
        MountTable table;
        table.count = 2; /* what an earlier table held: a refusal leaves none */
        auto result = mount_table_from(std::span<u8 const>(bytes), both, table);
        REQUIRE(result.is_error());
        REQUIRE(result.error().is(code));
        REQUIRE(table.count == 0);
    };
    /* Every truncation, including an empty message. */
    for (usize length = 0; length < good.size(); ++length)
        refused(std::vector<u8>(good.begin(), good.begin() + length), ErrorCode::MalformedMessage);
    auto changed = [&](usize offset, u8 byte) {
        auto bytes = good;
        bytes[offset] = byte;
        return bytes;
    };
    refused(changed(0, 2), ErrorCode::SchemaMismatch);       /* another version */
    refused(changed(2, 0x4b), ErrorCode::MalformedMessage);  /* body length past the end */
    refused(changed(6, 2), ErrorCode::MalformedMessage);     /* optional tag neither 0 nor 1 */
    refused(changed(7, 9), ErrorCode::TooLarge);             /* nine mounts: more than the table holds */
    refused(changed(11, 6), ErrorCode::TooLarge);            /* a backend name longer than 5 bytes */
    refused(changed(15, 0xff), ErrorCode::MalformedMessage); /* not UTF-8 */
    refused(changed(79, 2), ErrorCode::MalformedMessage);    /* a bool neither 0 nor 1 */
    auto trailing = good;
    trailing.push_back(0);
    refused(trailing, ErrorCode::MalformedMessage);
    std::vector<u8> page(configuration_maximum_bytes + 1, 0);
    refused(page, ErrorCode::TooLarge);
}

TEST_CASE("random configuration bytes never crash the decoder, and what it accepts obeys the rules")
{
    std::mt19937 random(11);
    std::vector<u8> const good(std::begin(files_configuration), std::end(files_configuration));
    usize accepted = 0;
    for (int round = 0; round < 50000; ++round) {
        auto bytes = good;
        usize changes = 1 + random() % 3;
        for (usize change = 0; change < changes; ++change) {
            usize offset = random() % bytes.size();
            switch (random() % 4) {
            case 0: bytes[offset] = u8(random()); break;
            case 1: bytes[offset] ^= u8(1u << (random() % 8)); break;
            case 2: bytes.erase(bytes.begin() + long(offset)); break;
            default: bytes.insert(bytes.begin() + long(offset), u8(random())); break;
            }
            if (bytes.empty())
                break;
        }
        MountTable table;
        table.count = 2;
        if (mount_table_from(std::span<u8 const>(bytes), both, table).is_error()) {
            REQUIRE(table.count == 0);
            continue;
        }
        ++accepted;
        require_the_rules(table);
    }
    REQUIRE(accepted > 100);
}
