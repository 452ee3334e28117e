/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <catch2/catch.hpp>
#include <vectra/Bytes.h>

using namespace vectra;

TEST_CASE("ByteWriter and ByteReader round-trip little-endian integers")
{
    u8 buffer[16];
    ByteWriter writer(buffer);
    REQUIRE_FALSE(writer.write<u16>(0x1234).is_error());
    REQUIRE_FALSE(writer.write<u64>(0x0102030405060708ull).is_error());
    REQUIRE(buffer[0] == 0x34);
    REQUIRE(buffer[1] == 0x12);
    ByteReader reader(writer.written());
    REQUIRE(reader.read<u16>().value() == 0x1234);
    REQUIRE(reader.read<u64>().value() == 0x0102030405060708ull);
    REQUIRE_FALSE(reader.expect_end().is_error());
}

TEST_CASE("ByteReader refuses to read past the end and reports where it stopped")
{
    u8 bytes[3] = { 1, 2, 3 };
    ByteReader reader(bytes);
    REQUIRE(reader.read<u16>().value() == 0x0201);
    REQUIRE(reader.read<u32>().error().code() == ErrorCode::MalformedMessage);
    REQUIRE(reader.offset() == 2);
    REQUIRE(reader.read_bytes(2).error().code() == ErrorCode::MalformedMessage);
    REQUIRE(reader.expect_end().error().code() == ErrorCode::MalformedMessage);
}

TEST_CASE("ByteWriter refuses to write past its buffer")
{
    u8 buffer[3];
    ByteWriter writer(buffer);
    REQUIRE_FALSE(writer.write<u16>(1).is_error());
    REQUIRE(writer.write<u16>(2).error().code() == ErrorCode::TooLarge);
    REQUIRE(writer.length() == 2);
}
