/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A client of dnsd for its tests (services.dnsd, services.dnsd_tls): a vectra.resolver session
 * opened from the client Task's Bundle, resolve requests, and checks of what came back.
 */

#pragma once

#include <string_view>
#include <vectra/Bundle.h>
#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/net/Address.h>
#include <vectra/resolver/Protocol.h>

namespace vectra::test {

using ResolverClient = session::SessionClient<resolver::Protocol>;

inline ErrorOr<ResolverClient> open_resolver(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<resolver::Protocol>()));
    return ResolverClient::open(std::move(requests), std::move(replies), std::move(pool));
}

inline resolver::Resolve request(std::string_view name, resolver::Families families, u32 deadline_ms = 0)
{
    resolver::Resolve resolve;
    for (char character : name)
        MUST(resolve.name.try_append(u8(character)));
    resolve.families = u8(families);
    resolve.deadline_ms = deadline_ms;
    return resolve;
}

inline ErrorOr<resolver::Resolved> resolve(ResolverClient& client, std::string_view name, resolver::Families families = resolver::Families::Ipv4)
{
    return client.call(request(name, families), Duration::from_seconds(10));
}

template<typename Result>
bool failed_with(Result const& result, resolver::ResolverError code)
{
    return result.is_error() && result.error().is(code);
}

inline bool is_ipv4(net::Address const& address, u8 a0, u8 a1, u8 a2, u8 a3)
{
    return address == net::ipv4(a0, a1, a2, a3, 0);
}

inline std::string_view text_of(resolver::NameText const& text)
{
    return { reinterpret_cast<char const*>(text.span().data()), text.size() };
}

}
