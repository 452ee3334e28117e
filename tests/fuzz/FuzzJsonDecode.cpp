/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as JSON for a described type with one field of every supported
 * kind, refusing and then skipping unknown members. Whatever decodes must re-encode to JSON that
 * decodes to the same value (compared through the canonical binary form), and skipping unknown
 * members must accept everything refusing them accepts.
 */

#include "../core/EncodingSamples.h"
#include <string.h>
#include <vectra/encoding/Binary.h>
#include <vectra/encoding/Json.h>

using namespace vectra;

namespace {

template<typename T>
usize canonical(T const& value, std::span<u8> buffer)
{
    return MUST(encode_binary(value, buffer));
}

template<typename T>
void check(std::span<u8 const> input, DecodeLimits const& limits)
{
    T value;
    bool refused = decode_json(input, value, limits).is_error();
    DecodeLimits skipping = limits;
    skipping.unknown_fields = UnknownFields::Skip;
    T skipped;
    bool skip_refused = decode_json(input, skipped, skipping).is_error();
    VERIFY(refused || !skip_refused);
    if (refused)
        return;

    u8 first[maximum_binary_size<T>()];
    u8 second[maximum_binary_size<T>()];
    usize length = canonical(value, first);
    VERIFY(canonical(skipped, second) == length && memcmp(first, second, length) == 0);

    static char text[64 * 1024];
    usize text_length = MUST(encode_json(value, std::span<char>(text)));
    T again;
    MUST(decode_json(std::string_view(text, text_length), again, limits));
    VERIFY(canonical(again, second) == length && memcmp(first, second, length) == 0);
    static char text_again[64 * 1024];
    VERIFY(MUST(encode_json(again, std::span<char>(text_again))) == text_length);
    VERIFY(memcmp(text, text_again, text_length) == 0);
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    std::span<u8 const> input(data, size);
    check<samples::Everything>(input, {});
    DecodeLimits tight;
    tight.maximum_depth = 3;
    tight.maximum_elements = 3;
    tight.maximum_string_bytes = 8;
    check<samples::Nest>(input, tight);
    return 0;
}
