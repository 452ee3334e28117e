/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "CryptoTestSupport.h"
#include <catch2/catch.hpp>
#include <vector>
#include <vectra/crypto/Argon2.h>

using namespace vectra;
using namespace vectra::crypto;
using test::text_bytes;
using test::to_hex;

namespace {

std::array<u8, 16> salt_of(std::string_view text)
{
    std::array<u8, 16> salt {};
    for (usize index = 0; index < 16; ++index)
        salt[index] = static_cast<u8>(text[index]);
    return salt;
}

std::string derive(std::string_view password, std::string_view salt, u32 passes, u32 memory_kib, usize length)
{
    Argon2Parameters parameters { passes, memory_kib };
    std::vector<u8> work(argon2id_work_memory_size(parameters));
    std::vector<u8> output(length);
    auto salt_bytes = salt_of(salt);
    MUST(argon2id(output, text_bytes(password), std::span<u8 const, 16>(salt_bytes), parameters, work));
    return to_hex(output);
}

}

/*
 * Argon2id v1.3 known answers from the Argon2 reference implementation (the RFC 9106 authors'
 * code, Debian's `argon2` 0~20171227), e.g. `printf password | argon2 somesaltsomesalt -id -t 2
 * -m 16 -p 1 -l 32 -r`. libsodium computes Argon2id with one lane, a 16-byte salt and no
 * secret or associated data, so RFC 9106 §5.3's own vector (4 lanes, secret, associated data)
 * is outside what its interface can express; these exercise the same algorithm.
 */
TEST_CASE("Argon2id matches the reference implementation", "[crypto][argon2]")
{
    REQUIRE(derive("password", "somesaltsomesalt", 2, 1 << 16, 32)
        == "fc33b78139231d34b71626bd6245c1d72efa190ad605c3d8166a72adcedfa2c2");
    REQUIRE(derive("password", "somesaltsomesalt", 3, 1 << 12, 32)
        == "06fb80ed27de6ec202ddfe204b2eff122d6cebe86c11f68eb8264c6e5ff2fd28");
    REQUIRE(derive("differentpassword", "somesaltsomesalt", 2, 1 << 16, 32)
        == "b2a645d33be125cd75f64b157793464041c0fd196b848a9f78508e1a0e5ce4c0");
    REQUIRE(derive("password", "diffsaltdiffsalt", 2, 1 << 16, 32)
        == "c22e7f0935f83ed7a0163bfd4f09a2014b94c9aa19dc681e7e781170dcfd1659");
    REQUIRE(derive("password", "somesaltsomesalt", 3, 256, 32)
        == "45712205ca8e0777e07eeb552e27165d3450b42ba9d9e646b9be536116b192cc");
    REQUIRE(derive("correct horse battery staple", "NaCl-salt-16byte", 4, 1 << 10, 64)
        == "506778f91f55d3e47aae2a9e72aa150575831b12ffc34e7e003c7b2725fec2ce4b0f7e71c3e8516585725da99c7005bf"
           "d68779ddc339a8b81498bf382a1c50ba");
}

TEST_CASE("Argon2id refuses parameters outside what it accepts", "[crypto][argon2][refusal]")
{
    auto salt = salt_of("somesaltsomesalt");
    std::span<u8 const, 16> salt_span(salt);
    std::vector<u8> work(1 << 20);
    std::vector<u8> output(32);

    std::vector<u8> short_output(15);
    auto result = argon2id(short_output, text_bytes("password"), salt_span, { 2, 64 }, work);
    REQUIRE(result.is_error());
    REQUIRE(result.error().code() == ErrorCode::InvalidArgument);
    REQUIRE(std::string(result.error().message()) == "Argon2id output shorter than 16 bytes");

    result = argon2id(output, text_bytes("password"), salt_span, { 0, 64 }, work);
    REQUIRE(result.is_error());
    REQUIRE(std::string(result.error().message()) == "Argon2id needs at least one pass");

    result = argon2id(output, text_bytes("password"), salt_span, { 2, 7 }, work);
    REQUIRE(result.is_error());
    REQUIRE(std::string(result.error().message()) == "Argon2id needs at least 8 KiB of memory");

    Argon2Parameters parameters { 2, 512 };
    std::vector<u8> small(argon2id_work_memory_size(parameters) - 1);
    result = argon2id(output, text_bytes("password"), salt_span, parameters, small);
    REQUIRE(result.is_error());
    REQUIRE(result.error().code() == ErrorCode::Full);
}
