/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd's mount table text (ADR 0022): what it accepts, each refusal, and random tables that
 * never crash the parser and, when accepted, obey the rules the router relies on.
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vfsd/MountTable.h>

using namespace vectra;
using namespace vectra::vfs;

namespace {

constexpr ConfiguredBackends fat_only { true, false };

}

TEST_CASE("a mount table names ram at / and block backends on partitions")
{
    auto table = parse_mount_table("ram:/  fat:boot:/boot store:data:/data/store", { true, true });
    REQUIRE_FALSE(table.is_error());
    REQUIRE(table.value().count == 3);
    auto const& boot = table.value().entries[1];
    REQUIRE(boot.backend == BackendKind::Fat);
    REQUIRE(boot.partition.view() == "boot");
    REQUIRE(boot.point == Path::root().try_join("boot").value());
    REQUIRE(table.value().entries[2].point.component_count() == 2);
    REQUIRE(parse_mount_table("ram:/", {}).value().count == 1);
    REQUIRE(parse_mount_table(" ram:/ ", {}).value().count == 1);
}

TEST_CASE("a store mount may format an empty partition, and only a store mount")
{
    auto table = parse_mount_table("ram:/ fat:boot:/boot store:data:/data:format store:more:/more", { true, true });
    REQUIRE_FALSE(table.is_error());
    REQUIRE(table.value().count == 4);
    REQUIRE_FALSE(table.value().entries[1].format_if_empty);
    REQUIRE(table.value().entries[2].format_if_empty);
    REQUIRE(table.value().entries[2].partition.view() == "data");
    REQUIRE(table.value().entries[2].point == Path::root().try_join("data").value());
    REQUIRE_FALSE(table.value().entries[3].format_if_empty);
    char const* refused[] = {
        "ram:/ fat:boot:/boot:format", /* fat never formats */
        "ram:/ store:data:/data:", /* an empty option */
        "ram:/ store:data:/data:Format",
        "ram:/ store:data:/data:format:format",
        "ram:/ store:data:/data:formatted",
        "ram:/ store:data:/da:ta", /* a mount point holds no `:` */
        "ram:/ store:data::format",
        "ram:/ store:data:format",
        "ram:/:format",
    };
    for (auto const* text : refused) {
        INFO('"' << text << '"');
        auto refusal = parse_mount_table(text, { true, true });
        REQUIRE(refusal.is_error());
        REQUIRE(refusal.error().is(ErrorCode::InvalidArgument));
    }
    REQUIRE(parse_mount_table("ram:/ fat:boot:/boot:format", { true, true }).error().message()
        == std::string_view("only a store mount formats an empty partition (`:format`)"));
    REQUIRE(parse_mount_table("ram:/ store:data:/data:wipe", { true, true }).error().message()
        == std::string_view("the one mount option is `:format` (format an empty partition)"));
}

TEST_CASE("a mount table that is not one namespace is refused")
{
    char const* refused[] = {
        "",
        "   ",
        "fat:boot:/boot",
        "ram:/boot",
        "ram:/ ram:/tmp",
        "ram:/ fat:boot:/boot fat:other:/boot",
        "ram:/ ntfs:boot:/boot",
        "ram:/ store:data:/data", /* not configured */
        "ram:/ fat:/boot",
        "ram:/ fat::/boot",
        "ram:/ fat:boot",
        "ram:/ fat:boot:boot",
        "ram:/ fat:boot:/boot/",
        "ram:/ fat:boot://boot",
        "ram:/ fat:boot:/../etc",
        "ram:/ fat:boot:/a/./b",
        "ram:/ fat:boot:/",
        "ram:/ fat:a-partition-name-of-thirty-seven-bytes:/boot",
        "ram:/ fat:bo\tot:/boot",
        "ram:x/",
        "ram:/:",
        "ram",
        "ram:/ fat:b:/1 fat:b:/2 fat:b:/3 fat:b:/4 fat:b:/5 fat:b:/6 fat:b:/7 fat:b:/8",
    };
    for (auto const* text : refused) {
        INFO('"' << text << '"');
        REQUIRE(parse_mount_table(text, fat_only).is_error());
    }
    /* Seven block mounts beside ram fill the table exactly. */
    REQUIRE_FALSE(parse_mount_table("ram:/ fat:b:/1 fat:b:/2 fat:b:/3 fat:b:/4 fat:b:/5 fat:b:/6 fat:b:/7", fat_only).is_error());
}

TEST_CASE("random mount tables never crash the parser, and what it accepts obeys the rules")
{
    std::mt19937 random(11);
    std::string const alphabet = "ramfts:/ .bo";
    usize accepted = 0;
    for (int round = 0; round < 50000; ++round) {
        std::string text = round % 2 ? "ram:/ " : "";
        usize length = random() % 40;
        for (usize index = 0; index < length; ++index)
            text += alphabet[random() % alphabet.size()];
        if (random() % 4 == 0)
            text += random() % 2 ? ":format" : " store:d:/d:format";
        auto table = parse_mount_table(text, { true, true });
        if (table.is_error())
            continue;
        ++accepted;
        auto const& value = table.value();
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
    REQUIRE(accepted > 100);
}
