/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a Range field (RFC 9110 §14) for a representation of any size.
 * The input's first byte says whether an If-Range holds and whether the size is small (so the
 * fuzzer meets the file's ends), the next eight are the size, the rest the field. Checked against
 * a reference written differently — positions compared as decimal strings of any length, never
 * as numbers that could wrap or saturate: the answer (whole, the bytes [first, first + length),
 * unsatisfiable) is the reference's, a partial answer lies inside the file, and its Content-Range
 * names exactly those bytes and the size.
 */

#include "SeedFolder.h"
#include <string>
#include <vector>
#include <vectra/Panic.h>
#include <vectra/http/Characters.h>
#include <vectra/http/Range.h>

using namespace vectra;
using namespace vectra::http;

namespace {

bool is_digits(std::string_view text)
{
    if (text.empty())
        return false;
    for (char character : text) {
        if (character < '0' || character > '9')
            return false;
    }
    return true;
}

std::string without_leading_zeros(std::string_view digits)
{
    while (digits.size() > 1 && digits.front() == '0')
        digits.remove_prefix(1);
    return std::string(digits);
}

/* Decimal strings of any length compared: −1, 0, 1. */
int compare(std::string_view left, std::string_view right)
{
    auto a = without_leading_zeros(left);
    auto b = without_leading_zeros(right);
    if (a.size() != b.size())
        return a.size() < b.size() ? -1 : 1;
    return a == b ? 0 : (a < b ? -1 : 1);
}

u64 value_of(std::string_view digits)
{
    u64 value = 0;
    for (char character : digits)
        value = value * 10 + u64(character - '0');
    return value;
}

std::string text_of(u64 value) { return std::to_string(value); }

/* The reference: what RFC 9110 §14 and the header's promises say of this field. */
SelectedRange reference(std::string_view field, bool validator_holds, u64 size)
{
    SelectedRange whole {};
    if (!validator_holds)
        return whole;
    auto value = trim_whitespace(field);
    auto equals = value.find('=');
    if (equals == std::string_view::npos)
        return whole;
    auto unit = std::string(value.substr(0, equals));
    for (auto& character : unit)
        character = char(character >= 'A' && character <= 'Z' ? character + 32 : character);
    if (unit != "bytes")
        return whole;
    std::vector<std::string_view> specs;
    auto set = value.substr(equals + 1);
    while (true) {
        auto comma = set.find(',');
        auto element = trim_whitespace(set.substr(0, comma));
        if (!element.empty())
            specs.push_back(element);
        if (comma == std::string_view::npos)
            break;
        set.remove_prefix(comma + 1);
    }
    if (specs.size() != 1)
        return whole;
    auto spec = specs[0];
    auto dash = spec.find('-');
    if (dash == std::string_view::npos)
        return whole;
    auto first = spec.substr(0, dash);
    auto last = spec.substr(dash + 1);
    auto size_text = text_of(size);
    if (first.empty()) {
        if (!is_digits(last))
            return whole;
        if (compare(last, "0") == 0 || size == 0)
            return { RangeAnswer::Unsatisfiable, 0, 0 };
        u64 length = compare(last, size_text) >= 0 ? size : value_of(without_leading_zeros(last));
        return { RangeAnswer::Partial, size - length, length };
    }
    if (!is_digits(first) || (!last.empty() && !is_digits(last)))
        return whole;
    if (!last.empty() && compare(last, first) < 0)
        return whole;
    if (compare(first, size_text) >= 0)
        return { RangeAnswer::Unsatisfiable, 0, 0 };
    u64 start = value_of(without_leading_zeros(first));
    u64 end = last.empty() || compare(last, text_of(size - 1)) >= 0 ? size - 1 : value_of(without_leading_zeros(last));
    return { RangeAnswer::Partial, start, end - start + 1 };
}

}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    fuzz::write_seeds(*argc, *argv, {
        { "first-last", std::string("\x02\x64\0\0\0\0\0\0\0", 9) + "bytes=0-9" },
        { "suffix", std::string("\x02\x64\0\0\0\0\0\0\0", 9) + "bytes=-5" },
        { "open", std::string("\x00\xff\xff\xff\xff\xff\xff\xff\xff", 9) + "BYTES = 18446744073709551614-" },
        { "list", std::string("\x02\x10\0\0\0\0\0\0\0", 9) + "bytes=, 0-1 ,4-5" },
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size < 9 || size > 4096)
        return 0;
    bool validator_holds = (data[0] & 1) == 0;
    u64 length = 0;
    for (usize index = 0; index < 8; ++index)
        length |= u64(data[1 + index]) << (8 * index);
    if (data[0] & 2)
        length %= 4096;
    std::string_view field(reinterpret_cast<char const*>(data + 9), size - 9);

    auto selected = select_range(field, validator_holds, length);
    auto expected = reference(field, validator_holds, length);
    VERIFY(selected.answer == expected.answer);
    char buffer[content_range_capacity];
    auto text = content_range(selected, length, buffer);
    switch (selected.answer) {
    case RangeAnswer::Whole:
        VERIFY(text.empty());
        break;
    case RangeAnswer::Unsatisfiable:
        VERIFY(text == "bytes */" + text_of(length));
        break;
    case RangeAnswer::Partial:
        VERIFY(selected.first == expected.first && selected.length == expected.length);
        VERIFY(selected.length >= 1 && selected.first < length && selected.length <= length - selected.first);
        VERIFY(text == "bytes " + text_of(selected.first) + "-" + text_of(selected.first + selected.length - 1) + "/" + text_of(length));
        break;
    }
    return 0;
}
