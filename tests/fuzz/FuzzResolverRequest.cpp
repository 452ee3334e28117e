/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a vectra.resolver request, answered by dispatch with dnsd's own
 * request-side code — the name taken only as a host name (resolver::name_of), the families planned
 * (dnsd::plan), the answer composed from a cache (dnsd::compose over core/dns's Cache, seeded with
 * an answer, a CNAME'd answer, NODATA and NXDOMAIN) — and a miss answered `timed-out` as a query
 * that never came back would be. Beyond the dispatch checks (DispatchFuzzer.h): every name
 * accepted reads back as the same name, and every reply holds at most 16 addresses, IPv6 first.
 */

#include "DispatchFuzzer.h"
#include <dnsd/Server.h>
#include <vectra/resolver/Answer.h>

using namespace vectra;

namespace {

dns::Response response(char const* name, char const* canonical, dns::RecordType type, dns::Outcome outcome, u8 last)
{
    dns::Response made;
    made.name = MUST(dns::Name::from_text(name));
    made.canonical = MUST(dns::Name::from_text(canonical));
    made.type = type;
    made.outcome = outcome;
    made.ttl = 300;
    if (outcome == dns::Outcome::Answer) {
        made.address_count = 1;
        made.addresses[0].length = type == dns::RecordType::A ? 4 : 16;
        made.addresses[0].bytes[0] = last;
    }
    return made;
}

struct Resolving {
    std::array<dns::CacheSlot, 8> slots;
    dns::Cache cache { slots };

    Resolving()
    {
        using dns::Outcome;
        using dns::RecordType;
        cache.store(response("www.example.com", "www.example.com", RecordType::A, Outcome::Answer, 1), 1);
        cache.store(response("www.example.com", "www.example.com", RecordType::AAAA, Outcome::Answer, 2), 1);
        cache.store(response("alias.example.com", "host.example.net", RecordType::A, Outcome::Answer, 3), 1);
        cache.store(response("alias.example.com", "host.example.net", RecordType::AAAA, Outcome::NoData, 0), 1);
        cache.store(response("gone.example.com", "gone.example.com", RecordType::A, Outcome::NameError, 0), 1);
    }

    ErrorOr<resolver::Resolved> handle(resolver::Resolve const& request)
    {
        auto name = TRY(resolver::name_of(request.name));
        VERIFY(resolver::name_of(resolver::name_text(name)).value().equals(name)); /* it reads back the same */
        dnsd::Waiting waiting;
        waiting.name = name;
        if (!dnsd::plan(waiting, request.families))
            return Error(ErrorCode::InvalidArgument, "families");
        for (usize index = 0; index < waiting.part_count; ++index) {
            auto& part = waiting.parts[index];
            part.done = true;
            part.answer = cache.lookup(name, part.type, 2);
            part.from_cache = part.answer.has_value();
            if (!part.answer)
                part.error = Error(resolver::ResolverError::TimedOut, "not cached: no query here");
        }
        auto resolved = TRY(dnsd::compose(waiting));
        VERIFY(resolved.addresses.size() <= resolver::maximum_addresses && resolved.addresses.size() > 0);
        for (usize index = 1; index < resolved.addresses.size(); ++index)
            VERIFY(!(resolved.addresses[index - 1].family == u8(net::Family::Ipv4)
                && resolved.addresses[index].family == u8(net::Family::Ipv6)));
        return resolved;
    }

    ErrorOr<resolver::Counters> handle(resolver::ReadCounters const&) { return resolver::Counters {}; }
};

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    static Resolving handler;
    (void)test::fuzz_dispatch<resolver::Protocol>(handler, std::span<u8 const>(data, size));
    return 0;
}
