/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * BoringSSL's memory from a carve the Task hands over (components/tls use_memory, core/libc's
 * Heap): the tls-selftest image's own checks (components/tls-selftest Scenario.cpp) run in a
 * fresh child process per carve size. Too little memory ends the handshake with an error and
 * the child exits normally (no crash, no panic, ASan clean); enough memory completes it, with
 * 64 KiB each way; the peak is reported, and a carve at the peak plus a margin is enough.
 */

#include <catch2/catch.hpp>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <vectra/Entropy.h>
#include <vectra/tls/Runtime.h>

#include "../../components/tls-selftest/src/Scenario.h"

using namespace vectra;

namespace {

struct Outcome {
    bool exited_normally;
    bool completed;
    ErrorCode code;
    usize peak;
    usize refusals;
    std::string message;
};

struct Report {
    int completed;
    u16 code;
    usize peak;
    usize refusals;
    char message[160];
};

/* One handshake and transfer in a child process whose BoringSSL has `bytes` of memory. */
Outcome run_with_memory(usize bytes)
{
    int channel[2];
    REQUIRE(pipe(channel) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(channel[0]);
        Report report {};
        static std::vector<u8> memory;
        memory.assign(bytes, 0);
        if (tls::use_memory(memory).is_error())
            _exit(2);
        PlatformEntropy entropy;
        auto generator = HighRng::create(entropy);
        if (generator.is_error())
            _exit(3);
        tls::use_random(generator.value());
        auto const& certificates = tls_selftest::built_certificates();
        auto session = tls_selftest::handshake_and_transfer(certificates, certificates.server, certificates.made_at,
            64 * KiB);
        report.completed = session.is_error() ? 0 : 1;
        report.code = session.is_error() ? static_cast<u16>(session.error().code()) : 0;
        if (session.is_error())
            std::snprintf(report.message, sizeof(report.message), "%s", session.error().message());
        report.peak = tls::memory_use().peak;
        report.refusals = tls::memory_use().refusals;
        if (write(channel[1], &report, sizeof(report)) != sizeof(report))
            _exit(4);
        _exit(0);
    }
    close(channel[1]);
    Report report {};
    bool reported = read(channel[0], &report, sizeof(report)) == sizeof(report);
    close(channel[0]);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    return { reported && WIFEXITED(status) && WEXITSTATUS(status) == 0, report.completed == 1,
        static_cast<ErrorCode>(report.code), report.peak, report.refusals, report.message };
}

}

TEST_CASE("tls memory: too small a carve fails the handshake cleanly, a large enough one completes it", "[tls]")
{
    /* From far too little to plenty: every child must exit normally, whatever its outcome. */
    std::vector<usize> sizes;
    for (usize kib = 4; kib <= 512; kib += kib < 64 ? 12 : 32)
        sizes.push_back(kib * KiB);
    std::vector<Outcome> outcomes;
    for (usize size : sizes) {
        INFO("carve " << size / KiB << " KiB");
        auto outcome = run_with_memory(size);
        REQUIRE(outcome.exited_normally);
        if (!outcome.completed) {
            /* Memory ran out. BoringSSL reports most allocation failures as such; its verifier
             * reports some as a verification result ("certificate is not yet valid" when the
             * time comparison could not allocate): still a refusal, never an acceptance. */
            INFO("error " << error_code_name(outcome.code) << ": " << outcome.message);
            REQUIRE(outcome.refusals > 0);
            REQUIRE((outcome.code == ErrorCode::OutOfMemory || outcome.code == ErrorCode::InvalidArgument));
        }
        outcomes.push_back(outcome);
    }
    REQUIRE(!outcomes.front().completed);
    REQUIRE(outcomes.back().completed);
    REQUIRE(outcomes.back().refusals == 0);
    /* Monotonic: once a carve is enough, every larger one is. */
    usize first_enough = 0;
    while (!outcomes[first_enough].completed)
        ++first_enough;
    for (usize index = first_enough; index < outcomes.size(); ++index)
        REQUIRE(outcomes[index].completed);
    usize peak = outcomes.back().peak;
    WARN("BoringSSL's peak for a TLS 1.3 handshake (P-256 certificates) and 64 KiB each way: " << peak / KiB
        << " KiB; the smallest carve tried that was enough: " << sizes[first_enough] / KiB << " KiB");
    REQUIRE(peak > 16 * KiB);
    REQUIRE(peak <= sizes[first_enough]);
    /* The peak plus an eighth for fragmentation is enough; three quarters of the peak is not. */
    CHECK(run_with_memory(peak + peak / 8).completed);
    auto short_of_peak = run_with_memory(peak * 3 / 4);
    CHECK(short_of_peak.exited_normally);
    CHECK(!short_of_peak.completed);
    CHECK(short_of_peak.refusals > 0);
}
