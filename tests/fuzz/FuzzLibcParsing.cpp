/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as the text core/libc's parsers read (BoringSSL hands them
 * certificate contents). strtoul/strtol in the base the first byte picks, and sscanf's
 * "%d.%d.%d.%d" (an IPv4 address in a certificate), must give glibc's answers: value, end
 * pointer, errno and count.
 */

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <vectra/Panic.h>
#include <vectra/libc/Libc.h>

using namespace vectra;

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

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size == 0)
        return 0;
    int base = data[0] % 38; /* 0, 2-36 and the invalid 1 and 37 */
    std::vector<char> text(data + 1, data + size);
    text.push_back('\0');

    char* our_end = nullptr;
    char* glibc_end = nullptr;
    *libc::error_number_location() = 0;
    errno = 0;
    unsigned long ours = libc::parse_unsigned_long(text.data(), &our_end, base);
    unsigned long theirs = std::strtoul(text.data(), &glibc_end, base);
    VERIFY(ours == theirs);
    VERIFY(*libc::error_number_location() == errno);
    if (base != 1 && base != 37)
        VERIFY(our_end == glibc_end);

    *libc::error_number_location() = 0;
    errno = 0;
    long our_signed = libc::parse_long(text.data(), &our_end, base);
    long their_signed = std::strtol(text.data(), &glibc_end, base);
    VERIFY(our_signed == their_signed);
    VERIFY(*libc::error_number_location() == errno);
    if (base != 1 && base != 37)
        VERIFY(our_end == glibc_end);

    /* Values that overflow an int are undefined in C: only the counts are compared for those. */
    int our_values[4] = {};
    int their_values[4] = {};
    int our_count = our_scan(text.data(), "%d.%d.%d.%d", &our_values[0], &our_values[1], &our_values[2], &our_values[3]);
    int their_count = std::sscanf(text.data(), "%d.%d.%d.%d", &their_values[0], &their_values[1], &their_values[2],
        &their_values[3]);
    VERIFY(our_count == their_count);
    return 0;
}
