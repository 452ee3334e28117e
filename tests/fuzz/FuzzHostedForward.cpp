/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a hosted process's --forward= argument (platforms/hosted
 * Forwards.h, ADR 0024 and ADR 0032 amendments). A forward comes out only with FROM an IPv4 or IPv6
 * address outside loopback, TO one on loopback (nothing beyond loopback is ever granted), both ports
 * 1–65535, and the kind TCP or UDP; the kind is the prefix's alone: the same text after `udp:`
 * gives the same endpoints as a UDP forward, after `tcp:` as a TCP one.
 */

#include <cstring>
#include <string>
#include <vectra/Error.h>
#include <vectra/HostSockets.h>
#include <vectra/platform/hosted/Forwards.h>

using namespace vectra;
using platform::hosted::parse_forward;

namespace {

bool same(HostAddress const& left, HostAddress const& right)
{
    return left.family == right.family && left.port == right.port && std::memcmp(left.bytes, right.bytes, 16) == 0;
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    std::string text(reinterpret_cast<char const*>(data), size);
    text = text.c_str(); /* an argument ends at its first NUL */
    auto parsed = parse_forward(text.c_str());
    if (parsed.is_error())
        return 0;
    auto const& forward = parsed.value();
    VERIFY(forward.from.family == 4 || forward.from.family == 6);
    VERIFY(forward.to.family == 4 || forward.to.family == 6);
    VERIFY(forward.from.port != 0 && forward.to.port != 0);
    VERIFY(!is_loopback(forward.from) && is_loopback(forward.to));
    VERIFY(forward.kind == HostSocketKind::TcpConnect || forward.kind == HostSocketKind::Udp);
    bool prefixed = text.rfind("udp:", 0) == 0 || text.rfind("tcp:", 0) == 0;
    VERIFY(forward.kind == (text.rfind("udp:", 0) == 0 ? HostSocketKind::Udp : HostSocketKind::TcpConnect));
    auto bare = prefixed ? text.substr(4) : text;
    for (auto kind : { HostSocketKind::Udp, HostSocketKind::TcpConnect }) {
        auto again = parse_forward(((kind == HostSocketKind::Udp ? "udp:" : "tcp:") + bare).c_str());
        VERIFY(!again.is_error() && again.value().kind == kind && same(again.value().from, forward.from) && same(again.value().to, forward.to));
    }
    return 0;
}
