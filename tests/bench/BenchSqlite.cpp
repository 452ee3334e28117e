/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * SQLite's speedtest1 in the hosted sqlite-speedtest image (the whole image booted as a process:
 * speedtest1 in a Task, its database on vfsd's store at /data over the hosted block driver on a
 * disk file) against the same speedtest1.c built on the host against Debian's libsqlite3, with
 * the same options, on a file of the host's filesystem. Each iteration's time is speedtest1's own
 * TOTAL (the sum of its tests' times; boot, database removal and start-up are outside it), read
 * from each side's report (SpeedtestReport.h). ./vectra bench builds the image and names it and
 * its disk in VECTRA_BENCH_SPEEDTEST_IMAGE and VECTRA_BENCH_SPEEDTEST_DISK.
 */

#include "SpeedtestReport.h"
#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

using vectra::bench::SpeedtestReport;

/* The command's standard output and error, and whether it exited with status 0. */
bool run_command(std::string const& command, std::string& output)
{
    output.clear();
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr)
        return false;
    char buffer[4096];
    size_t count;
    while ((count = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
        output.append(buffer, count);
    int status = pclose(pipe);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string quoted(std::string const& text) { return "'" + text + "'"; }

/* A copy of the image's built disk (tests never write the built one), removed at exit. */
char disk_copy[] = "/tmp/vectra-bench-speedtest-disk-XXXXXX";
char native_database[] = "/tmp/vectra-bench-speedtest-native-XXXXXX";

struct Setup {
    std::string image;
    std::string options; /* as the image ran speedtest1: the baseline runs with the same */
    std::string problem;
};

/* One boot of the image, parsed. */
std::optional<SpeedtestReport> boot_image(std::string const& image, std::string& problem)
{
    std::string output;
    if (!run_command(quoted(image) + " --disk=" + quoted(disk_copy), output)) {
        problem = "the sqlite-speedtest image did not power off with status 0";
        return std::nullopt;
    }
    auto report = vectra::bench::parse_speedtest_report(output, problem);
    if (report && report->exit_status != 0) {
        problem = "speedtest1 in the image exited with status " + std::to_string(report->exit_status);
        return std::nullopt;
    }
    return report;
}

Setup const& setup()
{
    static Setup setup = [] {
        Setup made;
        char const* image = std::getenv("VECTRA_BENCH_SPEEDTEST_IMAGE");
        char const* disk = std::getenv("VECTRA_BENCH_SPEEDTEST_DISK");
        if (image == nullptr || disk == nullptr) {
            made.problem = "VECTRA_BENCH_SPEEDTEST_IMAGE and _DISK are unset: run it through ./vectra bench";
            return made;
        }
        made.image = image;
        int descriptor = mkstemp(disk_copy);
        int database = mkstemp(native_database);
        if (descriptor < 0 || database < 0) {
            made.problem = "cannot make temporary files in /tmp";
            return made;
        }
        close(descriptor);
        close(database);
        std::atexit([] {
            unlink(disk_copy);
            unlink(native_database);
            std::string wal = std::string(native_database) + "-wal";
            unlink(wal.c_str());
        });
        std::error_code error;
        std::filesystem::copy_file(disk, disk_copy, std::filesystem::copy_options::overwrite_existing, error);
        if (error) {
            made.problem = "cannot copy the image's disk: " + error.message();
            return made;
        }
        /* A first boot formats the store and names the options; its numbers are not used. */
        auto first = boot_image(made.image, made.problem);
        if (!first)
            return made;
        if (first->options.empty())
            made.problem = "the image did not say which options it ran speedtest1 with";
        made.options = first->options;
        return made;
    }();
    return setup;
}

void report_iteration(benchmark::State& state, std::optional<SpeedtestReport> const& report, std::string const& problem)
{
    if (!report) {
        state.SkipWithError(problem.c_str());
        return;
    }
    state.SetIterationTime(static_cast<double>(report->total_milliseconds) / 1000.0);
    state.counters["tests"] = static_cast<double>(report->tests.size());
}

void BM_sqlite_speedtest_ours(benchmark::State& state)
{
    auto const& made = setup();
    if (!made.problem.empty()) {
        state.SkipWithError(made.problem.c_str());
        return;
    }
    for (auto _ : state) {
        std::string problem;
        auto report = boot_image(made.image, problem);
        report_iteration(state, report, problem);
        if (!report)
            return;
    }
}

void BM_sqlite_speedtest_native(benchmark::State& state)
{
    auto const& made = setup();
    if (!made.problem.empty()) {
        state.SkipWithError(made.problem.c_str());
        return;
    }
    for (auto _ : state) {
        /* speedtest1 removes its database (and its WAL) itself before it starts. */
        std::string output;
        std::string problem;
        std::optional<SpeedtestReport> report;
        if (!run_command(std::string(VECTRA_SPEEDTEST_NATIVE) + " " + made.options + " " + quoted(native_database), output))
            problem = "the native speedtest1 failed: " + output.substr(0, 200);
        else
            report = vectra::bench::parse_speedtest_report(output, problem);
        report_iteration(state, report, problem);
        if (!report)
            return;
    }
}

}

/* Each iteration boots a whole image or runs a whole program: a few iterations are plenty. */
BENCHMARK(BM_sqlite_speedtest_ours)->Name("BM_sqlite_speedtest/ours")->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_sqlite_speedtest_native)->Name("BM_sqlite_speedtest/baseline_native_libsqlite3")->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
