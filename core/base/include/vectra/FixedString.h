/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string_view>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra {

/* A string of bounded capacity stored inline: usable without any allocator. */
template<usize Capacity>
class FixedString {
public:
    constexpr FixedString() = default;

    [[nodiscard]] static constexpr ErrorOr<FixedString> try_from(std::string_view text)
    {
        if (text.size() > Capacity)
            return Error(ErrorCode::NameTooLong, "text exceeds the fixed capacity");
        FixedString result;
        for (usize index = 0; index < text.size(); ++index)
            result.m_data[index] = text[index];
        result.m_length = text.size();
        return result;
    }

    /* Appends as much as fits; returns false when the text was truncated. */
    constexpr bool append(std::string_view text)
    {
        usize room = Capacity - m_length;
        usize count = text.size() < room ? text.size() : room;
        for (usize index = 0; index < count; ++index)
            m_data[m_length + index] = text[index];
        m_length += count;
        return count == text.size();
    }

    constexpr void clear() { m_length = 0; }

    [[nodiscard]] constexpr std::string_view view() const { return { m_data, m_length }; }
    [[nodiscard]] constexpr usize length() const { return m_length; }
    [[nodiscard]] static constexpr usize capacity() { return Capacity; }
    [[nodiscard]] constexpr bool operator==(std::string_view other) const { return view() == other; }

private:
    char m_data[Capacity] {};
    usize m_length { 0 };
};

}
