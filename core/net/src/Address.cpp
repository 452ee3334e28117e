/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/net/Address.h>

namespace vectra::net {

Address ipv4(u8 a, u8 b, u8 c, u8 d, u16 port)
{
    Address address;
    address.family = u8(Family::Ipv4);
    address.bytes[0] = a;
    address.bytes[1] = b;
    address.bytes[2] = c;
    address.bytes[3] = d;
    address.port = port;
    return address;
}

Address ipv6(std::array<u8, 16> const& bytes, u16 port)
{
    Address address;
    address.family = u8(Family::Ipv6);
    address.bytes = bytes;
    address.port = port;
    return address;
}

Address unspecified(u16 port)
{
    Address address;
    address.port = port;
    return address;
}

ErrorOr<Address> parse_ipv4(std::string_view text, u16 port)
{
    Error invalid(ErrorCode::InvalidArgument, "not a dotted-quad IPv4 address");
    u8 parts[4] {};
    usize part = 0;
    usize digits = 0;
    u32 value = 0;
    for (usize index = 0; index <= text.size(); ++index) {
        if (index == text.size() || text[index] == '.') {
            if (digits == 0 || part == 4)
                return invalid;
            parts[part++] = u8(value);
            digits = 0;
            value = 0;
            continue;
        }
        char character = text[index];
        if (character < '0' || character > '9' || (digits == 1 && value == 0) || digits == 3)
            return invalid;
        value = value * 10 + u32(character - '0');
        ++digits;
        if (value > 255)
            return invalid;
    }
    if (part != 4)
        return invalid;
    return ipv4(parts[0], parts[1], parts[2], parts[3], port);
}

namespace {

/* The groups of one side of "::" (or of the whole text), each 1-4 hex digits; how many, or an error. */
ErrorOr<usize> ipv6_groups(std::string_view text, u16* groups, usize room)
{
    Error invalid(ErrorCode::InvalidArgument, "not an IPv6 address");
    if (text.empty())
        return usize(0);
    usize count = 0;
    usize digits = 0;
    u32 value = 0;
    for (usize index = 0; index <= text.size(); ++index) {
        if (index == text.size() || text[index] == ':') {
            if (digits == 0 || count == room)
                return invalid;
            groups[count++] = u16(value);
            digits = 0;
            value = 0;
            continue;
        }
        char character = text[index];
        u32 digit = 0;
        if (character >= '0' && character <= '9')
            digit = u32(character - '0');
        else if (character >= 'a' && character <= 'f')
            digit = u32(character - 'a' + 10);
        else if (character >= 'A' && character <= 'F')
            digit = u32(character - 'A' + 10);
        else
            return invalid;
        if (digits == 4)
            return invalid;
        value = value * 16 + digit;
        ++digits;
    }
    return count;
}

}

ErrorOr<Address> parse_ipv6(std::string_view text, u16 port)
{
    Error invalid(ErrorCode::InvalidArgument, "not an IPv6 address");
    u16 head[8] {};
    u16 tail[8] {};
    usize head_count = 0;
    usize tail_count = 0;
    auto gap = text.find("::");
    if (gap == std::string_view::npos) {
        head_count = TRY(ipv6_groups(text, head, 8));
        if (head_count != 8)
            return invalid;
    } else {
        auto after = text.substr(gap + 2);
        if (after.find("::") != std::string_view::npos)
            return invalid;
        head_count = TRY(ipv6_groups(text.substr(0, gap), head, 7));
        tail_count = TRY(ipv6_groups(after, tail, 7));
        if (head_count + tail_count > 7)
            return invalid;
    }
    std::array<u8, 16> bytes {};
    for (usize index = 0; index < head_count; ++index) {
        bytes[index * 2] = u8(head[index] >> 8);
        bytes[index * 2 + 1] = u8(head[index]);
    }
    for (usize index = 0; index < tail_count; ++index) {
        usize group = 8 - tail_count + index;
        bytes[group * 2] = u8(tail[index] >> 8);
        bytes[group * 2 + 1] = u8(tail[index]);
    }
    return ipv6(bytes, port);
}

usize format_ipv6(std::array<u8, 16> const& bytes, std::span<char, ipv6_text_maximum> text)
{
    u16 groups[8];
    for (usize index = 0; index < 8; ++index)
        groups[index] = u16((bytes[index * 2] << 8) | bytes[index * 2 + 1]);
    usize run_start = 8, run_length = 0;
    for (usize index = 0; index < 8;) {
        if (groups[index] != 0) {
            ++index;
            continue;
        }
        usize end = index;
        while (end < 8 && groups[end] == 0)
            ++end;
        if (end - index >= 2 && end - index > run_length) {
            run_start = index;
            run_length = end - index;
        }
        index = end;
    }
    usize length = 0;
    for (usize index = 0; index < 8; ++index) {
        if (index == run_start) {
            text[length++] = ':';
            if (index == 0)
                text[length++] = ':';
            index += run_length - 1;
            continue;
        }
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            u8 digit = u8((groups[index] >> shift) & 0xf);
            if (digit == 0 && !started && shift != 0)
                continue;
            started = true;
            text[length++] = "0123456789abcdef"[digit];
        }
        if (index != 7)
            text[length++] = ':';
    }
    return length;
}

ErrorOr<void> check_address(Address const& address, AddressRole role)
{
    usize used = 0;
    switch (Family(address.family)) {
    case Family::Unspecified:
        if (role == AddressRole::Remote)
            return Error(SocketError::AddressUnusable, "a remote address needs a family");
        break;
    case Family::Ipv4:
        used = 4;
        break;
    case Family::Ipv6:
        used = 16;
        break;
    default:
        return Error(SocketError::AddressUnusable, "the family is neither 0, 4 nor 6");
    }
    for (usize index = used; index < address.bytes.size(); ++index) {
        if (address.bytes[index] != 0)
            return Error(SocketError::AddressUnusable, "a byte the family does not use is set");
    }
    if (role == AddressRole::Remote && address.port == 0)
        return Error(SocketError::AddressUnusable, "a remote address needs a port");
    return {};
}

bool is_ipv6_unspecified(Ipv6Bytes const& bytes)
{
    for (auto byte : bytes) {
        if (byte != 0)
            return false;
    }
    return true;
}

bool is_ipv6_loopback(Ipv6Bytes const& bytes)
{
    for (usize index = 0; index < 15; ++index) {
        if (bytes[index] != 0)
            return false;
    }
    return bytes[15] == 1;
}

bool is_ipv6_multicast(Ipv6Bytes const& bytes) { return bytes[0] == 0xff; }

bool is_ipv6_link_local(Ipv6Bytes const& bytes) { return bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80; }

}
