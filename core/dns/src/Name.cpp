/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/Try.h>
#include <vectra/dns/Name.h>

namespace vectra::dns {

namespace {

u8 folded(u8 byte) { return (byte >= 'A' && byte <= 'Z') ? static_cast<u8>(byte + ('a' - 'A')) : byte; }

bool is_host_character(u8 byte)
{
    return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') || byte == '-'
        || byte == '_';
}

bool same_bytes_ignoring_case(u8 const* left, u8 const* right, usize length)
{
    for (usize index = 0; index < length; ++index) {
        if (folded(left[index]) != folded(right[index]))
            return false;
    }
    return true;
}

}

Name::Name() { m_bytes[0] = 0; }

ErrorOr<Name> Name::from_text(std::string_view text)
{
    Name name;
    if (text == ".")
        return name;
    if (!text.empty() && text.back() == '.')
        text.remove_suffix(1);
    if (text.empty())
        return Error(ErrorCode::InvalidArgument, "a name needs at least one label (or is \".\")");
    while (!text.empty()) {
        usize dot = text.find('.');
        std::string_view label = text.substr(0, dot);
        if (label.empty())
            return Error(ErrorCode::InvalidArgument, "a name has an empty label");
        for (char character : label) {
            if (!is_host_character(static_cast<u8>(character)))
                return Error(ErrorCode::InvalidArgument, "a label holds a character other than a letter, digit, '-' or '_'");
        }
        TRY(name.append_label({ reinterpret_cast<u8 const*>(label.data()), label.size() }));
        text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
        if (dot != std::string_view::npos && text.empty())
            return Error(ErrorCode::InvalidArgument, "a name has an empty label");
    }
    return name;
}

ErrorOr<void> Name::append_label(std::span<u8 const> label)
{
    if (label.empty())
        return Error(ErrorCode::InvalidArgument, "a label is empty");
    if (label.size() > maximum_label_bytes)
        return Error(ErrorCode::NameTooLong, "a label is longer than 63 bytes");
    if (m_length + 1 + label.size() > maximum_name_bytes)
        return Error(ErrorCode::NameTooLong, "a name is longer than 255 bytes");
    usize at = m_length - 1; /* over the root's zero */
    m_bytes[at] = static_cast<u8>(label.size());
    memcpy(m_bytes.data() + at + 1, label.data(), label.size());
    m_length += 1 + label.size();
    m_bytes[m_length - 1] = 0;
    return {};
}

usize Name::label_count() const
{
    usize count = 0;
    for (usize at = 0; m_bytes[at] != 0; at += 1 + m_bytes[at])
        ++count;
    return count;
}

bool Name::equals(Name const& other) const
{
    /* Length bytes are below 'A', so folding leaves them as they are. */
    return m_length == other.m_length && same_bytes_ignoring_case(m_bytes.data(), other.m_bytes.data(), m_length);
}

bool Name::is_at_or_below(Name const& zone) const
{
    if (zone.m_length > m_length)
        return false;
    /* The zone's wire form must be a suffix that starts on one of this name's label boundaries. */
    usize start = m_length - zone.m_length;
    usize at = 0;
    while (at < start)
        at += 1 + m_bytes[at];
    return at == start && same_bytes_ignoring_case(m_bytes.data() + start, zone.m_bytes.data(), zone.m_length);
}

FixedString<maximum_name_text> Name::text() const
{
    FixedString<maximum_name_text> text;
    if (is_root()) {
        (void)text.append(".");
        return text;
    }
    for (usize at = 0; m_bytes[at] != 0; at += 1 + m_bytes[at]) {
        if (at != 0)
            (void)text.append(".");
        for (usize index = 0; index < m_bytes[at]; ++index) {
            u8 byte = m_bytes[at + 1 + index];
            char character = is_host_character(byte) ? static_cast<char>(byte) : '?';
            (void)text.append(std::string_view(&character, 1));
        }
    }
    return text;
}

}
