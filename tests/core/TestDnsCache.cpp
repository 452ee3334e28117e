/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/dns's cache, one rule per test: expired entries are never served, a TTL of 0 is not
 * cached, TTLs are capped, negative answers are kept for their SOA-derived TTL (RFC 2308),
 * keys ignore case and keep types apart, and a full cache evicts the entry stored longest ago.
 */

#include <catch2/catch.hpp>
#include <vectra/dns/Cache.h>

using namespace vectra;
using namespace vectra::dns;

namespace {

Response answer(char const* name, u32 ttl, u8 last_byte = 1, RecordType type = RecordType::A)
{
    Response response;
    response.name = MUST(Name::from_text(name));
    response.canonical = response.name;
    response.type = type;
    response.outcome = Outcome::Answer;
    response.ttl = ttl;
    response.address_count = 1;
    response.addresses[0].length = type == RecordType::A ? 4 : 16;
    response.addresses[0].bytes[0] = 10;
    response.addresses[0].bytes[3] = last_byte;
    return response;
}

Response negative(char const* name, Outcome outcome, u32 ttl)
{
    Response response;
    response.name = MUST(Name::from_text(name));
    response.canonical = response.name;
    response.outcome = outcome;
    response.ttl = ttl;
    return response;
}

Name name(char const* text) { return MUST(Name::from_text(text)); }

}

TEST_CASE("an entry is served until its TTL runs out, never at or after", "[dns][cache]")
{
    std::array<CacheSlot, 4> slots;
    Cache cache(slots);
    cache.store(answer("www.example.com", 300, 7), 1000);
    auto fresh = cache.lookup(name("www.example.com"), RecordType::A, 1000);
    REQUIRE(fresh.has_value());
    REQUIRE(fresh->outcome == Outcome::Answer);
    REQUIRE(fresh->ttl_left == 300);
    REQUIRE(fresh->taken().size() == 1);
    REQUIRE(fresh->taken()[0].bytes[3] == 7);
    REQUIRE(cache.lookup(name("www.example.com"), RecordType::A, 1299)->ttl_left == 1);
    REQUIRE(!cache.lookup(name("www.example.com"), RecordType::A, 1300).has_value());
    REQUIRE(cache.used() == 0); /* the expired entry was freed */
    REQUIRE(!cache.lookup(name("www.example.com"), RecordType::A, 1000).has_value()); /* and stays gone */
}

TEST_CASE("a clock that goes back drops the entry rather than serve it longer than its TTL", "[dns][cache]")
{
    std::array<CacheSlot, 2> slots;
    Cache cache(slots);
    cache.store(answer("www.example.com", 300), 1000);
    REQUIRE(!cache.lookup(name("www.example.com"), RecordType::A, 999).has_value());
    REQUIRE(cache.used() == 0);
}

TEST_CASE("a TTL of 0 is not cached, and removes the entry it would replace", "[dns][cache]")
{
    std::array<CacheSlot, 4> slots;
    Cache cache(slots);
    cache.store(answer("a.example", 0), 5);
    REQUIRE(cache.used() == 0);
    REQUIRE(!cache.lookup(name("a.example"), RecordType::A, 5).has_value());
    cache.store(answer("a.example", 60), 5);
    cache.store(answer("a.example", 0), 6);
    REQUIRE(!cache.lookup(name("a.example"), RecordType::A, 6).has_value());
    cache.store(negative("b.example", Outcome::NameError, 0), 5);
    REQUIRE(cache.used() == 0);
}

TEST_CASE("TTLs are capped: one day for answers, three hours for negative ones", "[dns][cache]")
{
    std::array<CacheSlot, 4> slots;
    Cache cache(slots);
    cache.store(answer("long.example", maximum_wire_ttl), 0);
    REQUIRE(cache.lookup(name("long.example"), RecordType::A, 0)->ttl_left == 86400);
    REQUIRE(!cache.lookup(name("long.example"), RecordType::A, 86400).has_value());
    cache.store(negative("gone.example", Outcome::NameError, 86400), 0);
    REQUIRE(cache.lookup(name("gone.example"), RecordType::A, 0)->ttl_left == 10800);
    REQUIRE(!cache.lookup(name("gone.example"), RecordType::A, 10800).has_value());
}

