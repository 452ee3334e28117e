/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <netd/Dhcpv6.h>

namespace vectra::netd::dhcpv6 {

namespace {

u16 read_u16(std::span<u8 const> bytes, usize offset) { return u16((u16(bytes[offset]) << 8) | bytes[offset + 1]); }

usize put_u16(std::span<u8> bytes, usize offset, u16 value)
{
    bytes[offset] = u8(value >> 8);
    bytes[offset + 1] = u8(value);
    return offset + 2;
}

}

std::array<u8, request_bytes> information_request_for(u32 id, std::array<u8, 6> const& mac, u32 elapsed_centiseconds)
{
    std::array<u8, request_bytes> message {};
    std::span<u8> bytes(message);
    message[0] = information_request;
    message[1] = u8(id >> 16);
    message[2] = u8(id >> 8);
    message[3] = u8(id);
    usize offset = put_u16(bytes, 4, option_client_id);
    offset = put_u16(bytes, offset, 10);
    offset = put_u16(bytes, offset, 3); /* DUID-LL (RFC 8415 §11.4) */
    offset = put_u16(bytes, offset, 1); /* hardware type: Ethernet */
    for (u8 byte : mac)
        message[offset++] = byte;
    offset = put_u16(bytes, offset, option_request);
    offset = put_u16(bytes, offset, 2);
    offset = put_u16(bytes, offset, option_dns_servers);
    offset = put_u16(bytes, offset, option_elapsed_time);
    offset = put_u16(bytes, offset, 2);
    put_u16(bytes, offset, u16(elapsed_centiseconds > 0xffff ? 0xffff : elapsed_centiseconds));
    return message;
}

ErrorOr<ReplyServers> parse_reply(std::span<u8 const> message, u32 id)
{
    if (message.size() < 4)
        return Error(ErrorCode::MalformedMessage, "a DHCPv6 message is shorter than its header");
    if (message[0] != reply)
        return Error(ErrorCode::Unsupported, "the DHCPv6 message is not a Reply");
    u32 received = (u32(message[1]) << 16) | (u32(message[2]) << 8) | message[3];
    if (received != transaction_id_of(id))
        return Error(ErrorCode::NotFound, "the DHCPv6 Reply answers another transaction");
    ReplyServers answer;
    bool servers_seen = false;
    usize offset = 4;
    while (offset < message.size()) {
        if (message.size() - offset < 4)
            return Error(ErrorCode::MalformedMessage, "a DHCPv6 option's header runs past the message");
        u16 code = read_u16(message, offset);
        u16 length = read_u16(message, offset + 2);
        offset += 4;
        if (length > message.size() - offset)
            return Error(ErrorCode::MalformedMessage, "a DHCPv6 option's length runs past the message");
        if (code == option_status_code) {
            if (length < 2)
                return Error(ErrorCode::MalformedMessage, "a DHCPv6 Status Code option is shorter than its code");
            if (read_u16(message, offset) != 0)
                return Error(ErrorCode::InvalidArgument, "the DHCPv6 Reply's status is not Success");
        }
        if (code == option_dns_servers) {
            if (servers_seen)
                return Error(ErrorCode::MalformedMessage, "the DHCPv6 Reply names DNS servers twice");
            if (length == 0 || length % 16 != 0)
                return Error(ErrorCode::MalformedMessage, "the DHCPv6 DNS servers' option is not a non-zero multiple of 16 bytes");
            servers_seen = true;
            for (usize server = offset; server < offset + length; server += 16) {
                std::array<u8, 16> address;
                for (usize index = 0; index < 16; ++index)
                    address[index] = message[server + index];
                if (answer.servers.try_append(address).is_error())
                    ++answer.left_out;
            }
        }
        offset += length;
    }
    return answer;
}

}
