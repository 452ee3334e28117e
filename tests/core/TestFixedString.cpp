/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <catch2/catch.hpp>
#include <vectra/Format.h>

using namespace vectra;

TEST_CASE("FixedString refuses text beyond its capacity")
{
    REQUIRE(FixedString<4>::try_from("abcd").value() == "abcd");
    REQUIRE(FixedString<4>::try_from("abcde").error().code() == ErrorCode::NameTooLong);
}

TEST_CASE("FixedString append reports truncation")
{
    FixedString<5> text;
    REQUIRE(text.append("abc"));
    REQUIRE_FALSE(text.append("def"));
    REQUIRE(text == "abcde");
}

TEST_CASE("format_into formats with fmt and never overflows")
{
    FixedString<16> line;
    REQUIRE(format_into(line, "{}-{:#x}", 42, 255));
    REQUIRE(line == "42-0xff");
    FixedString<8> small;
    REQUIRE_FALSE(format_into(small, "{}", "a long string here"));
    REQUIRE(small.length() == 8);
    REQUIRE(small == "a long s");
}
