/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * JSON for described types. A described struct is an object with its field names as members
 * (written in declaration order, read in any order); std::array and BoundedVector are arrays;
 * an empty std::optional is null (and may be left out when reading); strings are UTF-8 text.
 * Numbers are integers only: JSON has no integer type, and a float path would need a float
 * parser and printer that freestanding code does not have.
 */

#pragma once

#include <span>
#include <string_view>
#include <vectra/Try.h>
#include <vectra/encoding/DecodeError.h>
#include <vectra/encoding/Describe.h>
#include <vectra/encoding/Members.h>
#include <vectra/encoding/JsonSyntax.h>

namespace vectra {

namespace encoding {

template<typename T>
[[nodiscard]] ErrorOr<void> encode_json_value(JsonWriter& writer, T const& value)
{
    if constexpr (std::same_as<T, bool>) {
        writer.write_bool(value);
        return {};
    } else if constexpr (Integer<T>) {
        if constexpr (std::is_signed_v<T>)
            writer.write_signed(value);
        else
            writer.write_unsigned(value);
        return {};
    } else if constexpr (is_utf8_string<T>) {
        writer.write_string(value.view());
        return {};
    } else if constexpr (is_fixed_string<T>) {
        auto text = Utf8View::try_from(value.view());
        if (text.is_error())
            return Error(ErrorCode::InvalidArgument, "a FixedString written as JSON must hold valid UTF-8");
        writer.write_string(text.value());
        return {};
    } else if constexpr (Represented<T>) {
        return encode_json_value(writer, value.representation());
    } else if constexpr (is_array<T> || is_bounded_vector<T>) {
        writer.raw("[");
        bool first = true;
        for (auto const& element : value) {
            if (!first)
                writer.raw(",");
            first = false;
            TRY(encode_json_value(writer, element));
        }
        writer.raw("]");
        return {};
    } else if constexpr (is_optional<T>) {
        if (!value.has_value()) {
            writer.write_null();
            return {};
        }
        return encode_json_value(writer, *value);
    } else if constexpr (Described<T>) {
        writer.raw("{");
        ErrorOr<void> result;
        bool first = true;
        for_each_field(field_list<T>, [&](auto const& entry) {
            if (!first)
                writer.raw(",");
            first = false;
            writer.raw("\"");
            writer.raw(entry.name);
            writer.raw("\":");
            result = encode_json_value(writer, value.*(entry.member));
            return !result.is_error();
        });
        if (result.is_error())
            return result;
        writer.raw("}");
        return {};
    } else {
        static_assert(dependent_false<T>, "this type has no JSON encoding");
    }
}

/* A field name read from the input: longer than any described name means "no such field". */
struct MemberName {
    FixedString<maximum_field_name_length> text;
    bool too_long { false };

