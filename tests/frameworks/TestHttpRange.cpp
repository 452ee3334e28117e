/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * frameworks/net range requests (RFC 9110 §14): one range of bytes answered, everything else
 * answered whole or refused as unsatisfiable — and the shapes a client (or an attacker asking for
 * many pieces, or numbers past 64 bits) could use to get anything else.
 */

#include <catch2/catch.hpp>
#include <string>
#include <vectra/http/Range.h>

using namespace vectra;
using namespace vectra::http;

namespace {

std::string answer(std::optional<std::string_view> range, u64 size, bool validator_holds = true)
{
    auto selected = select_range(range, validator_holds, size);
    char buffer[content_range_capacity];
    switch (selected.answer) {
    case RangeAnswer::Whole:
        REQUIRE(content_range(selected, size, buffer).empty());
        return "whole";
    case RangeAnswer::Unsatisfiable:
        return "416 " + std::string(content_range(selected, size, buffer));
    case RangeAnswer::Partial:
        REQUIRE(selected.length >= 1);
        REQUIRE(selected.first + selected.length <= size);
        return "206 " + std::string(content_range(selected, size, buffer));
    }
    return "?";
}

}

TEST_CASE("One range of bytes is answered with exactly those bytes")
{
    REQUIRE(answer("bytes=0-9", 100) == "206 bytes 0-9/100");
    REQUIRE(answer("bytes=10-", 100) == "206 bytes 10-99/100");
    REQUIRE(answer("bytes=-5", 100) == "206 bytes 95-99/100");
    REQUIRE(answer("bytes=99-99", 100) == "206 bytes 99-99/100");
    REQUIRE(answer("bytes=0-0", 1) == "206 bytes 0-0/1");
    /* A last byte past the end means the end; a suffix longer than the file means all of it. */
    REQUIRE(answer("bytes=90-1000", 100) == "206 bytes 90-99/100");
    REQUIRE(answer("bytes=-1000", 100) == "206 bytes 0-99/100");
    /* The unit ignores case; whitespace around the value and empty list elements are allowed. */
    REQUIRE(answer("BYTES=0-9", 100) == "206 bytes 0-9/100");
    REQUIRE(answer("  bytes=0-9\t", 100) == "206 bytes 0-9/100");
    REQUIRE(answer("bytes=, 0-9 ,", 100) == "206 bytes 0-9/100");
    auto selected = select_range("bytes=20-29", true, 100);
    REQUIRE(selected.answer == RangeAnswer::Partial);
    REQUIRE(selected.first == 20);
    REQUIRE(selected.length == 10);
}

TEST_CASE("A range that asks for no byte of the file is unsatisfiable")
{
    REQUIRE(answer("bytes=100-", 100) == "416 bytes */100");
    REQUIRE(answer("bytes=100-200", 100) == "416 bytes */100");
    REQUIRE(answer("bytes=-0", 100) == "416 bytes */100");
    REQUIRE(answer("bytes=0-", 0) == "416 bytes */0");
    REQUIRE(answer("bytes=-1", 0) == "416 bytes */0");
    /* Numbers past 64 bits saturate: a first byte that far is past any file. */
    REQUIRE(answer("bytes=99999999999999999999999999999-", 100) == "416 bytes */100");
    REQUIRE(answer("bytes=18446744073709551615-18446744073709551615", 18446744073709551615ull)
        == "416 bytes */18446744073709551615");
}

TEST_CASE("Numbers past 64 bits are read, never wrapped")
{
    REQUIRE(answer("bytes=0-99999999999999999999999999999", 100) == "206 bytes 0-99/100");
    REQUIRE(answer("bytes=-99999999999999999999999999999", 100) == "206 bytes 0-99/100");
    /* 2^64 + 5 wrapped would be 5: a range of six bytes instead of the whole file. */
    REQUIRE(answer("bytes=0-18446744073709551621", 100) == "206 bytes 0-99/100");
    REQUIRE(answer("bytes=18446744073709551621-", 100) == "416 bytes */100");
    REQUIRE(answer("bytes=-18446744073709551621", 100) == "206 bytes 0-99/100");
    /* Both past 2^64 − 1, the last before the first: malformed (whole), though both saturate alike
       (found by the fuzz target http_range). */
    REQUIRE(answer("bytes=99999999999999999999999-88888888888888888888888", 100) == "whole");
    REQUIRE(answer("bytes=0018446744073709551616-18446744073709551616", 100) == "416 bytes */100");
    REQUIRE(answer("bytes=18446744073709551613-18446744073709551613", 18446744073709551615ull)
        == "206 bytes 18446744073709551613-18446744073709551613/18446744073709551615");
}

TEST_CASE("Anything but one well-formed range of bytes is answered whole")
{
    for (char const* field : { "bytes=0-1,4-5", "bytes=0-1, -5", "bytes=0-9,100-", "bytes=5-3", "bytes=", "bytes= ",
             "bytes=,", "bytes=-", "bytes=a-9", "bytes=0-9a", "bytes=0 - 9", "bytes=+0-9", "bytes=0x10-", "bytes=--5",
             "bytes=-5-", "bytes=0-9-", "bytes 0-9", "bytes", "=0-9", "items=0-9", "byte=0-9", "bytes =0-9",
             "bytesx=0-9", "bytes=0-\x01", "bytes=\xff-" }) {
        INFO(field);
        REQUIRE(answer(field, 100) == "whole");
    }
    REQUIRE(answer(std::nullopt, 100) == "whole");
    REQUIRE(answer(std::nullopt, 0) == "whole");
}

TEST_CASE("A Range whose If-Range does not hold is answered whole")
{
    REQUIRE(answer("bytes=0-9", 100, false) == "whole");
    REQUIRE(answer("bytes=100-", 100, false) == "whole");
    REQUIRE(answer("bytes=0-9", 100, true) == "206 bytes 0-9/100");
}

TEST_CASE("A Content-Range fits its buffer at the largest numbers")
{
    SelectedRange largest { RangeAnswer::Partial, 18446744073709551614ull, 1 };
    char buffer[content_range_capacity];
    auto text = content_range(largest, 18446744073709551615ull, buffer);
    REQUIRE(text == "bytes 18446744073709551614-18446744073709551614/18446744073709551615");
    REQUIRE(text.size() <= content_range_capacity);
}
