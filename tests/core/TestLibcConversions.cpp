/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/libc's formatting, parsing, sorting, calendar and ctype functions against glibc's: the
 * same output, return values, end pointers and errno for the same inputs, edge cases included.
 */

#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>
#include <vectra/libc/Libc.h>

using namespace vectra;

namespace {

struct Formatted {
    std::string text;
    int length;
};

Formatted ours(usize size, char const* format, ...)
{
    std::vector<char> buffer(size + 1, '@');
    va_list arguments;
    va_start(arguments, format);
    int length = libc::format_text(size == 0 ? nullptr : buffer.data(), size, format, arguments);
    va_end(arguments);
    /* The byte after the limit is never written. */
    REQUIRE(buffer[size] == '@');
    return { size == 0 ? std::string() : std::string(buffer.data()), length };
}

Formatted glibc(usize size, char const* format, ...)
{
    std::vector<char> buffer(size + 1, '@');
    va_list arguments;
    va_start(arguments, format);
    int length = std::vsnprintf(size == 0 ? nullptr : buffer.data(), size, format, arguments);
    va_end(arguments);
    return { size == 0 ? std::string() : std::string(buffer.data()), length };
}

/* Same format and arguments through both, at a roomy size and at every truncating size. */
#define SAME_FORMAT(format, ...)                                                                                      \
    do {                                                                                                              \
        auto const expected = glibc(256, format, __VA_ARGS__);                                                        \
        INFO("format \"" << format << "\" glibc \"" << expected.text << "\"");                                       \
        auto const got = ours(256, format, __VA_ARGS__);                                                              \
        REQUIRE(got.text == expected.text);                                                                           \
        REQUIRE(got.length == expected.length);                                                                       \
        for (usize size = 0; size <= expected.text.size(); ++size) {                                                 \
            auto const short_expected = glibc(size, format, __VA_ARGS__);                                             \
            auto const short_got = ours(size, format, __VA_ARGS__);                                                   \
            REQUIRE(short_got.text == short_expected.text);                                                           \
            REQUIRE(short_got.length == short_expected.length);                                                       \
        }                                                                                                             \
    } while (0)

}

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat"
#pragma clang diagnostic ignored "-Wformat-security"

TEST_CASE("format_text formats integers as glibc's vsnprintf does", "[libc]")
{
    char const* formats[] = { "%d", "%i", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%.0d", "%8.3d", "%-8.3d|",
        "%+05d", "% 05d", "%u", "%x", "%X", "%#x", "%#X", "%#o", "%o", "%#.0o", "%.0x", "%#08x", "%-#8x|", "%08.3x",
        "%0-6d|", "%+u", "% x" };
    int values[] = { 0, 1, -1, 7, 42, -42, 255, 4096, INT_MAX, INT_MIN, 100000 };
    for (char const* format : formats) {
        for (int value : values)
            SAME_FORMAT(format, value);
    }
    SAME_FORMAT("%ld %lu %lx", LONG_MIN, ULONG_MAX, ULONG_MAX);
    SAME_FORMAT("%lld %llu %llX", LLONG_MIN, ULLONG_MAX, 0x1234abcdULL);
    SAME_FORMAT("%hhd %hhu %hd %hu", 200, 300, 70000, 70000);
    SAME_FORMAT("%zu %zd %zx", SIZE_MAX, static_cast<ssize_t>(-5), static_cast<size_t>(0xabc));
    SAME_FORMAT("%jd %ju %td", INTMAX_MIN, UINTMAX_MAX, static_cast<ptrdiff_t>(-77));
    SAME_FORMAT("%*d|%-*d|%*d", 6, 12, 6, 12, -6, 12);
    SAME_FORMAT("%.*d|%.*d", 4, 7, -1, 7);
}

TEST_CASE("format_text formats strings, characters, pointers and %% as glibc's vsnprintf does", "[libc]")
{
    SAME_FORMAT("%s|%10s|%-10s|%.2s|%.0s|%5.1s", "text", "text", "text", "text", "text", "text");
    SAME_FORMAT("%s and %.3s and %.6s and %10s", static_cast<char const*>(nullptr), static_cast<char const*>(nullptr),
        static_cast<char const*>(nullptr), static_cast<char const*>(nullptr));
    SAME_FORMAT("%c%c%c|%3c|%-3c|", 'a', 0xff, 'z', 'q', 'r');
    SAME_FORMAT("%p|%20p|%-20p|", reinterpret_cast<void*>(0xdeadbeefUL), reinterpret_cast<void*>(0x1000UL),
        reinterpret_cast<void*>(0x1000UL));
    SAME_FORMAT("%p|%10p|", static_cast<void*>(nullptr), static_cast<void*>(nullptr));
    SAME_FORMAT("100%% sure, %d%%", 5);
    SAME_FORMAT("%s:%d:%s", "error", 42, "bn_lib.c");
    SAME_FORMAT("%s", "");
    /* The strings BoringSSL's error queue formats. */
    SAME_FORMAT("error:%08x:%s:OPENSSL_internal:%s", 0x1e000065u, "SSL routines", "CERTIFICATE_VERIFY_FAILED");
    std::string long_text(300, 'x');
    SAME_FORMAT("[%s]", long_text.c_str());
}

