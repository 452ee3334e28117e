/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "EncodingSamples.h"
#include <catch2/catch.hpp>
#include <string>
#include <vector>
#include <vectra/encoding/Binary.h>

using namespace vectra;
using namespace vectra::samples;

namespace {

struct DuplicateNames {
    u8 first { 0 };
    u8 second { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("same", &DuplicateNames::first), field("same", &DuplicateNames::second));
    }
};

struct BadName {
    u8 value { 0 };
    static constexpr auto fields() { return vectra::fields(field("needs \"escaping\"", &BadName::value)); }
};

struct EmptyName {
    u8 value { 0 };
    static constexpr auto fields() { return vectra::fields(field("", &EmptyName::value)); }
};

struct HasFloat {
    float value { 0 };
    static constexpr auto fields() { return vectra::fields(field("value", &HasFloat::value)); }
};

struct HasPointer {
    char const* value { nullptr };
    static constexpr auto fields() { return vectra::fields(field("value", &HasPointer::value)); }
};

struct NestedOptional {
    std::optional<std::optional<u8>> value;
    static constexpr auto fields() { return vectra::fields(field("value", &NestedOptional::value)); }
};

struct HoldsBad {
    HasFloat inner;
    static constexpr auto fields() { return vectra::fields(field("inner", &HoldsBad::inner)); }
};

struct Empty {
    static constexpr auto fields() { return vectra::fields(); }
};

}

TEST_CASE("Descriptions are checked at compile time")
{
    STATIC_REQUIRE(encoding::is_encodable<Point>());
    STATIC_REQUIRE(encoding::is_encodable<Everything>());
    STATIC_REQUIRE(encoding::is_encodable<Nest>());
    STATIC_REQUIRE(encoding::is_encodable<Empty>());
    STATIC_REQUIRE_FALSE(encoding::is_encodable<DuplicateNames>());
    STATIC_REQUIRE_FALSE(encoding::is_encodable<BadName>());
    STATIC_REQUIRE_FALSE(encoding::is_encodable<EmptyName>());
    /* No floats (see Json.h), no pointers, no optional of optional (null would be ambiguous). */
    STATIC_REQUIRE_FALSE(encoding::is_encodable<HasFloat>());
    STATIC_REQUIRE_FALSE(encoding::is_encodable<HasPointer>());
    STATIC_REQUIRE_FALSE(encoding::is_encodable<NestedOptional>());
    STATIC_REQUIRE_FALSE(encoding::is_encodable<HoldsBad>());
    STATIC_REQUIRE_FALSE(encoding::is_encodable<char>());
    STATIC_REQUIRE(encoding::version_of<Everything>() == 3);
    STATIC_REQUIRE(encoding::version_of<Point>() == 1);
    STATIC_REQUIRE(decltype(Everything::fields())::count == 16);
}

TEST_CASE("The description lists names and members in declaration order")
{
    constexpr auto list = Point::fields();
    STATIC_REQUIRE(std::get<0>(list.entries).name == "x");
    STATIC_REQUIRE(std::get<1>(list.entries).name == "y");
    Point point { 3, 4 };
    REQUIRE(point.*(std::get<1>(list.entries).member) == 4);
    std::string names;
    encoding::for_each_field(Everything::fields(), [&](auto const& entry) {
        names += std::string(entry.name) + " ";
        return entry.name != "name";
    });
    REQUIRE(names == "flag tiny small medium large signed_tiny signed_small signed_medium signed_large name ");
}

TEST_CASE("The encoders and decoders walk the description as a compile-time constant")
{
    /* field_list<T> is constant-initialised: its names' lengths are known without strlen at run time. */
    STATIC_REQUIRE(std::get<0>(encoding::field_list<Point>.entries).name == "x");
    STATIC_REQUIRE(std::get<1>(encoding::field_list<Point>.entries).name.size() == 1);
    STATIC_REQUIRE(decltype(encoding::field_list<Everything>)::count == 16);
    /* A decode error names the field it stopped in, from that list. */
    u8 buffer[maximum_binary_size<Point>()];
    usize length = encode_binary(Point { 3, 4 }, std::span<u8>(buffer)).value();
    buffer[2] = u8(buffer[2] - 1);
    auto decoded = Point {};
    auto result = decode_binary(std::span<u8 const>(buffer, length - 1), decoded);
    REQUIRE(result.is_error());
    REQUIRE(result.error().field == "y");
}

TEST_CASE("An empty described type encodes to a header alone")
{
    u8 buffer[maximum_binary_size<Empty>()];
    REQUIRE(encode_binary(Empty {}, std::span<u8>(buffer)).value() == 6);
    Empty empty;
    REQUIRE_FALSE(decode_binary(std::span<u8 const>(buffer, 6), empty).is_error());
}

TEST_CASE("BoundedVector holds at most its capacity")
{
    BoundedVector<int, 2> vector;
    REQUIRE(vector.is_empty());
    REQUIRE_FALSE(vector.try_append(1).is_error());
    *MUST(vector.try_append_default()) = 2;
    REQUIRE(vector.try_append(3).error().code() == ErrorCode::Full);
    REQUIRE(vector.size() == 2);
    REQUIRE(vector[1] == 2);
    int sum = 0;
    for (int value : vector)
        sum += value;
    REQUIRE(sum == 3);
    vector.remove_last();
    REQUIRE(vector.span().size() == 1);
    vector.clear();
    REQUIRE(vector.size() == 0);
    STATIC_REQUIRE(BoundedVector<int, 2>::capacity() == 2);
}

TEST_CASE("BoundedVector::try_extend appends every element or none, copied whole or one by one")
{
    /* Bytes take the one-copy path; a type with its own copy the element loop. Both: the same contents. */
    BoundedVector<u8, 8> bytes;
    MUST(bytes.try_append(7));
    u8 const more[] = { 1, 2, 3, 4, 5 };
    REQUIRE_FALSE(bytes.try_extend(more).is_error());
    REQUIRE(std::vector<u8>(bytes.begin(), bytes.end()) == std::vector<u8> { 7, 1, 2, 3, 4, 5 });
    REQUIRE(bytes.try_extend(more).error().code() == ErrorCode::Full); /* 6 + 5 > 8: nothing appended */
    REQUIRE(bytes.size() == 6);
    REQUIRE_FALSE(bytes.try_extend(std::span<u8 const>()).is_error());
    REQUIRE_FALSE(bytes.try_extend(std::span<u8 const>(more, 2)).is_error());
    REQUIRE(bytes.size() == 8);
    REQUIRE(bytes[7] == 2);
    REQUIRE(bytes.try_extend(std::span<u8 const>(more, 1)).error().code() == ErrorCode::Full);

    BoundedVector<std::string, 3> words;
    std::string const some[] = { "one", "two" };
    REQUIRE_FALSE(words.try_extend(some).is_error());
    REQUIRE(words.try_extend(some).error().code() == ErrorCode::Full);
    REQUIRE(words.size() == 2);
    REQUIRE(words[1] == "two");
}
