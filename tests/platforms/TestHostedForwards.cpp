/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted process's --forward=FROM=TO arguments (vectra/platform/hosted/Forwards.h, ADR 0024
 * amendment 2026-12-06): what parses, and as an attacker every malformed or unsafe forward refused
 * with its own reason — a TO off loopback above all, since a forward may grant nothing beyond it.
 */

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vectra/platform/HostSockets.h>
#include <vectra/platform/hosted/Forwards.h>

using namespace vectra;
using platform::hosted::add_forward;
using platform::hosted::parse_forward;

namespace {

std::string refusal(char const* text)
{
    auto parsed = parse_forward(text);
    return parsed.is_error() ? parsed.error().message() : "accepted";
}

}

TEST_CASE("a forward from an IPv4 address and port outside loopback to a loopback port parses", "[platform][hosted][forwards]")
{
    auto forward = parse_forward("10.0.2.101:443=127.0.0.1:40123");
    REQUIRE_FALSE(forward.is_error());
    auto const& value = forward.value();
    REQUIRE(value.from.family == 4);
    REQUIRE(value.from.port == 443);
    REQUIRE(std::memcmp(value.from.bytes, "\x0a\x00\x02\x65", 4) == 0);
    REQUIRE(value.to.family == 4);
    REQUIRE(value.to.port == 40123);
    REQUIRE(std::memcmp(value.to.bytes, "\x7f\x00\x00\x01", 4) == 0);
}

TEST_CASE("IPv6 forwards are written in brackets; ::1 is loopback", "[platform][hosted][forwards]")
{
    auto forward = parse_forward("[fd00::5]:853=[::1]:1");
    REQUIRE_FALSE(forward.is_error());
    REQUIRE(forward.value().from.family == 6);
    REQUIRE(forward.value().from.bytes[0] == 0xfd);
    REQUIRE(forward.value().from.bytes[15] == 5);
    REQUIRE(forward.value().to.family == 6);
    REQUIRE(forward.value().to.bytes[15] == 1);
    REQUIRE(forward.value().to.port == 1);
    REQUIRE_FALSE(parse_forward("10.0.2.100:853=127.9.8.7:65535").is_error());
}

TEST_CASE("attacker: a forward's target off loopback is refused: it would grant the host's network", "[platform][hosted][forwards]")
{
    for (auto const* text : { "10.0.2.101:443=10.0.2.2:80", "10.0.2.101:443=8.8.8.8:443", "10.0.2.101:443=0.0.0.0:443",
             "10.0.2.101:443=128.0.0.1:443", "10.0.2.101:443=[::]:443", "10.0.2.101:443=[::2]:443",
             "10.0.2.101:443=[::ffff:10.0.0.1]:443" }) {
        INFO(text);
        auto parsed = parse_forward(text);
        REQUIRE(parsed.is_error());
        REQUIRE(parsed.error().code() == ErrorCode::MissingRight);
        REQUIRE(refusal(text) == "a forward's TO is a loopback address: nothing beyond loopback is granted");
    }
}

TEST_CASE("attacker: a forward from loopback is refused: it would hide the host's own ports", "[platform][hosted][forwards]")
{
    REQUIRE(refusal("127.0.0.1:80=127.0.0.1:8080") == "a forward's FROM is outside loopback (loopback needs no forward)");
    REQUIRE(refusal("[::1]:80=127.0.0.1:8080") == "a forward's FROM is outside loopback (loopback needs no forward)");
    REQUIRE(refusal("[::ffff:127.0.0.1]:80=127.0.0.1:8080") == "a forward's FROM is outside loopback (loopback needs no forward)");
}

TEST_CASE("attacker: malformed forwards are refused, each with its reason", "[platform][hosted][forwards]")
{
    char const* shape = "a forward is FROM=TO, e.g. 10.0.2.101:443=127.0.0.1:40123";
    char const* port = "a port is a decimal number from 1 to 65535";
    char const* ipv4 = "not a dotted-quad IPv4 address (IPv6 goes in brackets)";
    struct Case {
        char const* text;
        char const* reason;
    } cases[] = {
        { "", shape },
        { "10.0.2.101:443", shape },
        { "=127.0.0.1:1", shape },
        { "10.0.2.101:443=", shape },
        { "10.0.2.101:443=127.0.0.1:1=127.0.0.1:2", shape },
        { "10.0.2.101:443=127.0.0.1:1111111111111111111111111111111111111111111111111111111111111111111", shape },
        { "10.0.2.101=127.0.0.1:1", "an address is followed by :port" },
        { "10.0.2.101:=127.0.0.1:1", port },
        { "10.0.2.101:0=127.0.0.1:1", port },
        { "10.0.2.101:65536=127.0.0.1:1", port },
        { "10.0.2.101:080=127.0.0.1:1", port },
        { "10.0.2.101:+80=127.0.0.1:1", port },
        { "10.0.2.101:8a=127.0.0.1:1", port },
        { "10.0.2.101:443=127.0.0.1:-1", port },
        { "10.0.2.256:443=127.0.0.1:1", ipv4 },
        { "10.0.2:443=127.0.0.1:1", ipv4 },
        { "10.0.2.01:443=127.0.0.1:1", ipv4 },
        { "www.vectra.test:443=127.0.0.1:1", ipv4 },
        { " 10.0.2.1:443=127.0.0.1:1", ipv4 },
        { "fd00::5:443=127.0.0.1:1", ipv4 },
        { "[fd00::5]443=127.0.0.1:1", "an IPv6 address is written [address]:port" },
        { "[fd00::5=127.0.0.1:1", "an IPv6 address is written [address]:port" },
        { "[10.0.2.1]:443=127.0.0.1:1", "not an IPv6 address between the brackets" },
        { "[fd00::zz]:443=127.0.0.1:1", "not an IPv6 address between the brackets" },
    };
    for (auto const& each : cases) {
        INFO(each.text);
        REQUIRE(refusal(each.text) == each.reason);
    }
}