TEST_CASE("format_text refuses floating point and %n with -1 and EINVAL, writing a terminated prefix", "[libc]")
{
    char buffer[32];
    for (char const* format : { "a%fb", "a%nb", "a%eb", "a%lsb", "a%", "a%Lfb" }) {
        INFO("format " << format);
        *libc::error_number_location() = 0;
        std::memset(buffer, '@', sizeof(buffer));
        auto refused = ours(sizeof(buffer) - 1, format, 1.5);
        REQUIRE(refused.length == -1);
        REQUIRE(*libc::error_number_location() == EINVAL);
        REQUIRE(refused.text == "a");
    }
}

TEST_CASE("format_to hands every byte to its sink and counts them", "[libc]")
{
    std::string collected;
    auto sink = [](void* context, char const* bytes, usize count) {
        static_cast<std::string*>(context)->append(bytes, count);
    };
    auto call = [&](char const* format, ...) {
        va_list arguments;
        va_start(arguments, format);
        int length = libc::format_to(sink, &collected, format, arguments);
        va_end(arguments);
        return length;
    };
    std::string long_text(5000, 'y');
    REQUIRE(call("%s=%d", long_text.c_str(), -3) == 5003);
    REQUIRE(collected == long_text + "=-3");
}

#pragma clang diagnostic pop

TEST_CASE("parse_unsigned_long and parse_long answer as glibc's strtoul and strtol do", "[libc]")
{
    char const* texts[] = { "", "0", "1", "-1", "+1", "  42", "\t\n 42xyz", "42 ", "-", "+", " -0", "0x", "0X1f",
        "0x1G", "0xg", "007", "08", "0b101", "z", "Z9", "zz", "18446744073709551615", "18446744073709551616",
        "-18446744073709551615", "-18446744073709551616", "99999999999999999999999999", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "0xffffffffffffffff",
        "0x10000000000000000", "777777777777777777777777", "1111", "  +0x7fffffffffffffff", "---1", "1e5", "\xff\x31" };
    int bases[] = { 0, 2, 8, 10, 16, 36, 1, 37, -1, 3, 11 };
    for (char const* text : texts) {
        for (int base : bases) {
            INFO("text \"" << text << "\" base " << base);
            char* our_end = nullptr;
            char* glibc_end = nullptr;
            *libc::error_number_location() = 0;
            errno = 0;
            unsigned long our_value = libc::parse_unsigned_long(text, &our_end, base);
            unsigned long glibc_value = std::strtoul(text, &glibc_end, base);
            REQUIRE(our_value == glibc_value);
            REQUIRE(our_end == glibc_end);
            REQUIRE(*libc::error_number_location() == errno);

            *libc::error_number_location() = 0;
            errno = 0;
            our_end = nullptr;
            glibc_end = nullptr;
            long our_signed = libc::parse_long(text, &our_end, base);
            long glibc_signed = std::strtol(text, &glibc_end, base);
            REQUIRE(our_signed == glibc_signed);
            /* For an invalid base glibc leaves the end pointer alone (ASan's strtol interceptor
             * sets it, so the comparison is with glibc's documented behaviour). */
            bool invalid_base = base < 0 || base == 1 || base > 36;
            REQUIRE(our_end == (invalid_base ? nullptr : glibc_end));
            REQUIRE(*libc::error_number_location() == errno);
        }
    }
    /* A null end pointer is allowed. */
    REQUIRE(libc::parse_unsigned_long("123", nullptr, 10) == 123);
}

namespace {

int compare_ints(void const* left, void const* right)
{
    int a = *static_cast<int const*>(left);
    int b = *static_cast<int const*>(right);
    return (a > b) - (a < b);
}

struct Record {
    u32 key;
    char payload[13];
};

int compare_records(void const* left, void const* right)
{
    u32 a = static_cast<Record const*>(left)->key;
    u32 b = static_cast<Record const*>(right)->key;
    return (a > b) - (a < b);
}

}

