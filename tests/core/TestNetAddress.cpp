/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.socket's addresses (core/net Address.h): one address, one encoding — every address a
 * server would have to guess about is refused — and the declaration's promises about slots: a
 * full inline send or receive fits one slot and comes back byte for byte.
 */

#include <catch2/catch.hpp>
#include <string>
#include <vectra/net/Address.h>
#include <vectra/protocol/Envelope.h>

using namespace vectra;
using namespace vectra::net;

TEST_CASE("canonical addresses are accepted in the roles they fit", "[net][address]")
{
    REQUIRE(!check_address(ipv4(10, 0, 2, 15, 80), AddressRole::Remote).is_error());
    REQUIRE(!check_address(ipv4(0, 0, 0, 0, 0), AddressRole::Local).is_error());
    std::array<u8, 16> loopback {};
    loopback[15] = 1;
    REQUIRE(!check_address(ipv6(loopback, 443), AddressRole::Remote).is_error());
    REQUIRE(!check_address(unspecified(0), AddressRole::Local).is_error());
    REQUIRE(!check_address(unspecified(7), AddressRole::Local).is_error());
}

TEST_CASE("every address that is not canonical, or does not fit its role, is address-unusable", "[net][address]")
{
    auto refused = [](Address const& address, AddressRole role) {
        auto checked = check_address(address, role);
        return checked.is_error() && checked.error().is(SocketError::AddressUnusable);
    };
    REQUIRE(refused(unspecified(80), AddressRole::Remote));
    REQUIRE(refused(ipv4(10, 0, 2, 2, 0), AddressRole::Remote));
    for (u8 family : { u8(1), u8(5), u8(7), u8(46), u8(255) }) {
        Address address = ipv4(127, 0, 0, 1, 80);
        address.family = family;
        INFO("family " << int(family));
        REQUIRE(refused(address, AddressRole::Local));
        REQUIRE(refused(address, AddressRole::Remote));
    }
    for (usize index = 4; index < 16; ++index) {
        Address address = ipv4(127, 0, 0, 1, 80);
        address.bytes[index] = 1;
        INFO("IPv4 with byte " << index << " set");
        REQUIRE(refused(address, AddressRole::Remote));
    }
    for (usize index = 0; index < 16; ++index) {
        Address address = unspecified(0);
        address.bytes[index] = 0x80;
        INFO("Unspecified with byte " << index << " set");
        REQUIRE(refused(address, AddressRole::Local));
    }
}

TEST_CASE("a full inline send and receive fit one slot and come back byte for byte", "[net][protocol]")
{
    static_assert(protocol::largest_message<Protocol>() <= protocol::payload_capacity<Protocol>);
    std::array<u8, 16> address_bytes {};
    for (usize index = 0; index < 16; ++index)
        address_bytes[index] = u8(0xf0 + index);
    Send send;
    send.socket = 0x00030001;
    send.to = ipv6(address_bytes, 65535);
    for (usize index = 0; index < inline_maximum; ++index)
        MUST(send.data.try_append(u8(index * 7)));
    u8 slot[protocol::payload_capacity<Protocol>];
    auto encoded = protocol::encode_request<Protocol>(send, 42, slot);
    REQUIRE(!encoded.is_error());
    usize length = encoded.value();
    REQUIRE(length <= protocol::payload_capacity<Protocol>);
    Send decoded;
    bool decoded_well = !protocol::decode_body(std::span<u8 const>(slot, length), decoded).is_error();
    REQUIRE(decoded_well);
    REQUIRE(decoded.socket == send.socket);
    REQUIRE(decoded.to == send.to);
    REQUIRE(decoded.data.size() == inline_maximum);
    for (usize index = 0; index < inline_maximum; ++index)
        REQUIRE(decoded.data[index] == u8(index * 7));

    /* One byte more than inline_maximum does not fit the declared bound. */
    Data data;
    for (usize index = 0; index < inline_maximum; ++index)
        MUST(data.try_append(0));
    REQUIRE(data.try_append(0).is_error());
}

TEST_CASE("parse_ipv4 takes dotted quads only: four parts 0-255, no leading zeros", "[net]")
{
    REQUIRE(net::parse_ipv4("10.0.2.15", 7).value() == net::ipv4(10, 0, 2, 15, 7));
    REQUIRE(net::parse_ipv4("0.0.0.0", 1).value() == net::ipv4(0, 0, 0, 0, 1));
    REQUIRE(net::parse_ipv4("255.255.255.255", 1).value() == net::ipv4(255, 255, 255, 255, 1));
    for (auto bad : { "", "10.0.2", "10.0.2.2.1", "10.0.2.256", "10..2.2", "010.0.2.2", "10.0.2.2 ", " 10.0.2.2", "a.b.c.d",
             "1.2.3.4444", ".1.2.3", "1.2.3.", "0x1.2.3.4", "1.2.3.-4" })
        REQUIRE(net::parse_ipv4(bad, 1).error().is(ErrorCode::InvalidArgument));
}

