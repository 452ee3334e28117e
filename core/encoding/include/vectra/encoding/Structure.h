/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The canonical structural description of a described type: its field names, their types and
 * their order, written as text, computed at compile time. Two types have the same description
 * exactly when their canonical binary forms are interchangeable, so a hash of it identifies a
 * wire format (Ring schema ids are built from it).
 *
 *     bool, u8 … u64, i8 … i64
 *     string<N>             FixedString<N>
 *     utf8<N>               Utf8String<N>
 *     array<T,N>            std::array<T, N>
 *     vector<T,N>           BoundedVector<T, N>
 *     optional<T>           std::optional<T>
 *     name=T                a Represented type: its name, then its representation
 *     {a:T,b:T}             a described struct, fields in order
 *
 * A sink is anything with `constexpr void append(std::string_view)`: StructureHash hashes what it
 * is given (FNV-1a 64), a text sink collects it (the protocol documentation does).
 */

#pragma once

#include <string_view>
#include <vectra/encoding/Describe.h>

namespace vectra::encoding {

/* FNV-1a, 64-bit, over everything appended: constexpr, dependency-free. */
class StructureHash {
public:
    constexpr void append(std::string_view text)
    {
        for (char character : text) {
            m_hash ^= static_cast<u8>(character);
            m_hash *= 0x100000001b3ull;
        }
    }
    [[nodiscard]] constexpr u64 value() const { return m_hash; }

private:
    u64 m_hash { 0xcbf29ce484222325ull };
};

/* Appends `value` in decimal. */
template<typename Sink>
constexpr void append_decimal(Sink& sink, u64 value)
{
    char digits[20] {};
    usize count = 0;
    do {
        digits[count++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    char ordered[20] {};
    for (usize index = 0; index < count; ++index)
        ordered[index] = digits[count - 1 - index];
    sink.append(std::string_view(ordered, count));
}

template<typename T, typename Sink>
constexpr void describe_structure(Sink& sink)
{
    static_assert(is_encodable<T>(), "only encodable types have a structural description");
    if constexpr (std::same_as<T, bool>) {
        sink.append("bool");
    } else if constexpr (Integer<T>) {
        sink.append(std::is_signed_v<T> ? "i" : "u");
        append_decimal(sink, sizeof(T) * 8);
    } else if constexpr (is_fixed_string<T> || is_utf8_string<T>) {
        sink.append(is_fixed_string<T> ? "string<" : "utf8<");
        append_decimal(sink, T::capacity());
        sink.append(">");
    } else if constexpr (Represented<T>) {
        sink.append(std::string_view(T::representation_name));
        sink.append("=");
        describe_structure<typename T::Representation>(sink);
    } else if constexpr (is_array<T>) {
        sink.append("array<");
        describe_structure<typename IsArray<T>::Element>(sink);
        sink.append(",");
        append_decimal(sink, IsArray<T>::size);
        sink.append(">");
    } else if constexpr (is_bounded_vector<T>) {
        sink.append("vector<");
        describe_structure<typename IsBoundedVector<T>::Element>(sink);
        sink.append(",");
        append_decimal(sink, IsBoundedVector<T>::capacity);
        sink.append(">");
    } else if constexpr (is_optional<T>) {
        sink.append("optional<");
        describe_structure<typename IsOptional<T>::Element>(sink);
        sink.append(">");
    } else {
        sink.append("{");
        bool first = true;
        for_each_field(field_list<T>, [&](auto const& entry) {
            if (!first)
                sink.append(",");
            first = false;
            sink.append(entry.name);
            sink.append(":");
            describe_structure<typename std::remove_cvref_t<decltype(entry)>::MemberType>(sink);
            return true;
        });
        sink.append("}");
    }
}

/* The hash of T's structural description alone. */
template<typename T>
[[nodiscard]] consteval u64 structure_hash()
{
    StructureHash hash;
    describe_structure<T>(hash);
    return hash.value();
}

}
