/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * BLAKE3 (the port of the official C implementation) against Debian's b3sum, an independent
 * implementation (Rust), on generated inputs: plain, keyed, derive-key and extendable output.
 */

#include "CryptoTestSupport.h"
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>
#include <vectra/crypto/Blake3.h>

using namespace vectra;
using namespace vectra::crypto;
using test::to_hex;

namespace {

/* BLAKE3's own test-vector input: byte i is i mod 251. */
std::vector<u8> generated_input(usize length)
{
    std::vector<u8> input(length);
    for (usize index = 0; index < length; ++index)
        input[index] = static_cast<u8>(index % 251);
    return input;
}

class TemporaryFile {
public:
    explicit TemporaryFile(std::span<u8 const> contents)
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "vectra-blake3-XXXXXX").string();
        int descriptor = mkstemp(pattern.data());
        REQUIRE(descriptor >= 0);
        m_path = pattern;
        std::ofstream(m_path, std::ios::binary)
            .write(reinterpret_cast<char const*>(contents.data()), static_cast<std::streamsize>(contents.size()));
        close(descriptor);
    }
    ~TemporaryFile() { unlink(m_path.c_str()); }
    std::string const& path() const { return m_path; }

private:
    std::string m_path;
};

/* b3sum's hex output for `arguments` (the command must print one line). */
std::string b3sum(std::string const& arguments)
{
    std::string command = "b3sum --no-names " + arguments;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buffer[4096];
    while (fgets(buffer, sizeof(buffer), pipe) != nullptr)
        output += buffer;
    int status = pclose(pipe);
    INFO("command: " << command);
    REQUIRE(status == 0); /* b3sum is in tools/vectra/packages.txt: it must be installed */
    while (!output.empty() && (output.back() == '\n' || output.back() == ' '))
        output.pop_back();
    return output;
}

constexpr usize sizes[] = { 0, 1, 63, 64, 65, 1023, 1024, 1025, 2048, 2049, 3072, 8193, 31744, 102400, 1 << 20 };

}

TEST_CASE("BLAKE3 hashes agree with b3sum", "[crypto][blake3]")
{
    for (usize size : sizes) {
        INFO("size " << size);
        auto input = generated_input(size);
        TemporaryFile file(input);
        REQUIRE(to_hex(blake3(input).bytes) == b3sum(file.path()));
    }
}

TEST_CASE("BLAKE3 keyed hashes agree with b3sum --keyed", "[crypto][blake3]")
{
    std::array<u8, 32> key_bytes {};
    for (usize index = 0; index < 32; ++index)
        key_bytes[index] = static_cast<u8>(0x40 + index);
    TemporaryFile key_file(key_bytes);
    auto key = Secret<32>::from_bytes(key_bytes);
    for (usize size : sizes) {
        INFO("size " << size);
        auto input = generated_input(size);
        TemporaryFile file(input);
        REQUIRE(to_hex(blake3_keyed(key, input).bytes) == b3sum("--keyed " + file.path() + " < " + key_file.path()));
    }
}

TEST_CASE("BLAKE3 key derivation agrees with b3sum --derive-key", "[crypto][blake3]")
{
    constexpr char context[] = "vectra 2026-11 host test: blake3 derive-key";
    for (usize size : { 0u, 32u, 1025u, 4096u }) {
        auto input = generated_input(size);
        TemporaryFile file(input);
        auto key = blake3_derive_key(context, input);
        REQUIRE(to_hex(key.reveal()) == b3sum("--derive-key '" + std::string(context) + "' " + file.path()));
    }
}

TEST_CASE("BLAKE3 extendable output agrees with b3sum --length, from any offset", "[crypto][blake3]")
{
    auto input = generated_input(1025);
    TemporaryFile file(input);
    std::string long_output = b3sum("--length 1000 " + file.path());
    Blake3 hasher;
    hasher.update(input);
    std::vector<u8> output(1000);
    hasher.finalize(output);
    REQUIRE(to_hex(output) == long_output);
    for (usize offset : { 1u, 63u, 64u, 65u, 500u }) {
        std::vector<u8> part(200);
        hasher.finalize(part, offset);
        REQUIRE(to_hex(part) == long_output.substr(2 * offset, 400));
    }
    /* The first 32 bytes of the extended output are the ordinary hash. */
    REQUIRE(to_hex(hasher.finalize().bytes) == long_output.substr(0, 64));
}

TEST_CASE("BLAKE3 gives the same hash however the input is split", "[crypto][blake3]")
{
    auto input = generated_input(10000);
    auto whole = blake3(input);
    Blake3 hasher;
    usize offset = 0;
    for (usize piece : { 1u, 63u, 1024u, 1u, 5000u }) {
        hasher.update(std::span<u8 const>(input).subspan(offset, piece));
        offset += piece;
    }
    hasher.update(std::span<u8 const>(input).subspan(offset));
    REQUIRE(hasher.finalize().bytes == whole.bytes);
}

TEST_CASE("BLAKE3 of the empty input is the published value", "[crypto][blake3]")
{
    REQUIRE(to_hex(blake3({}).bytes) == "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
}
