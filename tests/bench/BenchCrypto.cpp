/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/crypto against its references: BLAKE3 (the port of the official C code, through
 * vectra::crypto::Blake3) hashing 64 MiB in memory against Debian's b3sum (Rust, the same
 * hand-written assembly) hashing the same bytes from the page cache, with b3sum's process
 * start-up (timed on an empty file in the same iteration) subtracted — and once more with it,
 * as a separately named end-to-end row; Ed25519 verification through vectra::crypto against libsodium called
 * directly (the wrapper's cost).
 */

#include <benchmark/benchmark.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sodium/crypto_sign_ed25519.h>
#include <span>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
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

/* A file of its own holding `bytes`, removed at exit (the page cache serves every run). */
std::string write_temporary_file(std::span<u8 const> bytes)
{
    std::string pattern = (std::filesystem::temp_directory_path() / "vectra-bench-blake3-XXXXXX").string();
    int descriptor = mkstemp(pattern.data());
    std::ofstream(pattern, std::ios::binary)
        .write(reinterpret_cast<char const*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    close(descriptor);
    return pattern;
}

std::string const& blake3_input_file()
{
    static std::string const path = [] {
        std::string name = write_temporary_file(blake3_input());
        std::atexit([] { unlink(blake3_input_file().c_str()); });
        return name;
    }();
    return path;
}

std::string const& empty_file()
{
    static std::string const path = [] {
        std::string name = write_temporary_file({});
        std::atexit([] { unlink(empty_file().c_str()); });
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

/*
 * Seconds one `b3sum --no-names [--num-threads N] FILE` took from spawn to exit, started
 * directly (no shell) with its output read through a pipe; negative when it failed.
 */
double b3sum_seconds(char const* threads, std::string const& file)
{
    std::vector<char const*> arguments { "b3sum", "--no-names" };
    if (threads != nullptr) {
        arguments.push_back("--num-threads");
        arguments.push_back(threads);
    }
    arguments.push_back(file.c_str());
    arguments.push_back(nullptr);
    int pipe_ends[2];
    if (pipe(pipe_ends) != 0)
        return -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_ends[0]);
    auto start = std::chrono::steady_clock::now();
    pid_t child = -1;
    int spawned = posix_spawnp(&child, "b3sum", &actions, nullptr, const_cast<char* const*>(arguments.data()), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_ends[1]);
    char line[128];
    usize length = 0;
    for (ssize_t count; spawned == 0 && (count = read(pipe_ends[0], line, sizeof(line))) > 0;)
        length += static_cast<usize>(count);
    close(pipe_ends[0]);
    int status = 0;
    if (spawned != 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || length < 64)
        return -1;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/*
 * b3sum as a hasher: each iteration times b3sum on the 64 MiB file and, right after, on an empty
 * file, and reports the difference, so the process start-up both runs pay is not counted.
 * `with_start_up` reports the whole 64 MiB run instead (the end-to-end row).
 */
void run_b3sum(benchmark::State& state, char const* threads, bool with_start_up)
{
    double start_up_total = 0;
    for (auto _ : state) {
        double whole = b3sum_seconds(threads, blake3_input_file());
        double start_up = b3sum_seconds(threads, empty_file());
        if (whole < 0 || start_up < 0) {
            state.SkipWithError("b3sum failed (is Debian's b3sum installed?)");
            return;
        }
        start_up_total += start_up;
        state.SetIterationTime(with_start_up ? whole : std::max(whole - start_up, 1e-9));
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * blake3_input_size));
    state.counters["start_up_ms"] = start_up_total * 1e3 / static_cast<double>(state.iterations());
}

void blake3_b3sum_one_thread(benchmark::State& state) { run_b3sum(state, "1", false); }
void blake3_b3sum(benchmark::State& state) { run_b3sum(state, nullptr, false); }
void blake3_b3sum_process(benchmark::State& state) { run_b3sum(state, "1", true); }

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
    ->UseManualTime();
BENCHMARK(blake3_b3sum)->Name("BM_blake3_64mib/baseline_b3sum")->Unit(benchmark::kMillisecond)->UseManualTime();
BENCHMARK(blake3_b3sum_process)
    ->Name("BM_blake3_64mib/baseline_b3sum_process")
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime();
BENCHMARK(ed25519_verify_ours)->Name("BM_ed25519_verify/ours");
BENCHMARK(ed25519_verify_libsodium)->Name("BM_ed25519_verify/baseline_libsodium");
