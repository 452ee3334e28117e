/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's stateless DHCPv6 messages (netd/Dhcpv6.h): the Information-request byte for byte, the
 * Reply's DNS servers as QEMU's user network (libslirp's dhcpv6.c) answers, and as an attacker every
 * way a Reply is refused — it is untrusted bytes from the link.
 */

#include <catch2/catch.hpp>
#include <netd/Dhcpv6.h>
#include <vector>

using namespace vectra;
namespace dhcpv6 = netd::dhcpv6;

namespace {

using Sixteen = std::array<u8, 16>;

Sixteen slirp_server() { return { 0xfd, 0x00, 0x76, 0x65, 0x63, 0x74, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3 }; }

void append_option(std::vector<u8>& message, u16 code, std::vector<u8> const& value)
{
    message.push_back(u8(code >> 8));
    message.push_back(u8(code));
    message.push_back(u8(value.size() >> 8));
    message.push_back(u8(value.size()));
    message.insert(message.end(), value.begin(), value.end());
}

std::vector<u8> servers_value(std::vector<Sixteen> const& servers)
{
    std::vector<u8> value;
    for (auto const& server : servers)
        value.insert(value.end(), server.begin(), server.end());
    return value;
}

/* A Reply as libslirp writes it: type, id, the Client Identifier echoed, the DNS servers. */
std::vector<u8> reply_to(u32 id, std::vector<Sixteen> const& servers)
{
    std::vector<u8> message { dhcpv6::reply, u8(id >> 16), u8(id >> 8), u8(id) };
    append_option(message, dhcpv6::option_client_id, { 0, 3, 0, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56 });
    append_option(message, dhcpv6::option_dns_servers, servers_value(servers));
    return message;
}

std::string_view refusal(std::vector<u8> const& message, u32 id)
{
    auto parsed = dhcpv6::parse_reply(message, id);
    REQUIRE(parsed.is_error());
    return parsed.error().message();
}

}

TEST_CASE("the Information-request: a DUID-LL of the MAC, a request for DNS servers, the elapsed time", "[netd]")
{
    auto message = dhcpv6::information_request_for(0xabcdef, { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, 150);
    std::vector<u8> expected { 11, 0xab, 0xcd, 0xef, /* Client Identifier */ 0, 1, 0, 10, 0, 3, 0, 1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
        /* ORO: 23 */ 0, 6, 0, 2, 0, 23, /* Elapsed Time: 1.5 s */ 0, 8, 0, 2, 0, 150 };
    REQUIRE(std::vector<u8>(message.begin(), message.end()) == expected);
    auto capped = dhcpv6::information_request_for(1, {}, 1'000'000); /* past 655.35 s: the field's largest */
    REQUIRE(capped[dhcpv6::request_bytes - 2] == 0xff);
    REQUIRE(capped[dhcpv6::request_bytes - 1] == 0xff);
    REQUIRE(dhcpv6::transaction_id_of(0x12abcdef) == 0xabcdef);
}

TEST_CASE("a Reply names the DNS servers: QEMU's one, the first three of five", "[netd]")
{
    auto one = dhcpv6::parse_reply(reply_to(0x123456, { slirp_server() }), 0x123456).release_value();
    REQUIRE(one.servers.size() == 1);
    REQUIRE(one.servers[0] == slirp_server());
    REQUIRE(one.left_out == 0);
    std::vector<Sixteen> five;
    for (u8 last = 1; last <= 5; ++last)
        five.push_back({ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last });
    auto first_three = dhcpv6::parse_reply(reply_to(7, five), 7).release_value();
    REQUIRE(first_three.servers.size() == 3);
    REQUIRE(first_three.servers[2] == five[2]);
    REQUIRE(first_three.left_out == 2);
    /* No DNS servers' option: a Reply naming none. A Status Code of Success, unknown options: taken. */
    std::vector<u8> none { dhcpv6::reply, 0, 0, 9 };
    append_option(none, dhcpv6::option_status_code, { 0, 0, 'o', 'k' });
    append_option(none, 0x7777, {});
    REQUIRE(dhcpv6::parse_reply(none, 9).value().servers.size() == 0);
}

TEST_CASE("a Reply is refused when it is not whole, not ours or not a success, each with its own message", "[netd][attack]")
{
    auto good = reply_to(0x010203, { slirp_server() });
    CHECK(refusal({ 7, 1, 2 }, 0x010203) == "a DHCPv6 message is shorter than its header");
    auto advertise = good;
    advertise[0] = 2;
    CHECK(refusal(advertise, 0x010203) == "the DHCPv6 message is not a Reply");
    auto request = good;
    request[0] = dhcpv6::information_request; /* our own request, looped back */
    CHECK(refusal(request, 0x010203) == "the DHCPv6 message is not a Reply");
    CHECK(refusal(good, 0x010204) == "the DHCPv6 Reply answers another transaction");
    CHECK(refusal(good, 0x110203) == "the DHCPv6 Reply answers another transaction");
    /* Every cut through an option: its header or its value runs past the message. */
    for (usize length = 5; length < good.size(); ++length) {
        if (length == 4 + 4 + 10)
            continue; /* between the two options: a whole Reply naming no server */
        std::vector<u8> cut(good.begin(), good.begin() + length);
        auto message = refusal(cut, 0x010203);
        CHECK((message == "a DHCPv6 option's header runs past the message" || message == "a DHCPv6 option's length runs past the message"));
    }
    auto overrun = good;
    overrun[overrun.size() - 17] = 17; /* the servers' option claims a byte more than the message holds */
    CHECK(refusal(overrun, 0x010203) == "a DHCPv6 option's length runs past the message");
    std::vector<u8> empty { dhcpv6::reply, 1, 2, 3 };
    append_option(empty, dhcpv6::option_dns_servers, {});
    CHECK(refusal(empty, 0x010203) == "the DHCPv6 DNS servers' option is not a non-zero multiple of 16 bytes");
    std::vector<u8> ragged { dhcpv6::reply, 1, 2, 3 };
    auto value = servers_value({ slirp_server() });
    value.resize(20);
    append_option(ragged, dhcpv6::option_dns_servers, value);
    CHECK(refusal(ragged, 0x010203) == "the DHCPv6 DNS servers' option is not a non-zero multiple of 16 bytes");
    auto twice = good;
    append_option(twice, dhcpv6::option_dns_servers, servers_value({ slirp_server() }));
    CHECK(refusal(twice, 0x010203) == "the DHCPv6 Reply names DNS servers twice");
    auto failed = good;
    append_option(failed, dhcpv6::option_status_code, { 0, 1 }); /* UnspecFail */
    CHECK(refusal(failed, 0x010203) == "the DHCPv6 Reply's status is not Success");
    auto short_status = good;
    append_option(short_status, dhcpv6::option_status_code, { 0 });
    CHECK(refusal(short_status, 0x010203) == "a DHCPv6 Status Code option is shorter than its code");
}
