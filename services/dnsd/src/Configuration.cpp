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
    if (port == 0)
        return Error(ErrorCode::InvalidArgument, "not a dotted-quad IPv4 address");
    return net::parse_ipv4(text, port);
}

ErrorOr<std::optional<net::Address>> server_from(ServerConfiguration const& configuration)
{
    if (!configuration.server.has_value()) {
        if (configuration.port.has_value())
            return Error(ErrorCode::InvalidArgument, "a port without a server (the link's servers are asked on port 53)");
        return std::optional<net::Address> {};
    }
    return TRY(parse_server(configuration.server->bytes(), configuration.port.value_or(default_port)));
}

ErrorOr<std::optional<net::Address>> server_from(std::span<u8 const> bytes)
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
