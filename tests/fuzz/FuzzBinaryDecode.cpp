/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as the canonical binary form of a described type with one field
 * of every supported kind. Decoding is canonical, so whatever decodes must re-encode to exactly
 * the bytes it came from.
 */

#include "../core/EncodingSamples.h"
#include <string.h>
#include <vectra/encoding/Binary.h>

using namespace vectra;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    std::span<u8 const> input(data, size);
    samples::Everything value;
    if (!decode_binary(input, value).is_error()) {
        u8 encoded[maximum_binary_size<samples::Everything>()];
        usize length = MUST(encode_binary(value, std::span<u8>(encoded)));
        VERIFY(length == size);
        VERIFY(memcmp(encoded, data, size) == 0);
    }
    samples::Nest nest;
    DecodeLimits tight;
    tight.maximum_depth = 3;
    tight.maximum_elements = 1;
    if (!decode_binary(input, nest, tight).is_error()) {
        u8 encoded[maximum_binary_size<samples::Nest>()];
        usize length = MUST(encode_binary(nest, std::span<u8>(encoded)));
        VERIFY(length == size && memcmp(encoded, data, size) == 0);
    }
    return 0;
}
