/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a DHCPv6 Reply to netd's Information-request (netd/Dhcpv6.h),
 * asked as the answer to its own transaction id and to another. Another transaction's Reply is
 * never taken; a taken one is a Reply whose servers (at most three, the rest counted) are 16-byte
 * runs of the message in order, after its header, and whose count with those left out is a whole
 * number of addresses no larger than the message; ASan holds every read inside the exact-size copy.
 */

#include <algorithm>
#include <netd/Dhcpv6.h>
#include <vector>
#include <vectra/Panic.h>

using namespace vectra;
namespace dhcpv6 = netd::dhcpv6;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    std::vector<u8> message(data, data + size);
    u32 id = size >= 4 ? (u32(data[1]) << 16) | (u32(data[2]) << 8) | data[3] : 0;
    VERIFY(size < 4 || dhcpv6::parse_reply(message, id ^ 0x000001).is_error());
    auto parsed = dhcpv6::parse_reply(message, id);
    if (parsed.is_error())
        return 0;
    VERIFY(size >= 4 && data[0] == dhcpv6::reply);
    auto const& reply = parsed.value();
    VERIFY(reply.servers.size() <= dhcpv6::maximum_servers);
    VERIFY(reply.left_out == 0 || reply.servers.size() == dhcpv6::maximum_servers);
    VERIFY((reply.servers.size() + reply.left_out) * 16 <= size - 4);
    auto from = message.begin() + 4;
    for (auto const& server : reply.servers) {
        auto found = std::search(from, message.end(), server.begin(), server.end());
        VERIFY(found != message.end());
        from = found + 16;
    }
    return 0;
}