TEST_CASE("sort orders as std::sort does, for every length up to 70 and larger random arrays", "[libc]")
{
    std::mt19937 random(12);
    for (usize count = 0; count < 70; ++count) {
        for (int shape = 0; shape < 5; ++shape) {
            std::vector<int> values(count);
            for (usize index = 0; index < count; ++index) {
                values[index] = shape == 0 ? static_cast<int>(random())
                    : shape == 1           ? static_cast<int>(index)
                    : shape == 2           ? static_cast<int>(count - index)
                    : shape == 3           ? static_cast<int>(random() % 3)
                                           : 7;
            }
            if (shape == 0 && count > 2)
                values[1] = INT_MIN, values[2] = INT_MAX;
            auto expected = values;
            std::sort(expected.begin(), expected.end());
            libc::sort(values.data(), values.size(), sizeof(int), compare_ints);
            INFO("count " << count << " shape " << shape);
            REQUIRE(values == expected);
        }
    }
    /* Odd-sized elements with payloads; duplicate keys: a permutation, ordered by key. */
    std::vector<Record> records(5000);
    for (usize index = 0; index < records.size(); ++index) {
        records[index].key = static_cast<u32>(random() % 1000);
        std::snprintf(records[index].payload, sizeof(records[index].payload), "%zu", index);
    }
    auto original = records;
    libc::sort(records.data(), records.size(), sizeof(Record), compare_records);
    for (usize index = 1; index < records.size(); ++index)
        REQUIRE(records[index - 1].key <= records[index].key);
    std::vector<bool> seen(records.size());
    for (auto const& record : records) {
        usize index = std::strtoul(record.payload, nullptr, 10);
        REQUIRE(!seen[index]);
        REQUIRE(original[index].key == record.key);
        seen[index] = true;
    }
}

TEST_CASE("binary_search finds what glibc's bsearch finds", "[libc]")
{
    for (usize count = 0; count < 40; ++count) {
        std::vector<int> values(count);
        for (usize index = 0; index < count; ++index)
            values[index] = static_cast<int>(index * 3);
        for (int key = -2; key < static_cast<int>(count * 3 + 2); ++key) {
            int const* data = count == 0 ? &key : values.data(); /* glibc's wants a non-null base */
            auto* ours = libc::binary_search(&key, data, count, sizeof(int), compare_ints);
            auto* theirs = std::bsearch(&key, data, count, sizeof(int), compare_ints);
            INFO("count " << count << " key " << key);
            REQUIRE(ours == theirs);
        }
    }
}

namespace {

void require_same_calendar(i64 seconds)
{
    INFO("seconds " << seconds);
    time_t time = static_cast<time_t>(seconds);
    struct tm expected {};
    REQUIRE(gmtime_r(&time, &expected) != nullptr);
    libc::CalendarTime got {};
    REQUIRE(libc::calendar_from_unix(seconds, got));
    REQUIRE(got.second == expected.tm_sec);
    REQUIRE(got.minute == expected.tm_min);
    REQUIRE(got.hour == expected.tm_hour);
    REQUIRE(got.day_of_month == expected.tm_mday);
    REQUIRE(got.month == expected.tm_mon);
    REQUIRE(got.years_since_1900 == expected.tm_year);
    REQUIRE(got.day_of_week == expected.tm_wday);
    REQUIRE(got.day_of_year == expected.tm_yday);
    REQUIRE(got.daylight_saving == expected.tm_isdst);
}

}

TEST_CASE("calendar_from_unix splits times as glibc's gmtime_r does, leap years and 2038+ included", "[libc]")
{
    /* Every day's first and last second from 1899 to 2106 (leap days, 2000, 2100 and 1900 not
     * leap, the 32-bit rollover at 2038-01-19 03:14:07 and 2106-02-07). */
    for (i64 day = -25600; day < 50500; ++day) {
        require_same_calendar(day * 86400);
        require_same_calendar(day * 86400 + 86399);
    }
    for (i64 seconds : { i64(0), i64(-1), i64(INT32_MAX), i64(INT32_MAX) + 1, i64(UINT32_MAX), i64(UINT32_MAX) + 1,
             i64(951782400) /* 2000-02-29 */, i64(4107456000) /* 2100-02-28 */, i64(253402300799) /* 9999-12-31 */,
             -i64(62135596800) /* 0001-01-01 */, i64(1) << 40, -(i64(1) << 40), i64(1) << 55, -(i64(1) << 55) })
        require_same_calendar(seconds);
    std::mt19937_64 random(7);
    for (int round = 0; round < 100000; ++round)
        require_same_calendar(static_cast<i64>(random() % (u64(1) << 42)) - (i64(1) << 41));
}

TEST_CASE("calendar_from_unix refuses times beyond 2^55 seconds with EOVERFLOW", "[libc]")
{
    libc::CalendarTime result {};
    for (i64 seconds : { (i64(1) << 55) + 1, -(i64(1) << 55) - 1, INT64_MAX, INT64_MIN }) {
        *libc::error_number_location() = 0;
        REQUIRE(!libc::calendar_from_unix(seconds, result));
        REQUIRE(*libc::error_number_location() == EOVERFLOW);
    }
}

