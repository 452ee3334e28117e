/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <dnsd/Configuration.h>
#include <vectra/Configuration.h>
#include <vectra/Try.h>
#include <vectra/net/Address.h>

namespace vectra::dnsd {

ErrorOr<net::Address> parse_server(std::string_view text, u16 port)
{
    Error invalid(ErrorCode::InvalidArgument, "not a dotted-quad IPv4 address");
    if (port == 0)
        return invalid;
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
    return net::ipv4(parts[0], parts[1], parts[2], parts[3], port);
}

ErrorOr<net::Address> server_from(ServerConfiguration const& configuration)
{
    return parse_server(configuration.server.has_value() ? configuration.server->bytes() : default_server,
        configuration.port.value_or(default_port));
}

ErrorOr<net::Address> server_from(std::span<u8 const> bytes)
{
    ServerConfiguration configuration;
    TRY(decode_configuration(bytes, configuration));
    return server_from(configuration);
}

ErrorOr<void> tls_server_from(TlsConfiguration const& configuration, net::Address& address, tls_stream::ServerName& name)
{
    address = TRY(parse_server(configuration.server.bytes(), configuration.port.value_or(default_tls_port)));
    tls_stream::ServerName named;
    for (char character : configuration.server_name.bytes())
        TRY(named.try_append(u8(character)));
    TRY(tls_stream::check_server_name(named));
    name = named;
    return {};
}

}
