/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <catch2/catch.hpp>
#include <vectra/Format.h>
#include <random>
#include <vectra/Path.h>

using namespace vectra;

TEST_CASE("Path components obey every rule")
{
    REQUIRE_FALSE(Path::validate_component("notes.txt").is_error());
    REQUIRE(Path::validate_component("").is_error());
    REQUIRE(Path::validate_component(".").is_error());
    REQUIRE(Path::validate_component("..").is_error());
    REQUIRE(Path::validate_component("a/b").is_error());
    REQUIRE(Path::validate_component(std::string_view("a\0b", 3)).is_error());
    REQUIRE(Path::validate_component(std::string(64, 'x')).error().code() == ErrorCode::NameTooLong);
    REQUIRE_FALSE(Path::validate_component(std::string(63, 'x')).is_error());
    REQUIRE_FALSE(Path::validate_component("...").is_error());
}

TEST_CASE("Paths join by component and print for people")
{
    Path path = Path::root().try_join("home").value().try_join("notes").value();
    REQUIRE(path.component_count() == 2);
    REQUIRE(path.last() == "notes");
    REQUIRE(fmt::format("{}", path) == "/home/notes");
    REQUIRE(fmt::format("{}", Path::root()) == "/");
    REQUIRE(path.parent().value() == Path::root().try_join("home").value());
    REQUIRE(Path::root().parent().is_error());
    REQUIRE(Path::root().try_join("..").is_error());
}

TEST_CASE("Paths hold at most 16 components")
{
    Path path = Path::root();
    for (int index = 0; index < 16; ++index)
        path = path.try_join("d").value();
    REQUIRE(path.try_join("d").error().code() == ErrorCode::TooLarge);
}

TEST_CASE("Path wire form round-trips")
{
    Path path = Path::root().try_join("a").value().try_join("bc").value();
    u8 buffer[64];
    ByteWriter writer(buffer);
    REQUIRE_FALSE(path.encode(writer).is_error());
    REQUIRE(writer.length() == 1 + 2 + 3);
    ByteReader reader(writer.written());
    REQUIRE(Path::decode(reader).value() == path);
}

TEST_CASE("Path decoding refuses escapes and malformed bytes")
{
    u8 const dotdot[] = { 1, 2, '.', '.' };
    ByteReader escape(dotdot);
    REQUIRE(Path::decode(escape).error().code() == ErrorCode::MalformedMessage);
    u8 const slash[] = { 1, 3, 'a', '/', 'b' };
    ByteReader separator(slash);
    REQUIRE(Path::decode(separator).error().code() == ErrorCode::MalformedMessage);
    u8 const too_many[] = { 17 };
    ByteReader count(too_many);
    REQUIRE(Path::decode(count).error().code() == ErrorCode::MalformedMessage);
    u8 const truncated[] = { 2, 1, 'a', 5, 'b' };
    ByteReader short_input(truncated);
    REQUIRE(Path::decode(short_input).error().code() == ErrorCode::MalformedMessage);
}

TEST_CASE("Path decoding survives random bytes")
{
    std::mt19937 random(1234);
    for (int round = 0; round < 20000; ++round) {
        u8 bytes[48];
        usize length = random() % sizeof(bytes);
        for (usize index = 0; index < length; ++index)
            bytes[index] = static_cast<u8>(random() % 4 == 0 ? '.' : random());
        ByteReader reader(std::span<u8 const>(bytes, length));
        auto path = Path::decode(reader);
        if (!path.is_error()) {
            for (usize index = 0; index < path.value().component_count(); ++index)
                REQUIRE_FALSE(Path::validate_component(path.value().component(index)).is_error());
        }
    }
}