TEST_CASE("attacker: a FROM forwarded twice, and a ninth forward, are refused; the kept forwards are the capability's map", "[platform][hosted][forwards]")
{
    platform::hosted::clear_forwards();
    REQUIRE_FALSE(add_forward("10.0.2.100:853=127.0.0.1:1000").is_error());
    auto twice = add_forward("10.0.2.100:853=127.0.0.1:2000");
    REQUIRE(twice.is_error());
    REQUIRE(twice.error().code() == ErrorCode::AlreadyExists);
    REQUIRE_FALSE(add_forward("10.0.2.100:854=127.0.0.1:2000").is_error());
    for (int index = 2; index < 8; ++index) {
        auto text = "10.0.2." + std::to_string(101 + index) + ":443=127.0.0.1:" + std::to_string(3000 + index);
        REQUIRE_FALSE(add_forward(text.c_str()).is_error());
    }
    auto ninth = add_forward("10.0.2.200:443=127.0.0.1:4000");
    REQUIRE(ninth.is_error());
    REQUIRE(ninth.error().code() == ErrorCode::Full);
    REQUIRE(add_forward("10.0.2.200:443=10.0.2.2:4000").error().code() == ErrorCode::MissingRight);
    auto kept = platform::host_socket_forwards();
    REQUIRE(kept.size() == 8);
    REQUIRE(kept[0].to.port == 1000);
    REQUIRE(kept[1].from.port == 854);
    platform::hosted::clear_forwards();
    REQUIRE(platform::host_socket_forwards().empty());
}

TEST_CASE("udp: forwards datagrams; tcp: and no prefix forward connects; one FROM may carry both", "[platform][hosted][forwards]")
{
    auto udp = parse_forward("udp:10.0.2.100:53=127.0.0.1:40124");
    REQUIRE_FALSE(udp.is_error());
    REQUIRE(udp.value().kind == HostSocketKind::Udp);
    REQUIRE(udp.value().from.port == 53);
    REQUIRE(udp.value().to.port == 40124);
    REQUIRE(parse_forward("tcp:10.0.2.100:53=127.0.0.1:40124").value().kind == HostSocketKind::TcpConnect);
    REQUIRE(parse_forward("10.0.2.100:53=127.0.0.1:40124").value().kind == HostSocketKind::TcpConnect);
    REQUIRE(parse_forward("udp:[fd00::5]:53=[::1]:7").value().kind == HostSocketKind::Udp);
    platform::hosted::clear_forwards();
    REQUIRE_FALSE(add_forward("udp:10.0.2.100:53=127.0.0.1:40124").is_error());
    REQUIRE_FALSE(add_forward("10.0.2.100:53=127.0.0.1:40124").is_error());
    auto kept = platform::host_socket_forwards();
    REQUIRE(kept.size() == 2);
    REQUIRE(kept[0].kind == HostSocketKind::Udp);
    REQUIRE(kept[1].kind == HostSocketKind::TcpConnect);
    platform::hosted::clear_forwards();
}

TEST_CASE("attacker: a UDP forward obeys every rule of a TCP one, and its FROM or TO is one forward's only", "[platform][hosted][forwards]")
{
    REQUIRE(refusal("udp:10.0.2.100:53=10.0.2.2:53") == "a forward's TO is a loopback address: nothing beyond loopback is granted");
    REQUIRE(refusal("udp:127.0.0.1:53=127.0.0.1:53") == "a forward's FROM is outside loopback (loopback needs no forward)");
    REQUIRE(refusal("udp:10.0.2.100:0=127.0.0.1:53") == "a port is a decimal number from 1 to 65535");
    /* Only the two kinds; a prefix is not an address. */
    REQUIRE(refusal("sctp:10.0.2.100:53=127.0.0.1:53") == "not a dotted-quad IPv4 address (IPv6 goes in brackets)");
    REQUIRE(refusal("udp:udp:10.0.2.100:53=127.0.0.1:53") == "not a dotted-quad IPv4 address (IPv6 goes in brackets)");
    platform::hosted::clear_forwards();
    REQUIRE_FALSE(add_forward("udp:10.0.2.100:53=127.0.0.1:1000").is_error());
    REQUIRE(add_forward("udp:10.0.2.100:53=127.0.0.1:2000").error().code() == ErrorCode::AlreadyExists);
    /* Another FROM to the same TO: the datagrams from TO could not say which FROM they answer for. */
    REQUIRE(add_forward("udp:10.0.2.101:53=127.0.0.1:1000").error().code() == ErrorCode::AlreadyExists);
    REQUIRE(platform::host_socket_forwards().size() == 1);
    platform::hosted::clear_forwards();
}
