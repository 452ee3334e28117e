/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted process's forwards (vectra/platform/hosted/Forwards.h), parsed from --forward=
 * arguments before boot and handed to the kernel through platform::host_socket_forwards().
 */

#include <arpa/inet.h>
#include <cstring>
#include <vectra/Try.h>
#include <vectra/platform/HostSockets.h>
#include <vectra/platform/hosted/Forwards.h>

namespace vectra::platform {

namespace {

HostForward s_forwards[maximum_host_forwards];
usize s_forward_count { 0 };

constexpr usize longest_endpoint = 64;

ErrorOr<u16> parse_port(char const* text)
{
    usize length = std::strlen(text);
    if (length == 0 || length > 5)
        return Error(ErrorCode::InvalidArgument, "a port is a decimal number from 1 to 65535");
    u32 value = 0;
    for (usize index = 0; index < length; ++index) {
        if (text[index] < '0' || text[index] > '9')
            return Error(ErrorCode::InvalidArgument, "a port is a decimal number from 1 to 65535");
        value = value * 10 + u32(text[index] - '0');
    }
    if (value == 0 || value > 65535 || (text[0] == '0'))
        return Error(ErrorCode::InvalidArgument, "a port is a decimal number from 1 to 65535");
    return u16(value);
}

/* `a.b.c.d:port` or `[ipv6]:port`; `text` is one side of the forward, already bounded. */
ErrorOr<HostAddress> parse_endpoint(char const* text)
{
    char address[longest_endpoint + 1];
    char const* port = nullptr;
    HostAddress result;
    if (text[0] == '[') {
        char const* close = std::strchr(text, ']');
        if (close == nullptr || close[1] != ':')
            return Error(ErrorCode::InvalidArgument, "an IPv6 address is written [address]:port");
        usize length = usize(close - text - 1);
        std::memcpy(address, text + 1, length);
        address[length] = '\0';
        port = close + 2;
        if (::inet_pton(AF_INET6, address, result.bytes) != 1)
            return Error(ErrorCode::InvalidArgument, "not an IPv6 address between the brackets");
        result.family = 6;
    } else {
        char const* colon = std::strrchr(text, ':');
        if (colon == nullptr)
            return Error(ErrorCode::InvalidArgument, "an address is followed by :port");
        usize length = usize(colon - text);
        std::memcpy(address, text, length);
        address[length] = '\0';
        port = colon + 1;
        if (::inet_pton(AF_INET, address, result.bytes) != 1)
            return Error(ErrorCode::InvalidArgument, "not a dotted-quad IPv4 address (IPv6 goes in brackets)");
        result.family = 4;
    }
    result.port = TRY(parse_port(port));
    return result;
}

bool same_endpoint(HostAddress const& left, HostAddress const& right)
{
    return left.family == right.family && left.port == right.port && std::memcmp(left.bytes, right.bytes, 16) == 0;
}

}

namespace hosted {

ErrorOr<HostForward> parse_forward(char const* text)
{
    /* `udp:` carries datagrams, `tcp:` (the default) connects. */
    HostSocketKind kind = HostSocketKind::TcpConnect;
    if (std::strncmp(text, "udp:", 4) == 0) {
        kind = HostSocketKind::Udp;
        text += 4;
    } else if (std::strncmp(text, "tcp:", 4) == 0) {
        text += 4;
    }
    char const* equals = std::strchr(text, '=');
    if (equals == nullptr || std::strchr(equals + 1, '=') != nullptr)
        return Error(ErrorCode::InvalidArgument, "a forward is FROM=TO, e.g. 10.0.2.101:443=127.0.0.1:40123");
    usize from_length = usize(equals - text);
    usize to_length = std::strlen(equals + 1);
    if (from_length == 0 || to_length == 0 || from_length > longest_endpoint || to_length > longest_endpoint)
        return Error(ErrorCode::InvalidArgument, "a forward is FROM=TO, e.g. 10.0.2.101:443=127.0.0.1:40123");
    char from[longest_endpoint + 1];
    std::memcpy(from, text, from_length);
    from[from_length] = '\0';
    HostForward forward { TRY(parse_endpoint(from)), TRY(parse_endpoint(equals + 1)), kind };
    if (is_loopback(forward.from))
        return Error(ErrorCode::InvalidArgument, "a forward's FROM is outside loopback (loopback needs no forward)");
    if (!is_loopback(forward.to))
        return Error(ErrorCode::MissingRight, "a forward's TO is a loopback address: nothing beyond loopback is granted");
    return forward;
}

ErrorOr<void> add_forward(char const* text)
{
    auto forward = TRY(parse_forward(text));
    for (usize index = 0; index < s_forward_count; ++index) {
        if (s_forwards[index].kind == forward.kind && same_endpoint(s_forwards[index].from, forward.from))
            return Error(ErrorCode::AlreadyExists, "that FROM address and port are forwarded already");
        if (forward.kind == HostSocketKind::Udp && s_forwards[index].kind == HostSocketKind::Udp
            && same_endpoint(s_forwards[index].to, forward.to))
            return Error(ErrorCode::AlreadyExists, "that TO is a UDP forward's already (its datagrams would come from two addresses)");
    }
    if (s_forward_count == maximum_host_forwards)
        return Error(ErrorCode::Full, "at most 8 forwards (--forward=) per process");
    s_forwards[s_forward_count++] = forward;
    return {};
}

std::span<HostForward const> forwards() { return { s_forwards, s_forward_count }; }

void clear_forwards() { s_forward_count = 0; }

}

std::span<HostForward const> host_socket_forwards() { return hosted::forwards(); }

}
