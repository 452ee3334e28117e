/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "CryptoTestSupport.h"
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <new>
#include <type_traits>
#include <vectra/crypto/Secret.h>

using namespace vectra;
using namespace vectra::crypto;

/* The compile-time half of the contract: a Secret cannot be copied, printed or converted. */
static_assert(!std::is_copy_constructible_v<Secret<32>>);
static_assert(!std::is_copy_assignable_v<Secret<32>>);
static_assert(std::is_nothrow_destructible_v<Secret<32>>);
static_assert(!fmt::is_formattable<Secret<32>>::value);
static_assert(!std::is_convertible_v<Secret<32>, std::span<u8 const>>);
static_assert(!std::is_convertible_v<Secret<32>&, std::span<u8 const>>);
static_assert(!std::is_convertible_v<Secret<32>, bool>);

TEST_CASE("a Secret cannot be copied, printed or converted (compile-time checks above)", "[crypto][secret]")
{
    SUCCEED();
}

TEST_CASE("a Secret zeroes its bytes when destroyed", "[crypto][secret]")
{
    alignas(Secret<32>) u8 storage[sizeof(Secret<32>)];
    std::array<u8, 32> bytes {};
    bytes.fill(0xa7);
    auto* secret = new (storage) Secret<32>(Secret<32>::from_bytes(bytes));
    REQUIRE(secret->reveal()[0] == 0xa7);
    secret->~Secret<32>();
    for (u8 byte : storage)
        REQUIRE(byte == 0);
}

TEST_CASE("moving a Secret wipes the source", "[crypto][secret]")
{
    std::array<u8, 16> bytes {};
    bytes.fill(0x3c);
    auto source = Secret<16>::from_bytes(bytes);
    Secret<16> target(std::move(source));
    REQUIRE(target.reveal()[15] == 0x3c);
    for (u8 byte : source.reveal())
        REQUIRE(byte == 0);
    Secret<16> assigned;
    assigned = std::move(target);
    REQUIRE(assigned.reveal()[0] == 0x3c);
    REQUIRE(target.reveal()[0] == 0);
}

TEST_CASE("constant-time comparison: equal, different, and different lengths", "[crypto][secret]")
{
    std::array<u8, 32> a {};
    std::array<u8, 32> b {};
    REQUIRE(constant_time_equal(a, b));
    b[31] = 1;
    REQUIRE(!constant_time_equal(a, b));
    REQUIRE(!constant_time_equal(std::span<u8 const>(a).first(16), b));
    REQUIRE(constant_time_equal({}, {}));
    auto first = Secret<32>::from_bytes(a);
    auto second = Secret<32>::from_bytes(a);
    auto third = Secret<32>::from_bytes(b);
    REQUIRE(first.constant_time_equals(second));
    REQUIRE(!first.constant_time_equals(third));
}
