/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/crypto against its references: BLAKE3 (the port of the official C code, through
 * vectra::crypto::Blake3) against Debian's b3sum (Rust, hand-written assembly, multithreaded)
 * hashing the same 64 MiB; Ed25519 verification through vectra::crypto against libsodium called
 * directly (the wrapper's cost).
 */

#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sodium/crypto_sign_ed25519.h>
#include <string>
#include <unistd.h>
#include <vector>
#include <vectra/crypto/Blake3.h>
#include <vectra/crypto/Ed25519.h>

namespace {

using namespace vectra;
using namespace vectra::crypto;

constexpr usize blake3_input_size = 64 * MiB;

std::vector<u8> const& blake3_input()
{
    static std::vector<u8> const input = [] {
        std::vector<u8> bytes(blake3_input_size);
        for (usize index = 0; index < bytes.size(); ++index)
            bytes[index] = static_cast<u8>(index % 251);
        return bytes;
    }();
    return input;
}

/* The same 64 MiB as a file, for b3sum (written once; the page cache serves every run). */
std::string const& blake3_input_file()
{
    static std::string const path = [] {
        std::string pattern = (std::filesystem::temp_directory_path() / "vectra-bench-blake3-XXXXXX").string();
        int descriptor = mkstemp(pattern.data());
        auto const& input = blake3_input();
        std::ofstream(pattern, std::ios::binary)
            .write(reinterpret_cast<char const*>(input.data()), static_cast<std::streamsize>(input.size()));
        close(descriptor);
        std::string name = pattern;
        std::atexit([] { unlink(blake3_input_file().c_str()); });
        return name;
    }();
    return path;
}

void blake3_ours(benchmark::State& state)
{
    auto const& input = blake3_input();
    for (auto _ : state) {
        auto digest = blake3(input);
        benchmark::DoNotOptimize(digest);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * input.size()));
}

void run_b3sum(benchmark::State& state, char const* options)
{
    std::string command = std::string("b3sum --no-names ") + options + " " + blake3_input_file();
    for (auto _ : state) {
        FILE* pipe = popen(command.c_str(), "r");
        if (pipe == nullptr) {
            state.SkipWithError("b3sum could not be started");
            return;
        }
        char line[128] {};
        bool read = fgets(line, sizeof(line), pipe) != nullptr;
        if (pclose(pipe) != 0 || !read) {
            state.SkipWithError("b3sum failed (is Debian's b3sum installed?)");
            return;
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * blake3_input_size));
}

void blake3_b3sum_one_thread(benchmark::State& state) { run_b3sum(state, "--num-threads 1"); }
void blake3_b3sum(benchmark::State& state) { run_b3sum(state, ""); }

struct SignedMessage {
    Ed25519KeyPair pair;
    std::array<u8, 64> message {};
    Ed25519Signature signature;
};

SignedMessage const& signed_message()
{
    static SignedMessage const value = [] {
        std::array<u8, 32> seed {};
        seed.fill(0x42);
        SignedMessage result { ed25519_key_pair_from_seed(Secret<32>::from_bytes(seed)), {}, {} };
        result.message.fill(0x17);
        result.signature = ed25519_sign(result.pair.secret_key, result.message);
        return result;
    }();
    return value;
}

void ed25519_verify_ours(benchmark::State& state)
{
    auto const& value = signed_message();
    for (auto _ : state) {
        auto result = ed25519_verify(value.pair.public_key, value.message, value.signature);
        benchmark::DoNotOptimize(result.is_error());
    }
}

void ed25519_verify_libsodium(benchmark::State& state)
{
    auto const& value = signed_message();
    for (auto _ : state) {
        int result = crypto_sign_ed25519_verify_detached(value.signature.bytes.data(), value.message.data(),
            value.message.size(), value.pair.public_key.bytes.data());
        benchmark::DoNotOptimize(result);
    }
}

}

BENCHMARK(blake3_ours)->Name("BM_blake3_64mib/ours")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(blake3_b3sum_one_thread)
    ->Name("BM_blake3_64mib/baseline_b3sum_one_thread")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(blake3_b3sum)->Name("BM_blake3_64mib/baseline_b3sum")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(ed25519_verify_ours)->Name("BM_ed25519_verify/ours");
BENCHMARK(ed25519_verify_libsodium)->Name("BM_ed25519_verify/baseline_libsodium");
