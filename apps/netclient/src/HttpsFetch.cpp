/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * https_fetch: a name resolved through dnsd (vectra.resolver), then "/" fetched from it over HTTPS:
 * a vectra.tls stream to the first IPv4 address on port 443 for that name (tlsd verifies the chain
 * against its trust and that the certificate carries the name), VectraNet's HTTP/1.1 client on it
 * (http::TlsStream), the body hashed with BLAKE3 as it streams in. Then a host whose server
 * presents a certificate for another name: tlsd must refuse the stream (name-mismatch) before a
 * byte of HTTP is sent. Each step prints one line the image's oracle reads.
 */

#include "ResolverSession.h"
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/crypto/Blake3.h>
#include <vectra/footprints/https_fetch.h>
#include <vectra/http/Client.h>
#include <vectra/http/TlsStream.h>
#include <vectra/resolver/Protocol.h>
#include <vectra/tlsstream/Transfer.h>

VECTRA_TASK_ENTRY(https_fetch);

namespace vectra::task_entries {

namespace {

using netclient::Resolver;

constexpr Duration resolve_timeout = Duration::from_seconds(30);
constexpr Duration connect_timeout = Duration::from_seconds(60);

class HashingSink final : public http::BodySink {
public:
    ErrorOr<void> take(std::span<u8 const> bytes) override
    {
        m_hash.update(bytes);
        m_length += bytes.size();
        return {};
    }
    [[nodiscard]] u64 length() const { return m_length; }
    [[nodiscard]] crypto::Blake3Digest digest() const
    {
        crypto::Blake3Digest digest;
        m_hash.finalize(digest.bytes);
        return digest;
    }

private:
    crypto::Blake3 m_hash;
    u64 m_length { 0 };
};

/* The first IPv4 address dnsd answers for `host`. */
ErrorOr<net::Address> resolve_ipv4(Resolver& resolver, std::string_view host, bool& from_cache)
{
    resolver::Resolve request;
    for (char character : host)
        TRY(request.name.try_append(u8(character)));
    request.families = u8(resolver::Families::Ipv4);
    auto answer = TRY(resolver.call(request, resolve_timeout));
    if (answer.addresses.size() == 0)
        return Error(resolver::ResolverError::NoAddress, "dnsd answered no address");
    from_cache = answer.from_cache;
    return answer.addresses[0];
}

/* A verified TLS 1.3 stream to `address`:443 for `host` (tlsd's `established` says why not). */
ErrorOr<u32> connect(tls_stream::Session& tlsd, net::Address address, std::string_view host)
{
    tls_stream::Connect connect;
    connect.remote = address;
    connect.remote.port = 443;
    for (char character : host)
        TRY(connect.server_name.try_append(u8(character)));
    connect.deadline_ms = u32(connect_timeout.milliseconds());
    auto opened = TRY(tlsd.call(connect));
    auto established = tlsd.call(tls_stream::Establish { opened.stream, true }, connect_timeout + Duration::from_seconds(5));
    if (established.is_error()) {
        (void)tlsd.call(tls_stream::Close { opened.stream });
        return established.release_error();
    }
    return opened.stream;
}

void hex(crypto::Blake3Digest const& digest, char (&text)[2 * crypto::Blake3Digest::size + 1])
{
    constexpr char digits[] = "0123456789abcdef";
    for (usize index = 0; index < digest.bytes.size(); ++index) {
        text[2 * index] = digits[digest.bytes[index] >> 4];
        text[2 * index + 1] = digits[digest.bytes[index] & 15];
    }
    text[2 * crypto::Blake3Digest::size] = 0;
}

ErrorOr<void> fetch(ConsoleCap const& console, Resolver& resolver, tls_stream::Session& tlsd, std::string_view host)
{
    bool from_cache = false;
    auto address = TRY(resolve_ipv4(resolver, host, from_cache));
    TRY(print_line(console, "net-client: {} is {}.{}.{}.{} (dnsd{})", host, address.bytes[0], address.bytes[1], address.bytes[2],
        address.bytes[3], from_cache ? ", from its cache" : ""));
    u64 started = endpoint::now_nanoseconds();
    u32 stream = TRY(connect(tlsd, address, host));
    TRY(print_line(console, "net-client: TLS 1.3 to {}:443 for {}: chain and name verified ({} ms)", host, host,
        (endpoint::now_nanoseconds() - started) / 1'000'000));
    http::TlsStream bytes;
    bytes.attach(tlsd, stream);
    http::Client client;
    HashingSink sink;
    auto response = client.get(bytes, host, "/", sink);
    bytes.close(response.is_error() ? http::Closing::Reset : http::Closing::Orderly);
    auto const& got = TRY(response);
    char digest[2 * crypto::Blake3Digest::size + 1];
    hex(sink.digest(), digest);
    TRY(print_line(console, "net-client: GET https://{}/: {}, {} bytes, BLAKE3 {} ({} ms)", host, got.status, sink.length(),
        std::string_view(digest), (endpoint::now_nanoseconds() - started) / 1'000'000));
    return {};
}

ErrorOr<void> refuse(ConsoleCap const& console, Resolver& resolver, tls_stream::Session& tlsd, std::string_view host)
{
    bool from_cache = false;
    auto address = TRY(resolve_ipv4(resolver, host, from_cache));
    TRY(print_line(console, "net-client: {} is {}.{}.{}.{} (dnsd{})", host, address.bytes[0], address.bytes[1], address.bytes[2],
        address.bytes[3], from_cache ? ", from its cache" : ""));
    auto stream = connect(tlsd, address, host);
    if (!stream.is_error()) {
        (void)tlsd.call(tls_stream::Close { stream.value() });
        TRY(print_line(console, "net-client: FAILED: {} was accepted with a certificate for another name", host));
        return Error(ErrorCode::MalformedMessage, "a certificate for another name was accepted");
    }
    TRY(print_line(console, "net-client: TLS to {}:443 for {}: refused: {}", host, host, stream.error().name()));
    return {};
}

}

ErrorOr<i32> https_fetch(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::https_fetch)); /* generated from https_fetch.footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto resolver = TRY(netclient::open_resolver(bundle, memory));
    auto tls_pool = TRY(endpoint::carve(memory, session::pool_size<tls_stream::Protocol>()));
    auto tlsd = TRY(tls_stream::Session::open(TRY(bundle.take<RingCap>("tls-requests")),
        TRY(bundle.take<RingCap>("tls-replies")), std::move(tls_pool)));
    auto fetched = fetch(console, resolver, tlsd, CONFIG_NET_CLIENT_HOST);
    if (fetched.is_error()) {
        TRY(print_line(console, "net-client: FAILED: fetching https://{}/: {}", CONFIG_NET_CLIENT_HOST, fetched.error().name()));
        return fetched.release_error();
    }
    auto refused = refuse(console, resolver, tlsd, CONFIG_NET_CLIENT_WRONG_HOST);
    if (refused.is_error()) {
        TRY(print_line(console, "net-client: FAILED: the wrong name's check: {}", refused.error().name()));
        return refused.release_error();
    }
    auto counters = TRY(resolver.call(resolver::ReadCounters {}));
    TRY(print_line(console, "net-client: dnsd counters: {} resolves, {} queries sent, {} cache hits, {} mismatched, {} malformed",
        counters.resolves, counters.queries_sent, counters.cache_hits, counters.mismatched_dropped, counters.malformed_dropped));
    return 0;
}

}