    StringSink sink()
    {
        return { this, [](void* context, Utf8View chunk) {
                    auto* name = static_cast<MemberName*>(context);
                    if (!name->text.append(chunk.bytes()))
                        name->too_long = true;
                    return true;
                } };
    }
};

template<typename T>
StringSink string_sink_for(T& value)
{
    value.clear();
    if constexpr (is_fixed_string<T>)
        return { &value,
            [](void* context, Utf8View chunk) { return static_cast<T*>(context)->append(chunk.bytes()); } };
    else
        return { &value,
            [](void* context, Utf8View chunk) { return !static_cast<T*>(context)->try_append(chunk).is_error(); } };
}

template<typename T>
[[nodiscard]] ErrorOr<void, DecodeError> decode_json_value(JsonReader& reader, T& value);

template<Described T>
[[nodiscard]] ErrorOr<void, DecodeError> decode_json_object(JsonReader& reader, T& value)
{
    TRY(reader.begin_object());
    std::string_view outer = reader.state().field;
    u64 seen = 0;
    usize count = 0;
    while (true) {
        MemberName name;
        reader.state().field = outer;
        auto more = TRY(reader.next_member(count, name.sink()));
        if (!more)
            break;
        usize name_offset = reader.token_offset();
        ErrorOr<void, DecodeError> result;
        bool matched = false;
        usize index = 0;
        for_each_field(field_list<T>, [&](auto const& entry) {
            if (name.too_long || entry.name != name.text.view()) {
                ++index;
                return true;
            }
            matched = true;
            reader.state().field = entry.name;
            if (seen & (u64(1) << index)) {
                result = reader.error(ErrorCode::MalformedMessage, "member appears twice", name_offset);
                return false;
            }
            seen |= u64(1) << index;
            result = decode_json_value(reader, value.*(entry.member));
            return false;
        });
        if (result.is_error())
            return result;
        if (matched)
            continue;
        reader.state().field = {};
        if (reader.state().limits.unknown_fields == UnknownFields::Refuse)
            return reader.error(ErrorCode::MalformedMessage, "member is not a field of the type", name_offset);
        TRY(reader.skip_value());
    }
    usize end_offset = reader.offset() - 1;
    TRY(finish_members(reader, value, seen, end_offset));
    reader.state().field = outer;
    return {};
}

template<typename T>
[[nodiscard]] ErrorOr<void, DecodeError> decode_json_value(JsonReader& reader, T& value)
{
    if constexpr (std::same_as<T, bool>) {
        auto read = TRY(reader.read_bool());
        value = read;
        return {};
    } else if constexpr (Integer<T>) {
        auto read = TRY(reader.read_integer());
        if (!integer_fits(read, value))
            return reader.error(
                ErrorCode::MalformedMessage, "integer is out of the field's range", reader.token_offset());
        return {};
    } else if constexpr (is_fixed_string<T> || is_utf8_string<T>) {
        return reader.read_string(string_sink_for(value));
    } else if constexpr (Represented<T>) {
        typename T::Representation representation;
        auto decoded = decode_json_value(reader, representation);
        if (decoded.is_error())
            return decoded;
        auto rebuilt = T::from_representation(representation);
        if (rebuilt.is_error())
            return reader.error(rebuilt.error().code(), rebuilt.error().message(), reader.token_offset());
        value = rebuilt.release_value();
        return {};
    } else if constexpr (is_array<T> || is_bounded_vector<T>) {
        TRY(reader.begin_array());
        usize start = reader.token_offset();
        if constexpr (is_bounded_vector<T>)
            value.clear();
        usize count = 0;
        while (true) {
            auto more = TRY(reader.next_element(count));
            if (!more)
                break;
            typename std::remove_cvref_t<decltype(*value.begin())>* element = nullptr;
            if constexpr (is_array<T>) {
                if (count > value.size())
                    return reader.error(
                        ErrorCode::MalformedMessage, "array has more elements than the field's fixed size", start);
                element = &value[count - 1];
            } else {
                if (count > T::capacity())
                    return reader.error(
                        ErrorCode::TooLarge, "array has more elements than the field's capacity", start);
                element = MUST(value.try_append_default());
            }
            TRY(decode_json_value(reader, *element));
        }
        if constexpr (is_array<T>) {
            if (count < value.size())
                return reader.error(
                    ErrorCode::MalformedMessage, "array has fewer elements than the field's fixed size", start);
        }
        return {};
    } else if constexpr (is_optional<T>) {
        auto null = TRY(reader.read_null_if_present());
        if (null) {
            value.reset();
            return {};
        }
        value.emplace();
        return decode_json_value(reader, *value);
    } else if constexpr (Described<T>) {
        return decode_json_object(reader, value);
    } else {
        static_assert(dependent_false<T>, "this type has no JSON encoding");
    }
}

}

/* Writes `value` as compact JSON into `output`; returns the length. */
template<typename T>
[[nodiscard]] ErrorOr<usize> encode_json(T const& value, std::span<char> output)
{
    static_assert(encoding::is_encodable<T>(), "every field must have an encoding and the description must be valid");
    encoding::JsonWriter writer(output);
    TRY(encoding::encode_json_value(writer, value));
    return writer.finish();
}

/*
 * Decodes untrusted JSON into `value` (the caller's object: nothing is allocated). Unknown
 * members are refused unless the limits say skip; duplicates and missing required members are
 * refused. On error, `value` holds a mix of old and new fields: do not use it.
 */
template<typename T>
[[nodiscard]] ErrorOr<void, DecodeError> decode_json(
    std::span<u8 const> input, T& value, DecodeLimits const& limits = {})
{
    static_assert(encoding::is_encodable<T>(), "every field must have an encoding and the description must be valid");
    encoding::JsonReader reader(input, limits);
    TRY(reader.check_input_size());
    TRY(encoding::decode_json_value(reader, value));
    return reader.finish();
}

template<typename T>
[[nodiscard]] ErrorOr<void, DecodeError> decode_json(std::string_view input, T& value, DecodeLimits const& limits = {})
{
    return decode_json(std::span<u8 const>(reinterpret_cast<u8 const*>(input.data()), input.size()), value, limits);
}

}
