/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * resolve_names: names resolved through dnsd (vectra.resolver) and printed, one line each, for an
 * image's oracle to check against the answers its DNS server gives: each name of
 * CONFIG_RESOLVE_NAMES (space-separated) asked for both families (IPv6 first), then the first again
 * (the cache answers it), then dnsd's counters — queries sent and truncations among them, so a
 * truncated answer asked again over TCP shows.
 */

#include "ResolverSession.h"
#include <string_view>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/config.h>
#include <vectra/footprints/resolve_names.h>
#include <vectra/net/Address.h>

VECTRA_TASK_ENTRY(resolve_names);

namespace vectra::task_entries {

namespace {

using netclient::Resolver;

constexpr Duration resolve_timeout = Duration::from_seconds(35);
/* One line's addresses: up to maximum_addresses, each at most an IPv6 text and a separator. */
constexpr usize addresses_text_maximum = resolver::maximum_addresses * (net::ipv6_text_maximum + 2);

struct AddressesText {
    char characters[addresses_text_maximum] {};
    usize length { 0 };

    void append(std::string_view text)
    {
        for (char character : text) {
            if (length < sizeof(characters))
                characters[length++] = character;
        }
    }
    [[nodiscard]] std::string_view view() const { return { characters, length }; }
};

/* The addresses as text, "fd00::101, 10.0.2.101". */
AddressesText text_of(resolver::Resolved const& answer)
{
    AddressesText text;
    for (usize index = 0; index < answer.addresses.size(); ++index) {
        auto const& address = answer.addresses[index];
        if (index > 0)
            text.append(", ");
        char characters[net::ipv6_text_maximum] {};
        if (address.family == u8(net::Family::Ipv6)) {
            text.append({ characters, net::format_ipv6(address.bytes, characters) });
            continue;
        }
        for (usize part = 0; part < 4; ++part) {
            if (part > 0)
                text.append(".");
            u8 value = address.bytes[part];
            usize length = 0;
            char digits[3];
            do {
                digits[length++] = char('0' + value % 10);
                value = u8(value / 10);
            } while (value != 0);
            while (length > 0)
                text.append({ &digits[--length], 1 });
        }
    }
    return text;
}

ErrorOr<resolver::Resolved> resolve(Resolver& resolver, std::string_view name)
{
    resolver::Resolve request;
    for (char character : name)
        TRY(request.name.try_append(u8(character)));
    request.families = u8(resolver::Families::Both);
    return resolver.call(request, resolve_timeout);
}

ErrorOr<void> resolve_and_print(ConsoleCap const& console, Resolver& resolver, std::string_view name)
{
    auto answer = resolve(resolver, name);
    if (answer.is_error()) {
        TRY(print_line(console, "resolve-names: {}: {}", name, answer.error().name()));
        return answer.release_error();
    }
    TRY(print_line(console, "resolve-names: {} is {} (dnsd{})", name, text_of(answer.value()).view(),
        answer.value().from_cache ? ", from its cache" : ""));
    return {};
}

}

ErrorOr<i32> resolve_names(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::resolve_names)); /* generated from resolve_names.footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto resolver = TRY(netclient::open_resolver(bundle, memory));
    std::string_view names = CONFIG_RESOLVE_NAMES;
    std::string_view first;
    while (!names.empty()) {
        usize space = names.find(' ');
        auto name = names.substr(0, space);
        names = space == std::string_view::npos ? std::string_view {} : names.substr(space + 1);
        if (name.empty())
            continue;
        if (first.empty())
            first = name;
        TRY(resolve_and_print(console, resolver, name));
    }
    if (first.empty()) {
        TRY(print_line(console, "resolve-names: FAILED: CONFIG_RESOLVE_NAMES names nothing"));
        return Error(ErrorCode::InvalidArgument, "no name to resolve");
    }
    TRY(resolve_and_print(console, resolver, first));
    auto counters = TRY(resolver.call(resolver::ReadCounters {}));
    TRY(print_line(console, "resolve-names: dnsd counters: {} resolves, {} queries sent, {} truncated, {} cache hits, {} mismatched, {} malformed, {} timed out",
        counters.resolves, counters.queries_sent, counters.truncated, counters.cache_hits, counters.mismatched_dropped,
        counters.malformed_dropped, counters.timed_out));
    return 0;
}

}
