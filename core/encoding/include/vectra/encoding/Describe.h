/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The one description every encoding uses: a type lists its fields, in declaration order,
 * next to its definition:
 *
 *     struct Point {
 *         static constexpr u16 version = 1; // optional; written by the binary form
 *         i32 x { 0 };
 *         i32 y { 0 };
 *         static constexpr auto fields() { return vectra::fields(vectra::field("x", &Point::x), vectra::field("y",
 * &Point::y)); }
 *     };
 *
 * The list is data known at compile time (names and member pointers); nothing is looked up at
 * run time and decoding never runs code the input chooses.
 */

#pragma once

#include <array>
#include <concepts>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vectra/BoundedVector.h>
#include <vectra/FixedString.h>
#include <vectra/Types.h>
#include <vectra/Utf8String.h>

namespace vectra {

template<typename Owner, typename Member>
struct Field {
    using OwnerType = Owner;
    using MemberType = Member;

    std::string_view name;
    Member Owner::*member;
};

/* One described field: its name in JSON and MessagePack, and the member it reads and writes. */
template<typename Owner, typename Member>
[[nodiscard]] constexpr Field<Owner, Member> field(std::string_view name, Member Owner::*member)
{
    return { name, member };
}

template<typename... Fields>
struct FieldList {
    static constexpr usize count = sizeof...(Fields);
    std::tuple<Fields...> entries;
};

template<typename... Fields>
[[nodiscard]] constexpr FieldList<Fields...> fields(Fields... entries)
{
    return { std::tuple<Fields...>(entries...) };
}

namespace encoding {

/* Fields per described type: the decoders track which were seen in one 64-bit set. */
inline constexpr usize maximum_fields = 64;
/* Longest field name: every name fits the decoders' fixed name buffer. */
inline constexpr usize maximum_field_name_length = 64;

template<typename T>
concept Described = requires
{
    T::fields();
};

/*
 * T's field list as a constant, for the encoders and decoders to walk: its names are string_views
 * whose lengths are computed at compile time. Calling T::fields() at run time instead builds each
 * name with strlen on every encode and decode, which a freestanding build (-ffreestanding: no
 * builtins) does not fold away.
 */
template<Described T>
inline constexpr auto field_list = T::fields();

/*
 * A type with rules of its own (a Path's components are never "." or "..") encodes as a simpler
 * value, its representation, and is rebuilt from it only through its check: decoding a
 * representation that breaks a rule is refused like any malformed input. The structural
 * description names it ("path=…"), so a rule change can be made visible by renaming it.
 */
template<typename T>
concept Represented = requires(T const& value, typename T::Representation const& representation)
{
    typename T::Representation;
    {
        T::representation_name
        } -> std::convertible_to<std::string_view>;
    {
        value.representation()
        } -> std::same_as<typename T::Representation>;
    {
        T::from_representation(representation)
        } -> std::same_as<ErrorOr<T>>;
};

template<typename T>
concept Integer
    = std::integral<T> && !std::same_as<T,
          bool> && !std::same_as<T, char> && !std::same_as<T, wchar_t> && !std::same_as<T, char8_t> && !std::same_as<T, char16_t> && !std::same_as<T, char32_t>;

template<typename T>
struct IsFixedString : std::false_type {
};
template<usize Capacity>
struct IsFixedString<FixedString<Capacity>> : std::true_type {
};

template<typename T>
struct IsUtf8String : std::false_type {
};
template<usize Capacity>
struct IsUtf8String<Utf8String<Capacity>> : std::true_type {
};

template<typename T>
struct IsArray : std::false_type {
};
template<typename T, usize Size>
struct IsArray<std::array<T, Size>> : std::true_type {
    using Element = T;
    static constexpr usize size = Size;
};

template<typename T>
struct IsBoundedVector : std::false_type {
};
template<typename T, usize Capacity>
struct IsBoundedVector<BoundedVector<T, Capacity>> : std::true_type {
    using Element = T;
    static constexpr usize capacity = Capacity;
};

template<typename T>
struct IsOptional : std::false_type {
};
template<typename T>
struct IsOptional<std::optional<T>> : std::true_type {
    using Element = T;
};

template<typename T>
inline constexpr bool is_fixed_string = IsFixedString<T>::value;
template<typename T>
inline constexpr bool is_utf8_string = IsUtf8String<T>::value;
template<typename T>
inline constexpr bool is_array = IsArray<T>::value;
template<typename T>
inline constexpr bool is_bounded_vector = IsBoundedVector<T>::value;
template<typename T>
inline constexpr bool is_optional = IsOptional<T>::value;

template<typename T>
inline constexpr bool dependent_false = false;

/* The binary form's version of a described type: T::version, else 1. */
template<Described T>
[[nodiscard]] constexpr u16 version_of()
{
    if constexpr (requires { T::version; })
        return static_cast<u16>(T::version);
    else
        return 1;
}

/* Calls `visit(field)` for each field in order while it returns true; false if one said stop. */
template<typename List, typename Visit>
constexpr bool for_each_field(List const& list, Visit&& visit)
{
    return std::apply([&](auto const&... entries) { return (visit(entries) && ...); }, list.entries);
}

[[nodiscard]] constexpr bool is_field_name_character(char character)
{
    return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z')
        || (character >= '0' && character <= '9') || character == '_' || character == '-' || character == '.';
}

/*
 * Everything the encodings need from a type, checked at compile time: every member type has
 * an encoding, every described type has at most 64 fields with distinct names of 1-64 characters
 * from [A-Za-z0-9_.-] (so names never need escaping).
 */
template<typename T>
[[nodiscard]] consteval bool is_encodable()
{
    if constexpr (std::same_as<T, bool> || Integer<T> || is_fixed_string<T> || is_utf8_string<T>) {
        return true;
    } else if constexpr (Represented<T>) {
        return !Represented<typename T::Representation> && is_encodable<typename T::Representation>();
    } else if constexpr (is_array<T>) {
        return is_encodable<typename IsArray<T>::Element>();
    } else if constexpr (is_bounded_vector<T>) {
        return is_encodable<typename IsBoundedVector<T>::Element>();
    } else if constexpr (is_optional<T>) {
        return !is_optional<typename IsOptional<T>::Element> && is_encodable<typename IsOptional<T>::Element>();
    } else if constexpr (Described<T>) {
        constexpr auto list = T::fields();
        if (list.count > maximum_fields)
            return false;
        bool valid = true;
        std::string_view names[list.count > 0 ? list.count : 1] {};
        usize index = 0;
        for_each_field(list, [&](auto const& entry) {
            using Entry = std::remove_cvref_t<decltype(entry)>;
            static_assert(std::same_as<typename Entry::OwnerType, T>,
                "a described field must be a member of the type describing it");
            if (!is_encodable<typename Entry::MemberType>())
                valid = false;
            if (entry.name.empty() || entry.name.size() > maximum_field_name_length)
                valid = false;
            for (char character : entry.name) {
                if (!is_field_name_character(character))
                    valid = false;
            }
            for (usize other = 0; other < index; ++other) {
                if (names[other] == entry.name)
                    valid = false;
            }
            names[index++] = entry.name;
            return true;
        });
        return valid;
    } else {
        return false;
    }
}

}

}
