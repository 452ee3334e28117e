/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as the response to an A query and to an AAAA query for
 * www.example.com (with the message's own id, so the matching rules are reached). Every read
 * stays inside the input (ASan on an exact-size copy), and every response accepted obeys every
 * rule: the question was the query's, the header says so, the chain and addresses are within
 * bounds, addresses have their type's length, TTLs are below 2^31, the canonical name is a
 * valid name at the chain's end, negative outcomes carry no address; the cache then never
 * serves it past its capped TTL. glibc's own parser (libresolv `ns_initparse`, `ns_parserr`) is
 * the second opinion: it must read every message accepted here, and each address taken must be
 * an answer record glibc sees, of the asked type, owned by the canonical name. Seeds: messages from tests/core/DnsMessages.h, written when
 * the target starts.
 */

#include "../core/DnsMessages.h"
#include "SeedFolder.h"
#include <arpa/nameser.h>
#include <cstdio>
#include <cstring>
#include <string>
#include <strings.h>
#include <vector>
#include <vectra/Panic.h>
#include <vectra/dns/Cache.h>

using namespace vectra;
using namespace vectra::dns;
namespace seeds = vectra::test::dns;

namespace {

void write_seed(std::string const& folder, char const* name, std::vector<u8> const& bytes)
{
    std::string path = folder + "/" + name;
    if (FILE* file = fopen(path.c_str(), "wb")) {
        fwrite(bytes.data(), 1, bytes.size(), file);
        fclose(file);
    }
}

void make_seeds(std::string const& folder)
{
    write_seed(folder, "answer", seeds::example_answer().bytes);
    seeds::Message chain(0x1234, seeds::flags_answer, 1, 2, 1, 1);
    chain.question("www.example.com", seeds::type_a).pointer(seeds::question_offset).record(seeds::type_cname, 60, 6);
    chain.labels("web").pointer(16);
    chain.a_record_at(static_cast<u16>(chain.here() - 6), 60, { 1, 2, 3, 4 });
    chain.soa_record_at(16, 60, 60).opt_record();
    write_seed(folder, "cname-chain", chain.bytes);
    seeds::Message missing(0x4321, seeds::flags_answer | 3, 1, 0, 1, 0);
    missing.question("www.example.com", seeds::type_aaaa).soa_record_at(16, 3600, 900);
    write_seed(folder, "name-error", missing.bytes);
}

/* A Name's wire form obeys the limits: labels 1..63, ends in the root, ≤ 255 bytes. */
void check_name(Name const& name)
{
    auto wire = name.wire();
    VERIFY(!wire.empty() && wire.size() <= maximum_name_bytes);
    usize at = 0;
    while (wire[at] != 0) {
        VERIFY(wire[at] <= maximum_label_bytes);
        at += 1 + wire[at];
        VERIFY(at < wire.size());
    }
    VERIFY(at + 1 == wire.size());
}

/* glibc reads the message too, and finds each taken address among the answers, owned by the canonical name. */
void check_with_glibc(Query const& query, std::vector<u8> const& message, Response const& response)
{
    ns_msg handle;
    VERIFY(ns_initparse(message.data(), static_cast<int>(message.size()), &handle) == 0);
    int answers = ns_msg_count(handle, ns_s_an);
    std::string canonical(response.canonical.text().view());
    bool comparable_name = canonical.find('?') == std::string::npos && !response.canonical.is_root();
    for (auto const& address : response.taken()) {
        bool found = false;
        for (int index = 0; index < answers && !found; ++index) {
            ns_rr record;
            VERIFY(ns_parserr(&handle, ns_s_an, index, &record) == 0);
            if (ns_rr_type(record) != static_cast<u16>(query.type) || ns_rr_class(record) != ns_c_in
                || ns_rr_rdlen(record) != address.length || memcmp(ns_rr_rdata(record), address.bytes.data(), address.length) != 0)
                continue;
            found = !comparable_name || strcasecmp(ns_rr_name(record), canonical.c_str()) == 0;
        }
        VERIFY(found);
    }
}

void check(Query const& query, std::vector<u8> const& message)
{
    Response response;
    if (parse_response(query, message, response).is_error())
        return;
    VERIFY(message.size() >= header_bytes);
    VERIFY(((message[0] << 8) | message[1]) == query.id);
    VERIFY((message[2] & 0x80) != 0 && (message[2] & 0x78) == 0 && (message[2] & 0x02) == 0);
    VERIFY(message[4] == 0 && message[5] == 1);
    VERIFY(response.name.equals(query.name) && response.type == query.type);
    check_name(response.canonical);
    VERIFY(response.chain_length <= maximum_cname_chain);
    VERIFY(response.chain_length != 0 || response.canonical.equals(query.name));
    VERIFY(response.address_count <= maximum_addresses);
    VERIFY(response.ttl <= maximum_wire_ttl);
    u8 length = query.type == RecordType::A ? 4 : 16;
    for (auto const& address : response.taken())
        VERIFY(address.length == length);
    if (response.outcome == Outcome::Answer)
        VERIFY(response.address_count > 0);
    else
        VERIFY(response.address_count == 0 && response.addresses_left_out == 0);
    VERIFY(response.error().is_error() == (response.outcome == Outcome::NameError));

    check_with_glibc(query, message, response);

    std::array<CacheSlot, 2> slots;
    Cache cache(slots);
    cache.store(response, 100);
    auto cached = cache.lookup(query.name, query.type, 100);
    u32 cap = response.outcome == Outcome::Answer ? maximum_cached_ttl : maximum_negative_ttl;
    u32 expected = response.ttl < cap ? response.ttl : cap;
    VERIFY(cached.has_value() == (expected > 0));
    if (cached.has_value()) {
        VERIFY(cached->ttl_left == expected && cached->outcome == response.outcome);
        VERIFY(cached->address_count == response.address_count);
    }
    VERIFY(!cache.lookup(query.name, query.type, 100 + u64(expected)).has_value());
}

}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    if (char const* folder = fuzz::first_corpus_folder(*argc, *argv))
        make_seeds(folder);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size > maximum_message_bytes + 1)
        return 0;
    std::vector<u8> message(data, data + size);
    Query query;
    query.id = size >= 2 ? static_cast<u16>((data[0] << 8) | data[1]) : 0;
    query.name = MUST(Name::from_text("www.example.com"));
    query.type = RecordType::A;
    check(query, message);
    query.type = RecordType::AAAA;
    check(query, message);
    return 0;
}
