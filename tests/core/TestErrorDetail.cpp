/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ErrorOr<T, E>: interfaces that report more than a code and a message (decoders: offset and
 * field) use their own error type; TRY and MUST work with it, and it converts to Error.
 */

#include <catch2/catch.hpp>
#include <string_view>
#include <vectra/Try.h>

using namespace vectra;

namespace {

struct PositionedError {
    ErrorCode code;
    char const* message;
    usize position;
    operator Error() const { return Error(code, message); }
};

ErrorOr<int, PositionedError> digit_at(std::string_view text, usize position)
{
    if (position >= text.size() || text[position] < '0' || text[position] > '9')
        return PositionedError { ErrorCode::MalformedMessage, "not a digit", position };
    return text[position] - '0';
}

ErrorOr<int, PositionedError> two_digits(std::string_view text)
{
    int tens = TRY(digit_at(text, 0));
    int ones = TRY(digit_at(text, 1));
    return tens * 10 + ones;
}

ErrorOr<void, PositionedError> check_digit(std::string_view text)
{
    TRY(digit_at(text, 0));
    return {};
}

/* Passing a detailed error up through a function that reports plain Errors. */
ErrorOr<int> plain_two_digits(std::string_view text) { return TRY(two_digits(text)); }

ErrorOr<void> plain_check(std::string_view text)
{
    TRY(check_digit(text));
    return {};
}

}

TEST_CASE("ErrorOr carries a detailed error type through TRY")
{
    REQUIRE(two_digits("42").value() == 42);
    auto error = two_digits("4x").error();
    REQUIRE(error.position == 1);
    REQUIRE(error.code == ErrorCode::MalformedMessage);
    REQUIRE_FALSE(check_digit("7").is_error());
    REQUIRE(check_digit("x").error().position == 0);
}

TEST_CASE("A detailed error converts to a plain Error when TRY passes it up")
{
    REQUIRE(plain_two_digits("12").value() == 12);
    auto error = plain_two_digits("1y").error();
    REQUIRE(error.code() == ErrorCode::MalformedMessage);
    REQUIRE(std::string_view(error.message()) == "not a digit");
    REQUIRE(plain_check("z").is_error());
    REQUIRE_FALSE(plain_check("3").is_error());
}

TEST_CASE("MUST accepts detailed errors, and ErrorOr<void> stays copyable")
{
    REQUIRE(MUST(two_digits("99")) == 99);
    MUST(check_digit("1"));
    ErrorOr<void> failed = Error(ErrorCode::Busy, "busy");
    ErrorOr<void> copy = failed;
    REQUIRE(copy.error().code() == ErrorCode::Busy);
    copy = ErrorOr<void> {};
    REQUIRE_FALSE(copy.is_error());
    ErrorOr<void, PositionedError> detailed = PositionedError { ErrorCode::Full, "full", 3 };
    auto detailed_copy = detailed;
    REQUIRE(detailed_copy.error().position == 3);
}
