/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The canonical binary form of a described type: what hashing and signing use. One value has
 * exactly one encoding, and the decoder accepts only that encoding, so decode(bytes) succeeding
 * means encode(result) == bytes.
 *
 *     message      = u16 version, u32 body length, body
 *     body         = each field's value, in declaration order
 *     bool         = u8 0 or 1
 *     u8..u64, i8..i64 = little-endian, two's complement, their own width
 *     FixedString, Utf8String = u32 byte length, bytes (Utf8String: valid UTF-8)
 *     std::array<T, N>   = N values
 *     BoundedVector<T, C> = u32 count, count values
 *     std::optional<T>   = u8 0, or u8 1 and the value
 *     described struct   = its body (no prefix)
 */

#pragma once

#include <span>
#include <string.h>
#include <vectra/Try.h>
#include <vectra/encoding/DecodeError.h>
#include <vectra/encoding/Describe.h>

namespace vectra {

namespace encoding {

inline constexpr usize binary_header_size = 6;

/* The largest body any value of T can have: size output buffers with it at compile time. */
template<typename T>
[[nodiscard]] consteval usize maximum_binary_body_size()
{
    if constexpr (std::same_as<T, bool>) {
        return 1;
    } else if constexpr (Integer<T>) {
        return sizeof(T);
    } else if constexpr (is_fixed_string<T> || is_utf8_string<T>) {
        return 4 + T::capacity();
    } else if constexpr (Represented<T>) {
        return maximum_binary_body_size<typename T::Representation>();
    } else if constexpr (is_array<T>) {
        return IsArray<T>::size * maximum_binary_body_size<typename IsArray<T>::Element>();
    } else if constexpr (is_bounded_vector<T>) {
        return 4 + IsBoundedVector<T>::capacity * maximum_binary_body_size<typename IsBoundedVector<T>::Element>();
    } else if constexpr (is_optional<T>) {
        return 1 + maximum_binary_body_size<typename IsOptional<T>::Element>();
    } else {
        usize total = 0;
        for_each_field(field_list<T>, [&](auto const& entry) {
            total += maximum_binary_body_size<typename std::remove_cvref_t<decltype(entry)>::MemberType>();
            return true;
        });
        return total;
    }
}

class BinaryWriter {
public:
    explicit BinaryWriter(std::span<u8> output)
        : m_output(output)
    {
    }

    template<typename Integer>
    [[nodiscard]] ErrorOr<void> write_integer(Integer value)
    {
        u8 bytes[sizeof(Integer)];
        auto bits = static_cast<std::make_unsigned_t<Integer>>(value);
        for (usize index = 0; index < sizeof(Integer); ++index)
            bytes[index] = static_cast<u8>(bits >> (8 * index));
        return write_bytes({ bytes, sizeof(Integer) });
    }

    [[nodiscard]] ErrorOr<void> write_bytes(std::span<u8 const> bytes)
    {
        if (bytes.size() > m_output.size() - m_length)
            return Error(ErrorCode::TooLarge, "binary output does not fit the buffer");
        if (!bytes.empty())
            memcpy(m_output.data() + m_length, bytes.data(), bytes.size());
        m_length += bytes.size();
        return {};
    }

    /* Overwrites 4 bytes written earlier (the body length, once known). */
    void patch_u32(usize offset, u32 value)
    {
        for (usize index = 0; index < 4; ++index)
            m_output[offset + index] = static_cast<u8>(value >> (8 * index));
    }

    [[nodiscard]] usize length() const { return m_length; }

private:
    std::span<u8> m_output;
    usize m_length { 0 };
};

template<typename T>
[[nodiscard]] ErrorOr<void> encode_binary_value(BinaryWriter& writer, T const& value)
{
    if constexpr (std::same_as<T, bool>) {
        return writer.write_integer<u8>(value ? 1 : 0);
    } else if constexpr (Integer<T>) {
        return writer.write_integer<T>(value);
    } else if constexpr (is_fixed_string<T> || is_utf8_string<T>) {
        std::string_view bytes;
        if constexpr (is_fixed_string<T>)
            bytes = value.view();
        else
            bytes = value.bytes();
        TRY(writer.write_integer<u32>(static_cast<u32>(bytes.size())));
        return writer.write_bytes({ reinterpret_cast<u8 const*>(bytes.data()), bytes.size() });
    } else if constexpr (Represented<T>) {
        return encode_binary_value(writer, value.representation());
    } else if constexpr (is_array<T> || is_bounded_vector<T>) {
        if constexpr (is_bounded_vector<T>) {
            TRY(writer.write_integer<u32>(static_cast<u32>(value.size())));
        }
        /* Bytes are written as they are: the same output as one byte at a time, in one copy. */
        if constexpr (std::same_as<std::remove_cvref_t<decltype(*std::begin(value))>, u8>)
            return writer.write_bytes({ std::begin(value), std::end(value) });
        for (auto const& element : value) {
            TRY(encode_binary_value(writer, element));
        }
        return {};
    } else if constexpr (is_optional<T>) {
        auto written = writer.write_integer<u8>(value.has_value() ? 1 : 0);
        if (written.is_error() || !value.has_value())
            return written;
        return encode_binary_value(writer, *value);
    } else if constexpr (Described<T>) {
        ErrorOr<void> result;
        for_each_field(field_list<T>, [&](auto const& entry) {
            result = encode_binary_value(writer, value.*(entry.member));
            return !result.is_error();
        });
        return result;
    } else {
        static_assert(dependent_false<T>, "this type has no binary encoding");
    }
}

class BinaryReader {
public:
    BinaryReader(std::span<u8 const> input, DecodeLimits const& limits)
        : m_input(input)
    {
        m_state.limits = limits;
    }

