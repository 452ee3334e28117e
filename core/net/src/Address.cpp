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
