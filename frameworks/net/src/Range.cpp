/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/http/Characters.h>
#include <vectra/http/Range.h>

namespace vectra::http {

namespace {

/* The one range-spec of a range-set, or nothing when the set holds none or more than one (empty
   list elements are skipped, as RFC 9110 §5.6.1 asks of a recipient). */
std::optional<std::string_view> only_range_spec(std::string_view set)
{
    std::optional<std::string_view> found;
    ListElements elements(set);
    while (auto element = elements.next()) {
        if (element->empty())
            continue;
        if (found.has_value())
            return {};
        found = element;
    }
    return found;
}

/* Whether the decimal `left` is less than the decimal `right`, compared as written (any length:
   two numbers past 2^64 − 1 would saturate to the same value). Both are 1*DIGIT. */
bool less_than(std::string_view left, std::string_view right)
{
    while (left.size() > 1 && left.front() == '0')
        left.remove_prefix(1);
    while (right.size() > 1 && right.front() == '0')
        right.remove_prefix(1);
    if (left.size() != right.size())
        return left.size() < right.size();
    return left < right;
}

SelectedRange partial(u64 first, u64 last)
{
    return { RangeAnswer::Partial, first, last - first + 1 };
}

constexpr SelectedRange whole { RangeAnswer::Whole, 0, 0 };
constexpr SelectedRange unsatisfiable { RangeAnswer::Unsatisfiable, 0, 0 };

}

SelectedRange select_range(std::optional<std::string_view> range, bool validator_holds, u64 size)
{
    if (!range.has_value() || !validator_holds)
        return whole;
    auto value = trim_whitespace(*range);
    usize equals = value.find('=');
    if (equals == std::string_view::npos || !equals_ignoring_case(value.substr(0, equals), "bytes"))
        return whole;
    auto spec = only_range_spec(value.substr(equals + 1));
    if (!spec.has_value())
        return whole;
    usize dash = spec->find('-');
    if (dash == std::string_view::npos)
        return whole;
    if (dash == 0) {
        u64 suffix = 0;
        if (!parse_decimal_saturating(spec->substr(1), suffix))
            return whole;
        if (suffix == 0 || size == 0)
            return unsatisfiable;
        u64 length = suffix < size ? suffix : size;
        return partial(size - length, size - 1);
    }
    u64 first = 0;
    auto first_text = spec->substr(0, dash);
    if (!parse_decimal_saturating(first_text, first))
        return whole;
    u64 last = ~u64(0);
    auto last_text = spec->substr(dash + 1);
    if (!last_text.empty() && (!parse_decimal_saturating(last_text, last) || less_than(last_text, first_text)))
        return whole;
    if (first >= size)
        return unsatisfiable;
    return partial(first, last < size - 1 ? last : size - 1);
}

std::string_view content_range(SelectedRange const& selected, u64 size, std::span<char, content_range_capacity> buffer)
{
    usize length = 0;
    auto append = [&](std::string_view text) {
        for (char character : text)
            buffer[length++] = character;
    };
    auto append_number = [&](u64 value) {
        char digits[20];
        append({ digits, format_decimal(value, digits) });
    };
    switch (selected.answer) {
    case RangeAnswer::Whole:
        return {};
    case RangeAnswer::Partial:
        append("bytes ");
        append_number(selected.first);
        append("-");
        append_number(selected.first + selected.length - 1);
        break;
    case RangeAnswer::Unsatisfiable:
        append("bytes *");
        break;
    }
    append("/");
    append_number(size);
    return { buffer.data(), length };
}

}