TEST_CASE("parse_ipv6 takes RFC 4291's forms 1 and 2: groups of 1-4 hex digits, one '::' at most", "[net]")
{
    auto bytes = [](std::initializer_list<u8> list) {
        std::array<u8, 16> result {};
        usize index = 0;
        for (auto byte : list)
            result[index++] = byte;
        return result;
    };
    REQUIRE(net::parse_ipv6("::", 7).value() == net::ipv6({}, 7));
    REQUIRE(net::parse_ipv6("::1", 1).value() == net::ipv6(bytes({ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }), 1));
    REQUIRE(net::parse_ipv6("fe80::2", 1).value() == net::ipv6(bytes({ 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 }), 1));
    REQUIRE(net::parse_ipv6("FD00:7665:6374::5054:ff:fe12:3456", 1).value()
        == net::ipv6(bytes({ 0xfd, 0, 0x76, 0x65, 0x63, 0x74, 0, 0, 0x50, 0x54, 0, 0xff, 0xfe, 0x12, 0x34, 0x56 }), 1));
    REQUIRE(net::parse_ipv6("1:2:3:4:5:6:7:8", 1).value()
        == net::ipv6(bytes({ 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8 }), 1));
    REQUIRE(net::parse_ipv6("1:2:3:4:5:6:7::", 1).value()
        == net::ipv6(bytes({ 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0 }), 1));
    REQUIRE(net::parse_ipv6("1::8", 1).value() == net::ipv6(bytes({ 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8 }), 1));
    /* The same cases tests/tools/test_manifest.py holds the compiler's "ipv6" format to. */
    for (auto bad : { "", ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::", ":1::", "1::2:",
             "::ffff:1.2.3.4", "fe80::1%en0", "1:2:3:4:5:6:7:8::", " ::1", "::1 ", "1:::2" })
        REQUIRE(net::parse_ipv6(bad, 1).error().is(ErrorCode::InvalidArgument));
}

TEST_CASE("format_ipv6 writes RFC 5952's canonical text, and parse_ipv6 reads it back", "[net]")
{
    auto text_of = [](std::string_view input) {
        static char buffer[net::ipv6_text_maximum];
        auto address = net::parse_ipv6(input, 1).release_value();
        usize length = net::format_ipv6(address.bytes, std::span<char, net::ipv6_text_maximum>(buffer, net::ipv6_text_maximum));
        REQUIRE(net::parse_ipv6(std::string_view(buffer, length), 1).value() == address);
        return std::string(buffer, length);
    };
    CHECK(text_of("::") == "::");
    CHECK(text_of("::1") == "::1");
    CHECK(text_of("1::") == "1::");
    CHECK(text_of("FE80:0:0:0:5054:FF:FE12:3456") == "fe80::5054:ff:fe12:3456");
    CHECK(text_of("fd00:7665:6374:0:5054:ff:fe12:3456") == "fd00:7665:6374:0:5054:ff:fe12:3456"); /* one zero group stays */
    CHECK(text_of("2001:db8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");                             /* the first of equal runs */
    CHECK(text_of("2001:0:0:1:0:0:0:1") == "2001:0:0:1::1");                                   /* the longest run */
    CHECK(text_of("2001:0db8:0000:0000:0000:0000:0002:0001") == "2001:db8::2:1");
    CHECK(text_of("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    CHECK(text_of("0:1:0:1:0:1:0:1") == "0:1:0:1:0:1:0:1");
}

namespace {

Ipv6Bytes bytes_of(char const* text) { return parse_ipv6(text, 1).value().bytes; }

}

TEST_CASE("IPv6 address kinds: unspecified, loopback, multicast and link-local, each exactly its range", "[net][address]")
{
    REQUIRE(is_ipv6_unspecified(bytes_of("::")));
    REQUIRE_FALSE(is_ipv6_unspecified(bytes_of("::1")));
    REQUIRE_FALSE(is_ipv6_unspecified(bytes_of("8000::")));
    REQUIRE(is_ipv6_loopback(bytes_of("::1")));
    for (auto const* text : { "::", "::2", "::101", "1::1", "::ffff:7f00:1", "fe80::1" }) {
        INFO(text);
        REQUIRE_FALSE(is_ipv6_loopback(bytes_of(text)));
    }
    for (auto const* text : { "ff02::1", "ff05::1:3", "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" }) {
        INFO(text);
        REQUIRE(is_ipv6_multicast(bytes_of(text)));
    }
    for (auto const* text : { "fe80::1", "2001:db8::1", "feff::1", "::" }) {
        INFO(text);
        REQUIRE_FALSE(is_ipv6_multicast(bytes_of(text)));
    }
    /* fe80::/10: fe80 to febf; fec0 (the old site-local) and fe7f are outside. */
    for (auto const* text : { "fe80::1", "fe80::", "fe9a:1::2", "febf:ffff::1" }) {
        INFO(text);
        REQUIRE(is_ipv6_link_local(bytes_of(text)));
    }
    for (auto const* text : { "fec0::1", "fe7f::1", "ff02::1", "2001:db8::1", "::1" }) {
        INFO(text);
        REQUIRE_FALSE(is_ipv6_link_local(bytes_of(text)));
    }
    /* A global address is none of them. */
    auto global = bytes_of("2001:db8::53");
    REQUIRE_FALSE((is_ipv6_unspecified(global) || is_ipv6_loopback(global) || is_ipv6_multicast(global) || is_ipv6_link_local(global)));
}