TEST_CASE("the ctype functions answer as glibc's do in the C locale, for every byte and EOF", "[libc]")
{
    for (int character = -1; character <= 255; ++character) {
        INFO("character " << character);
        REQUIRE((libc::is_digit(character) != 0) == (std::isdigit(character) != 0));
        REQUIRE((libc::is_hex_digit(character) != 0) == (std::isxdigit(character) != 0));
        REQUIRE((libc::is_space(character) != 0) == (std::isspace(character) != 0));
        REQUIRE((libc::is_letter(character) != 0) == (std::isalpha(character) != 0));
        REQUIRE((libc::is_letter_or_digit(character) != 0) == (std::isalnum(character) != 0));
        REQUIRE((libc::is_upper(character) != 0) == (std::isupper(character) != 0));
        REQUIRE((libc::is_lower(character) != 0) == (std::islower(character) != 0));
        REQUIRE((libc::is_printable(character) != 0) == (std::isprint(character) != 0));
        REQUIRE(libc::to_lower(character) == std::tolower(character));
        REQUIRE(libc::to_upper(character) == std::toupper(character));
    }
}

TEST_CASE("error_text gives glibc's strerror text for the values errno.h defines and unknown ones", "[libc]")
{
    for (int number : { EPERM, ENOMEM, EINVAL, EFBIG, ERANGE, ENOSYS, EOVERFLOW, 0 + 1000, -5, 4095 }) {
        INFO("errno " << number);
        std::string expected = std::strerror(number);
        REQUIRE(std::string(libc::error_text(number)) == expected);
    }
}

TEST_CASE("error output goes to the installed sink, and nowhere without one", "[libc]")
{
    static std::string s_collected;
    libc::write_error_output("dropped", 7);
    libc::use_error_output([](char const* bytes, usize count) { s_collected.append(bytes, count); });
    libc::write_error_output("kept", 4);
    libc::use_error_output(nullptr);
    libc::write_error_output("dropped", 7);
    REQUIRE(s_collected == "kept");
}

namespace {

int our_scan(char const* text, char const* format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int stored = libc::scan_text(text, format, arguments);
    va_end(arguments);
    return stored;
}

}

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat"
#pragma clang diagnostic ignored "-Wformat-nonliteral"

TEST_CASE("scan_text reads integers as glibc's sscanf does", "[libc]")
{
    char const* texts[] = { "10.0.2.15", "255.255.255.255", "1.2.3", "1.2.3.4.5", "a.b.c.d", "", "   ", " 1. 2 .3.4",
        "-1.0.0.0", "+7.8.9.10", "0x10.1.1.1", "1..2.3", "1.2.3.", "12345678901.1.1.1", "7", "  42  rest", "%5",
        "0x1f 017 19", "ff", "-0x10" };
    char const* formats[] = { "%d.%d.%d.%d", "%i.%i.%i.%i", "%u.%u.%u.%u", "%x.%x.%x.%x", "%d %d %d %d",
        "%d%%%d.%d.%d", "%i %i %i %i", "%o.%o.%o.%o" };
    for (char const* text : texts) {
        for (char const* format : formats) {
            INFO("text \"" << text << "\" format \"" << format << "\"");
            int ours[4] = { -7, -7, -7, -7 };
            int theirs[4] = { -7, -7, -7, -7 };
            int our_count = our_scan(text, format, &ours[0], &ours[1], &ours[2], &ours[3]);
            int their_count = std::sscanf(text, format, &theirs[0], &theirs[1], &theirs[2], &theirs[3]);
            REQUIRE(our_count == their_count);
            /* Values glibc stores are compared; an out-of-range int is undefined in C. */
            for (int index = 0; index < their_count; ++index) {
                if (std::strstr(text, "12345678901") == nullptr)
                    REQUIRE(ours[index] == theirs[index]);
            }
        }
    }
    long long wide = 0;
    unsigned char small = 0;
    short middle = 0;
    REQUIRE(our_scan("-9000000000 300 -2", "%lld %hhu %hd", &wide, &small, &middle) == 3);
    REQUIRE(wide == -9000000000LL);
    REQUIRE(small == static_cast<unsigned char>(300));
    REQUIRE(middle == -2);
    /* Conversions it does not have: -1 and EINVAL, nothing stored. */
    float number = 0;
    *libc::error_number_location() = 0;
    REQUIRE(our_scan("1.5", "%f", &number) == -1);
    REQUIRE(*libc::error_number_location() == EINVAL);
    REQUIRE(number == 0);
}

#pragma clang diagnostic pop
