/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as MessagePack for a described type with one field of every
 * supported kind, refusing and then skipping unknown members. Whatever decodes must re-encode
 * (in the shortest forms) to bytes that decode to the same value, and encoding that again must
 * give the same bytes.
 */

#include "../core/EncodingSamples.h"
#include <string.h>
#include <vectra/encoding/Binary.h>
#include <vectra/encoding/MessagePack.h>

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
    bool refused = decode_message_pack(input, value, limits).is_error();
    DecodeLimits skipping = limits;
    skipping.unknown_fields = UnknownFields::Skip;
    T skipped;
    bool skip_refused = decode_message_pack(input, skipped, skipping).is_error();
    VERIFY(refused || !skip_refused);
    if (refused)
        return;

    u8 first[maximum_binary_size<T>()];
    u8 second[maximum_binary_size<T>()];
    usize length = canonical(value, first);
    VERIFY(canonical(skipped, second) == length && memcmp(first, second, length) == 0);

    static u8 packed[16 * 1024];
    usize packed_length = MUST(encode_message_pack(value, std::span<u8>(packed)));
    T again;
    MUST(decode_message_pack(std::span<u8 const>(packed, packed_length), again, limits));
    VERIFY(canonical(again, second) == length && memcmp(first, second, length) == 0);
    static u8 packed_again[16 * 1024];
    VERIFY(MUST(encode_message_pack(again, std::span<u8>(packed_again))) == packed_length);
    VERIFY(memcmp(packed, packed_again, packed_length) == 0);
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
