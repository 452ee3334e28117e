/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * bench_sqlite's reader of speedtest1's report (tests/bench/SpeedtestReport.h): a real report
 * as the sqlite-speedtest image prints it (boot lines, another Task's line between two test
 * lines), the native program's bare report, and every way a report can be cut or garbled.
 */

#include "../bench/SpeedtestReport.h"
#include <catch2/catch.hpp>
#include <string>

using vectra::bench::parse_speedtest_report;

namespace {

constexpr char const* image_console = "vectra: booting image sqlite-speedtest on hosted\n"
                                      "initd: spawned speedtest\n"
                                      "speedtest: speedtest1 --size 2 --testset main --exclusive --journal wal --vfs (vfsd) /data/speedtest.db\n"
                                      "-- Speedtest1 for SQLite 3.40.1 2022-12-28 14:03:47 df5c253c0b3dd24916e4ec7cf77d\n"
                                      " 100 - 1000 INSERTs into table with no index.......................    0.037s\n"
                                      "vectra: task storaged ran 321 ms without waiting\n"
                                      " 110 - 1000 ordered INSERTS with one index/PK......................    0.022s\n"
                                      " 980 - PRAGMA integrity_check......................................    0.003s\n"
                                      "1000 - a four-digit test number....................................   12.345s\n"
                                      "       TOTAL.......................................................   12.407s\n"
                                      "speedtest: speedtest1 exited with status 0; SQLite's heap high water 1674 KiB of 8192 KiB\n"
                                      "vectra: power off, status 0\n";

std::string problem_of(std::string const& text)
{
    std::string problem;
    auto report = parse_speedtest_report(text, problem);
    REQUIRE_FALSE(report.has_value());
    REQUIRE_FALSE(problem.empty());
    return problem;
}

}

TEST_CASE("the image's console: every test, TOTAL, the options and the exit status", "[speedtest]")
{
    std::string problem;
    auto report = parse_speedtest_report(image_console, problem);
    INFO(problem);
    REQUIRE(report.has_value());
    REQUIRE(report->tests.size() == 4);
    REQUIRE(report->tests[0].number == 100);
    REQUIRE(report->tests[0].name == "1000 INSERTs into table with no index");
    REQUIRE(report->tests[0].milliseconds == 37);
    REQUIRE(report->tests[2].name == "PRAGMA integrity_check");
    REQUIRE(report->tests[3].number == 1000);
    REQUIRE(report->tests[3].milliseconds == 12345);
    REQUIRE(report->total_milliseconds == 12407);
    REQUIRE(report->options == "--size 2 --testset main --exclusive --journal wal");
    REQUIRE(report->exit_status == 0);
}

TEST_CASE("the native program's bare report, CR-LF lines too", "[speedtest]")
{
    std::string problem;
    auto report = parse_speedtest_report("-- Speedtest1 for SQLite 3.40.1\r\n 100 - one......    0.005s\r\n"
                                         "       TOTAL...    0.005s\r\n",
        problem);
    INFO(problem);
    REQUIRE(report.has_value());
    REQUIRE(report->tests.size() == 1);
    REQUIRE(report->total_milliseconds == 5);
    REQUIRE(report->options.empty());
    REQUIRE(report->exit_status == -1);
}

TEST_CASE("a failed exit status is read, not hidden", "[speedtest]")
{
    std::string text = " 100 - one......    0.005s\n       TOTAL...    0.005s\nspeedtest: speedtest1 exited with status 1; x\n";
    std::string problem;
    auto report = parse_speedtest_report(text, problem);
    REQUIRE(report.has_value());
    REQUIRE(report->exit_status == 1);
    REQUIRE(problem_of("speedtest: speedtest1 exited with status x\n").find("no number") != std::string::npos);
}

TEST_CASE("cut and garbled reports are refused with a sentence", "[speedtest]")
{
    /* A test interrupted (speedtest1 prints its SQL error after the dots), or a report cut before TOTAL. */
    REQUIRE(problem_of(" 100 - one......    0.005s\n 110 - two....... SQL error: database or disk is full\n")
                .find("without its time") != std::string::npos);
    REQUIRE(problem_of(" 100 - one......    0.005s\n 110 - two.......    0.001s\n").find("no TOTAL") != std::string::npos);
    REQUIRE(problem_of("").find("no TOTAL") != std::string::npos);
    /* TOTAL with no tests, twice, or not the sum. */
    REQUIRE(problem_of("       TOTAL...    0.000s\n").find("without any test") != std::string::npos);
    REQUIRE(problem_of(" 100 - one...    0.001s\n       TOTAL...    0.001s\n       TOTAL...    0.001s\n")
                .find("two TOTAL") != std::string::npos);
    REQUIRE(problem_of(" 100 - one...    0.001s\n 110 - two...    0.002s\n       TOTAL...    0.004s\n")
                .find("not the sum") != std::string::npos);
    /* A test twice. */
    REQUIRE(problem_of(" 100 - one...    0.001s\n 100 - one...    0.001s\n       TOTAL...    0.002s\n")
                .find("twice") != std::string::npos);
    /* Malformed times: too few or too many millisecond digits, no seconds, letters, no 's', no dots. */
    char const* bad_tests[] = {
        " 100 - one...    0.01s\n", " 100 - one...    0.0001s\n", " 100 - one...    .001s\n",
        " 100 - one...    0.0a1s\n", " 100 - one...    0.001\n", " 100 - one    0.001s\n",
        " 100 - one...    1234567890.001s\n",
    };
    for (char const* line : bad_tests) {
        INFO(line);
        REQUIRE(problem_of(std::string(line) + "       TOTAL...    0.001s\n").find("without its time") != std::string::npos);
    }
    char const* bad_totals[] = { "       TOTAL...    0.01s\n", "       TOTAL...\n", "       TOTAL.x..    0.001s\n" };
    for (char const* line : bad_totals) {
        INFO(line);
        REQUIRE(problem_of(std::string(" 100 - one...    0.001s\n") + line).find("malformed TOTAL") != std::string::npos);
    }
}

TEST_CASE("lines that only look like tests are skipped", "[speedtest]")
{
    std::string problem;
    /* Not a number before " - ", a number too long to be a test's, the help text's option lines. */
    auto report = parse_speedtest_report("abc - x...    1.000s\n12345 - y...    1.000s\n  --size N   Relative test size\n"
                                         " 100 - one...    0.001s\n       TOTAL...    0.001s\n",
        problem);
    INFO(problem);
    REQUIRE(report.has_value());
    REQUIRE(report->tests.size() == 1);
}
