/*
 * SPDX-License-Identifier: Apache-2.0
 */

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

}
