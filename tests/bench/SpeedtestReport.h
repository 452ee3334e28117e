/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Reads what SQLite's speedtest1 prints: its test lines (" 100 - 1000 INSERTs ...   0.037s"),
 * the TOTAL line, and the sqlite-speedtest image's own lines around them (the options it ran
 * speedtest1 with, its exit status). Used by bench_sqlite on the image's console and on the
 * native speedtest1's output; anything it does not recognise is refused with a sentence.
 */

#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vectra::bench {

struct SpeedtestReport {
    struct Test {
        int number { 0 };
        std::string name;
        long milliseconds { 0 };
    };
    std::vector<Test> tests;
    long total_milliseconds { -1 };
    std::string options; /* the image's "speedtest: speedtest1 OPTIONS --vfs" line, else empty */
    int exit_status { -1 }; /* the image's "speedtest1 exited with status N" line, else -1 */
};

namespace speedtest_detail {

/* "S.MMMs" with S digits and exactly three digits of milliseconds, as speedtest1 prints it. */
inline std::optional<long> parse_seconds(std::string_view text)
{
    if (text.size() < 6 || text.back() != 's')
        return std::nullopt;
    text.remove_suffix(1);
    std::size_t point = text.find('.');
    if (point == std::string_view::npos || point == 0 || text.size() - point - 1 != 3 || point > 9)
        return std::nullopt;
    long value = 0;
    for (std::size_t index = 0; index < text.size(); ++index) {
        if (index == point)
            continue;
        if (text[index] < '0' || text[index] > '9')
            return std::nullopt;
        value = value * 10 + (text[index] - '0');
    }
    return value;
}

/* The last word of a line (after the dots and spaces) as seconds; the rest before the dots as `head`. */
inline std::optional<long> split_timed(std::string_view line, std::string_view& head)
{
    std::size_t space = line.find_last_of(' ');
    if (space == std::string_view::npos)
        return std::nullopt;
    auto seconds = parse_seconds(line.substr(space + 1));
    if (!seconds)
        return std::nullopt;
    std::string_view rest = line.substr(0, space);
    while (!rest.empty() && rest.back() == ' ')
        rest.remove_suffix(1);
    std::size_t dots = rest.size();
    while (dots > 0 && rest[dots - 1] == '.')
        --dots;
    if (dots == rest.size())
        return std::nullopt; /* speedtest1 always pads the name with at least one dot */
    head = rest.substr(0, dots);
    return seconds;
}

}

/*
 * The report in `output` (other lines, such as the image's boot lines, are skipped). Fails with
 * a sentence in `problem` when there is no TOTAL, a test or TOTAL line is malformed, a test
 * number repeats, or TOTAL is not the sum of the tests (speedtest1 adds the same rounded values).
 */
inline std::optional<SpeedtestReport> parse_speedtest_report(std::string_view output, std::string& problem)
{
    SpeedtestReport report;
    constexpr std::string_view options_prefix = "speedtest: speedtest1 ";
    constexpr std::string_view options_suffix = " --vfs ";
    constexpr std::string_view status_prefix = "speedtest: speedtest1 exited with status ";
    long sum = 0;
    while (!output.empty()) {
        std::size_t end = output.find('\n');
        std::string_view line = output.substr(0, end);
        output = end == std::string_view::npos ? std::string_view() : output.substr(end + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.starts_with(status_prefix)) {
            std::string_view digits = line.substr(status_prefix.size());
            int status = 0;
            std::size_t count = 0;
            while (count < digits.size() && count < 4 && digits[count] >= '0' && digits[count] <= '9')
                status = status * 10 + (digits[count++] - '0');
            if (count == 0) {
                problem = "the exit status line has no number: " + std::string(line);
                return std::nullopt;
            }
            report.exit_status = status;
            continue;
        }
        if (line.starts_with(options_prefix)) {
            std::size_t vfs = line.find(options_suffix);
            if (vfs != std::string_view::npos)
                report.options = std::string(line.substr(options_prefix.size(), vfs - options_prefix.size()));
            continue;
        }
        std::string_view trimmed = line;
        while (!trimmed.empty() && trimmed.front() == ' ')
            trimmed.remove_prefix(1);
        if (trimmed.starts_with("TOTAL.")) {
            std::string_view head;
            auto total = speedtest_detail::split_timed(trimmed, head);
            if (!total || head != "TOTAL") {
                problem = "a malformed TOTAL line: " + std::string(line);
                return std::nullopt;
            }
            if (report.total_milliseconds >= 0) {
                problem = "two TOTAL lines";
                return std::nullopt;
            }
            report.total_milliseconds = *total;
            continue;
        }
        /* A test line: "NNN - name.... S.MMMs". */
        std::size_t dash = trimmed.find(" - ");
        if (dash == std::string_view::npos || dash == 0 || dash > 4)
            continue;
        int number = 0;
        bool digits = true;
        for (char character : trimmed.substr(0, dash)) {
            digits = digits && character >= '0' && character <= '9';
            number = number * 10 + (character - '0');
        }
        if (!digits)
            continue;
        std::string_view head;
        auto milliseconds = speedtest_detail::split_timed(trimmed, head);
        if (!milliseconds) {
            problem = "a test line without its time: " + std::string(line);
            return std::nullopt;
        }
        for (auto const& test : report.tests) {
            if (test.number == number) {
                problem = "test " + std::to_string(number) + " is reported twice";
                return std::nullopt;
            }
        }
        report.tests.push_back({ number, std::string(head.substr(dash + 3)), *milliseconds });
        sum += *milliseconds;
    }
    if (report.total_milliseconds < 0) {
        problem = "no TOTAL line: speedtest1 did not finish";
        return std::nullopt;
    }
    if (report.tests.empty()) {
        problem = "a TOTAL line without any test line";
        return std::nullopt;
    }
    if (sum != report.total_milliseconds) {
        problem = "TOTAL " + std::to_string(report.total_milliseconds) + " ms is not the sum of the tests, "
            + std::to_string(sum) + " ms";
        return std::nullopt;
    }
    return report;
}

}