    [[nodiscard]] DecodeState& state() { return m_state; }
    [[nodiscard]] usize offset() const { return m_offset; }
    [[nodiscard]] usize remaining() const { return m_input.size() - m_offset; }
    [[nodiscard]] DecodeError error(ErrorCode code, char const* message, usize offset) const
    {
        return m_state.error(code, message, offset);
    }

    template<typename Integer>
    [[nodiscard]] ErrorOr<Integer, DecodeError> read_integer(char const* ends_early)
    {
        if (remaining() < sizeof(Integer))
            return error(ErrorCode::MalformedMessage, ends_early, m_offset);
        std::make_unsigned_t<Integer> bits = 0;
        for (usize index = 0; index < sizeof(Integer); ++index)
            bits |= static_cast<std::make_unsigned_t<Integer>>(
                static_cast<std::make_unsigned_t<Integer>>(m_input[m_offset + index]) << (8 * index));
        m_offset += sizeof(Integer);
        return static_cast<Integer>(bits);
    }

    [[nodiscard]] ErrorOr<std::span<u8 const>, DecodeError> read_bytes(usize count, char const* ends_early)
    {
        if (remaining() < count)
            return error(ErrorCode::MalformedMessage, ends_early, m_offset);
        auto bytes = m_input.subspan(m_offset, count);
        m_offset += count;
        return bytes;
    }

private:
    std::span<u8 const> m_input;
    usize m_offset { 0 };
    DecodeState m_state;
};

template<typename T>
[[nodiscard]] ErrorOr<void, DecodeError> decode_binary_value(BinaryReader& reader, T& value)
{
    usize start = reader.offset();
    if constexpr (std::same_as<T, bool>) {
        auto byte = TRY(reader.read_integer<u8>("input ends inside a bool"));
        if (byte > 1)
            return reader.error(ErrorCode::MalformedMessage, "bool is neither 0 nor 1", start);
        value = byte == 1;
        return {};
    } else if constexpr (Integer<T>) {
        auto integer = TRY(reader.read_integer<T>("input ends inside an integer"));
        value = integer;
        return {};
    } else if constexpr (is_fixed_string<T> || is_utf8_string<T>) {
        auto length = TRY(reader.read_integer<u32>("input ends inside a string length"));
        if (length > T::capacity())
            return reader.error(ErrorCode::TooLarge, "string is longer than the field's capacity", start);
        if (length > reader.state().limits.maximum_string_bytes)
            return reader.error(ErrorCode::TooLarge, "string is longer than the limit", start);
        auto bytes = TRY(reader.read_bytes(length, "input ends inside a string"));
        std::string_view text(reinterpret_cast<char const*>(bytes.data()), bytes.size());
        if constexpr (is_fixed_string<T>) {
            value = MUST(T::try_from(text));
        } else {
            auto assigned = value.try_assign(text);
            if (assigned.is_error())
                return reader.error(
                    ErrorCode::MalformedMessage, assigned.error().message, start + 4 + assigned.error().offset);
        }
        return {};
    } else if constexpr (Represented<T>) {
        typename T::Representation representation;
        auto decoded = decode_binary_value(reader, representation);
        if (decoded.is_error())
            return decoded;
        auto rebuilt = T::from_representation(representation);
        if (rebuilt.is_error())
            return reader.error(rebuilt.error().code(), rebuilt.error().message(), start);
        value = rebuilt.release_value();
        return {};
    } else if constexpr (is_array<T>) {
        TRY(reader.state().enter(start));
        /* Bytes that are all there are copied at once; a short input takes the loop, for its exact error. */
        if constexpr (std::same_as<typename T::value_type, u8>) {
            if (reader.remaining() >= value.size()) {
                auto bytes = MUST(reader.read_bytes(value.size(), "input ends inside an integer"));
                memcpy(value.data(), bytes.data(), bytes.size());
                reader.state().leave();
                return {};
            }
        }
        for (auto& element : value) {
            TRY(decode_binary_value(reader, element));
        }
        reader.state().leave();
        return {};
    } else if constexpr (is_bounded_vector<T>) {
        auto count = TRY(reader.read_integer<u32>("input ends inside a sequence count"));
        if (count > T::capacity())
            return reader.error(ErrorCode::TooLarge, "sequence has more elements than the field's capacity", start);
        if (count > reader.state().limits.maximum_elements)
            return reader.error(ErrorCode::TooLarge, "sequence has more elements than the limit", start);
        TRY(reader.state().enter(start));
        value.clear();
        /* Bytes that are all there are copied at once; a short input takes the loop, for its exact error. */
        if constexpr (std::same_as<typename IsBoundedVector<T>::Element, u8>) {
            if (reader.remaining() >= count) {
                MUST(value.try_extend(MUST(reader.read_bytes(count, "input ends inside an integer"))));
                reader.state().leave();
                return {};
            }
        }
        for (u32 index = 0; index < count; ++index) {
            auto* element = MUST(value.try_append_default());
            TRY(decode_binary_value(reader, *element));
        }
        reader.state().leave();
        return {};
    } else if constexpr (is_optional<T>) {
        auto tag = TRY(reader.read_integer<u8>("input ends inside an optional's tag"));
        if (tag > 1)
            return reader.error(ErrorCode::MalformedMessage, "optional's tag is neither 0 nor 1", start);
        if (tag == 0) {
            value.reset();
            return {};
        }
        value.emplace();
        return decode_binary_value(reader, *value);
    } else if constexpr (Described<T>) {
        TRY(reader.state().enter(start));
        ErrorOr<void, DecodeError> result;
        std::string_view outer = reader.state().field;
        for_each_field(field_list<T>, [&](auto const& entry) {
            reader.state().field = entry.name;
            result = decode_binary_value(reader, value.*(entry.member));
            return !result.is_error();
        });
        if (result.is_error())
            return result;
        reader.state().field = outer;
        reader.state().leave();
        return {};
    } else {
        static_assert(dependent_false<T>, "this type has no binary encoding");
    }
}

}

/* Largest message (header + body) a value of T can encode to. */
template<encoding::Described T>
[[nodiscard]] consteval usize maximum_binary_size()
{
    return encoding::binary_header_size + encoding::maximum_binary_body_size<T>();
}

/* Writes the canonical binary message for `value`; returns its length. */
template<encoding::Described T>
[[nodiscard]] ErrorOr<usize> encode_binary(T const& value, std::span<u8> output)
{
    static_assert(encoding::is_encodable<T>(), "every field must have an encoding and the description must be valid");
    encoding::BinaryWriter writer(output);
    auto written = writer.write_integer<u16>(encoding::version_of<T>());
    if (!written.is_error())
        written = writer.write_integer<u32>(0);
    if (!written.is_error())
        written = encoding::encode_binary_value(writer, value);
    if (written.is_error())
        return written.release_error();
    usize body = writer.length() - encoding::binary_header_size;
    if (body > 0xFFFF'FFFF)
        return Error(ErrorCode::TooLarge, "binary body is longer than 4 GiB");
    writer.patch_u32(2, static_cast<u32>(body));
    return writer.length();
}

/*
 * Decodes a canonical binary message into `value` (the caller's object: nothing is allocated).
 * Refuses another version, a body length that is not the rest of the input, and any byte that
 * is not canonical. On error, `value` holds a mix of old and new fields: do not use it.
 */
template<encoding::Described T>
[[nodiscard]] ErrorOr<void, DecodeError> decode_binary(
    std::span<u8 const> input, T& value, DecodeLimits const& limits = {})
{
    static_assert(encoding::is_encodable<T>(), "every field must have an encoding and the description must be valid");
    encoding::BinaryReader reader(input, limits);
    if (input.size() > limits.maximum_input_bytes)
        return reader.error(ErrorCode::TooLarge, "input is longer than the limit", limits.maximum_input_bytes);
    auto version = TRY(reader.read_integer<u16>("input ends inside the header"));
    if (version != encoding::version_of<T>())
        return reader.error(ErrorCode::SchemaMismatch, "message version differs from the type's", 0);
    auto body = TRY(reader.read_integer<u32>("input ends inside the header"));
    if (body != reader.remaining())
        return reader.error(
            ErrorCode::MalformedMessage, "body length differs from the bytes that follow the header", 2);
    TRY(encoding::decode_binary_value(reader, value));
    if (reader.remaining() != 0)
        return reader.error(ErrorCode::MalformedMessage, "bytes follow the body", reader.offset());
    return {};
}

}