TEST_CASE("negative answers are cached as what they are, with no addresses", "[dns][cache]")
{
    std::array<CacheSlot, 4> slots;
    Cache cache(slots);
    auto no_data = negative("v4only.example", Outcome::NoData, 900);
    no_data.type = RecordType::AAAA;
    cache.store(no_data, 10);
    cache.store(negative("nothing.example", Outcome::NameError, 60), 10);
    auto empty = cache.lookup(name("v4only.example"), RecordType::AAAA, 20);
    REQUIRE(empty.has_value());
    REQUIRE(empty->outcome == Outcome::NoData);
    REQUIRE(empty->taken().empty());
    REQUIRE(empty->ttl_left == 890);
    REQUIRE(!cache.lookup(name("v4only.example"), RecordType::A, 20).has_value());
    auto missing = cache.lookup(name("nothing.example"), RecordType::A, 69);
    REQUIRE(missing.has_value());
    REQUIRE(missing->outcome == Outcome::NameError);
    REQUIRE(!cache.lookup(name("nothing.example"), RecordType::A, 70).has_value());
}

TEST_CASE("keys are (name ignoring case, type); storing a key again replaces it", "[dns][cache]")
{
    std::array<CacheSlot, 4> slots;
    Cache cache(slots);
    cache.store(answer("WWW.Example.com", 300, 1), 0);
    cache.store(answer("www.example.com", 300, 2, RecordType::AAAA), 0);
    REQUIRE(cache.lookup(name("www.EXAMPLE.com"), RecordType::A, 1)->taken()[0].bytes[3] == 1);
    REQUIRE(cache.lookup(name("www.example.com"), RecordType::AAAA, 1)->taken()[0].length == 16);
    cache.store(answer("www.example.COM", 30, 3), 1);
    REQUIRE(cache.used() == 2);
    auto replaced = cache.lookup(name("www.example.com"), RecordType::A, 2);
    REQUIRE(replaced->taken()[0].bytes[3] == 3);
    REQUIRE(replaced->ttl_left == 29);
    REQUIRE(!cache.lookup(name("ww.example.com"), RecordType::A, 2).has_value());
}

TEST_CASE("a full cache reuses expired slots first, then evicts the entry stored longest ago", "[dns][cache]")
{
    std::array<CacheSlot, 3> slots;
    Cache cache(slots);
    cache.store(answer("one.example", 1000), 0);
    cache.store(answer("two.example", 10), 1);
    cache.store(answer("three.example", 1000), 2);
    /* two.example expired at 11: its slot goes first, though one.example is older. */
    cache.store(answer("four.example", 1000), 20);
    REQUIRE(cache.lookup(name("one.example"), RecordType::A, 20).has_value());
    REQUIRE(cache.lookup(name("three.example"), RecordType::A, 20).has_value());
    REQUIRE(cache.lookup(name("four.example"), RecordType::A, 20).has_value());
    /* Re-storing one.example makes it the newest; three.example is now the oldest. */
    cache.store(answer("one.example", 1000), 21);
    cache.store(answer("five.example", 1000), 22);
    REQUIRE(!cache.lookup(name("three.example"), RecordType::A, 22).has_value());
    REQUIRE(cache.lookup(name("one.example"), RecordType::A, 22).has_value());
    REQUIRE(cache.lookup(name("four.example"), RecordType::A, 22).has_value());
    REQUIRE(cache.lookup(name("five.example"), RecordType::A, 22).has_value());
    REQUIRE(cache.used() == 3);
    REQUIRE(cache.capacity() == 3);

    Cache empty(std::span<CacheSlot>{});
    empty.store(answer("one.example", 1000), 0);
    REQUIRE(!empty.lookup(name("one.example"), RecordType::A, 0).has_value());
}

TEST_CASE("an entry keeps its answer's canonical name (the end of the CNAME chain)", "[dns][cache]")
{
    std::array<CacheSlot, 2> slots;
    Cache cache(slots);
    auto aliased = answer("www.example.com", 60);
    aliased.canonical = name("host.example.net");
    cache.store(aliased, 10);
    auto found = cache.lookup(name("WWW.example.com"), RecordType::A, 11);
    REQUIRE(found.has_value());
    REQUIRE(found->canonical.equals(name("host.example.net")));
    REQUIRE(!found->canonical.equals(name("www.example.com")));
}
