/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * MessagePack for described types. A described struct is a map keyed by its field names (str),
 * written in declaration order and read in any order; std::array and BoundedVector are arrays;
 * an empty std::optional is nil (and may be left out when reading); Utf8String is str (checked
 * as UTF-8), FixedString is str when it holds UTF-8, else bin (either is read back). Integers
 * use the shortest form on writing and any form on reading, range-checked. Floats and
 * extension types are refused (see Json.h for why floats are left out).
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Try.h>
#include <vectra/encoding/DecodeError.h>
#include <vectra/encoding/Describe.h>
#include <vectra/encoding/Members.h>
#include <vectra/encoding/MessagePackSyntax.h>

namespace vectra {

namespace encoding {

template<typename T>
void encode_message_pack_value(MessagePackWriter& writer, T const& value)
{
    if constexpr (std::same_as<T, bool>) {
        writer.write_bool(value);
    } else if constexpr (Integer<T>) {
        if constexpr (std::is_signed_v<T>)
            writer.write_signed(value);
        else
            writer.write_unsigned(value);
    } else if constexpr (is_utf8_string<T>) {
        writer.write_string(value.bytes());
    } else if constexpr (is_fixed_string<T>) {
        if (validate_utf8(value.view()).is_error())
            writer.write_binary(value.view());
        else
            writer.write_string(value.view());
    } else if constexpr (Represented<T>) {
        encode_message_pack_value(writer, value.representation());
    } else if constexpr (is_array<T> || is_bounded_vector<T>) {
        writer.write_array_header(static_cast<u32>(value.size()));
        for (auto const& element : value)
            encode_message_pack_value(writer, element);
    } else if constexpr (is_optional<T>) {
        if (value.has_value())
            encode_message_pack_value(writer, *value);
        else
            writer.write_nil();
    } else if constexpr (Described<T>) {
        writer.write_map_header(static_cast<u32>(decltype(T::fields())::count));
        for_each_field(field_list<T>, [&](auto const& entry) {
            writer.write_string(entry.name);
            encode_message_pack_value(writer, value.*(entry.member));
            return true;
        });
    } else {
        static_assert(dependent_false<T>, "this type has no MessagePack encoding");
    }
}

template<typename T>
[[nodiscard]] ErrorOr<void, DecodeError> decode_message_pack_value(MessagePackReader& reader, T& value);

template<Described T>
[[nodiscard]] ErrorOr<void, DecodeError> decode_message_pack_map(MessagePackReader& reader, T& value)
{
    auto count = TRY(reader.read_map_header());
    usize map_offset = reader.item_offset();
    std::string_view outer = reader.state().field;
    u64 seen = 0;
    for (u32 member = 0; member < count; ++member) {
        reader.state().field = outer;
        auto key = TRY(reader.read_string(false, "map key is not a string"));
        usize key_offset = reader.item_offset();
        std::string_view name(reinterpret_cast<char const*>(key.data()), key.size());
        ErrorOr<void, DecodeError> result;
        bool matched = false;
        usize index = 0;
        for_each_field(field_list<T>, [&](auto const& entry) {
            if (entry.name != name) {
                ++index;
                return true;
            }
            matched = true;
            reader.state().field = entry.name;
            if (seen & (u64(1) << index)) {
                result = reader.error(ErrorCode::MalformedMessage, "member appears twice", key_offset);
                return false;
            }
            seen |= u64(1) << index;
            result = decode_message_pack_value(reader, value.*(entry.member));
            return false;
        });
        if (result.is_error())
            return result;
        if (matched)
            continue;
        reader.state().field = {};
        if (reader.state().limits.unknown_fields == UnknownFields::Refuse)
            return reader.error(ErrorCode::MalformedMessage, "member is not a field of the type", key_offset);
        TRY(reader.skip_value());
    }
    reader.leave();
    TRY(finish_members(reader, value, seen, map_offset));
    reader.state().field = outer;
    return {};
}

template<typename T>
[[nodiscard]] ErrorOr<void, DecodeError> decode_message_pack_value(MessagePackReader& reader, T& value)
{
    if constexpr (std::same_as<T, bool>) {
        auto read = TRY(reader.read_bool());
        value = read;
        return {};
    } else if constexpr (Integer<T>) {
        auto read = TRY(reader.read_integer());
        if (!integer_fits(read, value))
            return reader.error(
                ErrorCode::MalformedMessage, "integer is out of the field's range", reader.item_offset());
        return {};
    } else if constexpr (is_fixed_string<T> || is_utf8_string<T>) {
        auto read = TRY(reader.read_string(is_fixed_string<T>));
        usize item = reader.item_offset();
        std::string_view bytes(reinterpret_cast<char const*>(read.data()), read.size());
        if (bytes.size() > T::capacity())
            return reader.error(ErrorCode::TooLarge, "string is longer than the field's capacity", item);
        if constexpr (is_fixed_string<T>) {
            value = MUST(T::try_from(bytes));
        } else {
            auto assigned = value.try_assign(bytes);
            if (assigned.is_error())
                return reader.error(ErrorCode::MalformedMessage, assigned.error().message,
                    reader.offset() - bytes.size() + assigned.error().offset);
        }
        return {};
    } else if constexpr (Represented<T>) {
        typename T::Representation representation;
        auto decoded = decode_message_pack_value(reader, representation);
        if (decoded.is_error())
            return decoded;
        auto rebuilt = T::from_representation(representation);
        if (rebuilt.is_error())
            return reader.error(rebuilt.error().code(), rebuilt.error().message(), reader.item_offset());
        value = rebuilt.release_value();
        return {};
    } else if constexpr (is_array<T> || is_bounded_vector<T>) {
        auto count = TRY(reader.read_array_header());
        usize item = reader.item_offset();
        if constexpr (is_array<T>) {
            if (count != value.size())
                return reader.error(
                    ErrorCode::MalformedMessage, "array size differs from the field's fixed size", item);
            for (auto& element : value) {
                TRY(decode_message_pack_value(reader, element));
            }
        } else {
            if (count > T::capacity())
                return reader.error(ErrorCode::TooLarge, "array has more elements than the field's capacity", item);
            value.clear();
            for (u32 index = 0; index < count; ++index) {
                TRY(decode_message_pack_value(reader, *MUST(value.try_append_default())));
            }
        }
        reader.leave();
        return {};
    } else if constexpr (is_optional<T>) {
        auto nil = TRY(reader.read_nil_if_present());
        if (nil) {
            value.reset();
            return {};
        }
        value.emplace();
        return decode_message_pack_value(reader, *value);
    } else if constexpr (Described<T>) {
        return decode_message_pack_map(reader, value);
    } else {
        static_assert(dependent_false<T>, "this type has no MessagePack encoding");
    }
}

}

/* Writes `value` as MessagePack into `output`; returns the length. */
template<typename T>
[[nodiscard]] ErrorOr<usize> encode_message_pack(T const& value, std::span<u8> output)
{
    static_assert(encoding::is_encodable<T>(), "every field must have an encoding and the description must be valid");
    encoding::MessagePackWriter writer(output);
    encoding::encode_message_pack_value(writer, value);
    return writer.finish();
}

/*
 * Decodes untrusted MessagePack into `value` (the caller's object: nothing is allocated). Same
 * rules as decode_json: unknown members refused unless the limits say skip, duplicates and
 * missing required members refused. On error, `value` holds a mix of old and new fields.
 */
template<typename T>
[[nodiscard]] ErrorOr<void, DecodeError> decode_message_pack(
    std::span<u8 const> input, T& value, DecodeLimits const& limits = {})
{
    static_assert(encoding::is_encodable<T>(), "every field must have an encoding and the description must be valid");
    encoding::MessagePackReader reader(input, limits);
    TRY(reader.check_input_size());
    TRY(encoding::decode_message_pack_value(reader, value));
    return reader.finish();
}

}
