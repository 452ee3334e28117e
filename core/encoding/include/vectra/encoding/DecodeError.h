/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <limits>
#include <string_view>
#include <type_traits>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * Why untrusted bytes were refused: the code and a static message, the byte offset where
 * decoding stopped, and the innermost described field being decoded (empty at the top level,
 * or when the input named a member the description does not have). Converts to a plain Error
 * (offset and field dropped) for TRY and MUST.
 */
struct DecodeError {
    ErrorCode code { ErrorCode::MalformedMessage };
    char const* message { nullptr };
    usize offset { 0 };
    std::string_view field {};

    constexpr operator Error() const { return Error(code, message); }
};

/* What a decoder does with a member the description does not name. */
enum class UnknownFields : u8 {
    Refuse, /* an error: the input is not what the reader expects */
    Skip, /* ignored (still parsed, within the limits): for reading newer writers */
};

/*
 * Limits a decoder enforces on top of each type's own capacities. The defaults are safe for
 * input from anywhere; pass tighter ones where you know the shape.
 */
struct DecodeLimits {
    usize maximum_depth { 32 }; /* nested objects/arrays/structs, skipped ones included */
    usize maximum_string_bytes { 64 * KiB }; /* per string */
    usize maximum_elements { 4096 }; /* per array, object or map */
    usize maximum_input_bytes { 1 * MiB };
    UnknownFields unknown_fields { UnknownFields::Refuse };
};

namespace encoding {

/* What every decoder tracks besides its position: the limits, the depth and the current field. */
struct DecodeState {
    DecodeLimits limits;
    usize depth { 0 };
    std::string_view field {};

    [[nodiscard]] DecodeError error(ErrorCode code, char const* message, usize offset) const
    {
        return { code, message, offset, field };
    }

    [[nodiscard]] ErrorOr<void, DecodeError> enter(usize offset)
    {
        if (depth >= limits.maximum_depth)
            return error(ErrorCode::TooLarge, "nesting is deeper than the limit", offset);
        ++depth;
        return {};
    }
    void leave() { --depth; }
};

/* An integer as read from text or MessagePack, before it is checked against a field's type. */
struct DecodedInteger {
    bool negative { false };
    u64 magnitude { 0 };
};

/* Fits `integer` into T, or says it is out of T's range. */
template<typename T>
[[nodiscard]] constexpr bool integer_fits(DecodedInteger integer, T& result)
{
    if (integer.negative) {
        if (integer.magnitude == 0) {
            result = 0;
            return true;
        }
        if constexpr (std::is_unsigned_v<T>) {
            return false;
        } else {
            /* |minimum| of T, computed without overflowing. */
            u64 limit = static_cast<u64>(std::numeric_limits<T>::max()) + 1;
            if (integer.magnitude > limit)
                return false;
            result = static_cast<T>(-static_cast<i64>(integer.magnitude - 1) - 1);
            return true;
        }
    }
    if (integer.magnitude > static_cast<u64>(std::numeric_limits<T>::max()))
        return false;
    result = static_cast<T>(integer.magnitude);
    return true;
}

}

}
