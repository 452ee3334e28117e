/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/dns messages: queries byte for byte against glibc's res_mkquery, responses built as
 * RFC 1035 draws them, then attacked one rule at a time — pointer loops, forward pointers,
 * truncated records, lying counts, a label of 64, a name of 256, a mismatched id, an answer
 * for another name, CNAME loops — each refused with the error a program can act on.
 */

#include "DnsMessages.h"
#include <arpa/nameser.h>
#include <catch2/catch.hpp>
#include <cstring>
#include <resolv.h>
#include <string>
#include <vectra/dns/Message.h>

using namespace vectra;
using namespace vectra::dns;
using vectra::test::dns::class_in;
using vectra::test::dns::example_answer;
using vectra::test::dns::flags_answer;
using vectra::test::dns::Message;
using vectra::test::dns::question_offset;
using vectra::test::dns::type_a;
using vectra::test::dns::type_aaaa;
using vectra::test::dns::type_cname;
using vectra::test::dns::type_opt;
using vectra::test::dns::type_soa;
using vectra::test::dns::type_txt;

namespace {

Query query_for(char const* name, RecordType type = RecordType::A, u16 id = 0x1234)
{
    Query query;
    query.id = id;
    query.name = MUST(Name::from_text(name));
    query.type = type;
    return query;
}

ErrorOr<void> parse(Query const& query, Message const& message, Response& response)
{
    return parse_response(query, std::span<u8 const>(message.bytes.data(), message.bytes.size()), response);
}

/* The error `message` gets as an answer to `query` (it must be one). */
Error refusal(Query const& query, Message const& message)
{
    Response response;
    auto parsed = parse(query, message, response);
    REQUIRE(parsed.is_error());
    return parsed.error();
}

Response accepted(Query const& query, Message const& message)
{
    Response response;
    auto parsed = parse(query, message, response);
    if (parsed.is_error())
        FAIL(parsed.error().message());
    return response;
}

std::string text(Name const& name) { return std::string(name.text().view()); }

}

TEST_CASE("a query is the bytes glibc's res_mkquery makes, with our id", "[dns][query]")
{
    for (auto [type, glibc_type] : { std::pair { RecordType::A, ns_t_a }, std::pair { RecordType::AAAA, ns_t_aaaa } }) {
        u8 theirs[NS_PACKETSZ];
        int length = res_mkquery(ns_o_query, "www.Example.com", ns_c_in, glibc_type, nullptr, 0, nullptr, theirs,
            sizeof(theirs));
        REQUIRE(length > 12);
        u16 id = static_cast<u16>((theirs[0] << 8) | theirs[1]);
        u8 ours[maximum_query_bytes];
        auto written = build_query(query_for("www.Example.com", type, id), ours);
        REQUIRE(!written.is_error());
        REQUIRE(written.value() == usize(length));
        REQUIRE(std::memcmp(ours, theirs, usize(length)) == 0);
    }
}

TEST_CASE("a query is refused for other types and for a buffer too small", "[dns][query]")
{
    u8 buffer[maximum_query_bytes];
    REQUIRE(build_query(query_for("example.com", RecordType::CNAME), buffer).error().is(ErrorCode::Unsupported));
    auto query = query_for("example.com");
    usize needed = 12 + 13 + 4;
    REQUIRE(build_query(query, std::span<u8>(buffer, needed - 1)).error().is(ErrorCode::TooLarge));
    REQUIRE(build_query(query, std::span<u8>(buffer, needed)).value() == needed);
}

TEST_CASE("names: labels of 1 to 63 bytes, at most 255 wire bytes, compared ignoring case", "[dns][name]")
{
    std::string label63(63, 'a');
    std::string label64(64, 'a');
    REQUIRE(!Name::from_text(label63 + ".com").is_error());
    REQUIRE(Name::from_text(label64 + ".com").error().is(ErrorCode::NameTooLong));
    /* 63+63+63+61 labels: 64+64+64+62+1 = 255 wire bytes; one more byte is 256. */
    std::string longest = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
    auto name = Name::from_text(longest);
    REQUIRE(!name.is_error());
    REQUIRE(name.value().wire().size() == 255);
    REQUIRE(text(name.value()) == longest);
    REQUIRE(Name::from_text(longest + "b").error().is(ErrorCode::NameTooLong));
    REQUIRE(Name::from_text(longest + ".b").error().is(ErrorCode::NameTooLong));
    for (char const* bad : { "", "..", "a..b", ".a", "a b.com", "a/b", "caf\xc3\xa9.fr" })
        REQUIRE(Name::from_text(bad).error().is(ErrorCode::InvalidArgument));
    REQUIRE(MUST(Name::from_text(".")).is_root());
    REQUIRE(MUST(Name::from_text("example.com.")).equals(MUST(Name::from_text("EXAMPLE.com"))));
    REQUIRE(!MUST(Name::from_text("example.com")).equals(MUST(Name::from_text("example.co"))));
    auto www = MUST(Name::from_text("www.Example.COM"));
    REQUIRE(www.is_at_or_below(MUST(Name::from_text("example.com"))));
    REQUIRE(www.is_at_or_below(MUST(Name::from_text("."))));
    REQUIRE(www.is_at_or_below(www));
    REQUIRE(!www.is_at_or_below(MUST(Name::from_text("ample.com")))); /* a suffix of bytes, not of labels */
    REQUIRE(!MUST(Name::from_text("example.com")).is_at_or_below(www));
    REQUIRE(www.label_count() == 3);
}

TEST_CASE("an ordinary answer: the address, its TTL, the flags", "[dns][response]")
{
    auto response = accepted(query_for("www.example.com"), example_answer());
    REQUIRE(response.outcome == Outcome::Answer);
    REQUIRE(response.address_count == 1);
    REQUIRE(response.addresses[0].length == 4);
    REQUIRE(response.addresses[0].bytes[0] == 93);
    REQUIRE(response.addresses[0].bytes[3] == 34);
    REQUIRE(response.ttl == 300);
    REQUIRE(response.chain_length == 0);
    REQUIRE(response.canonical.equals(response.name));
    REQUIRE(response.recursion_available);
    REQUIRE(!response.authoritative);
    REQUIRE(!response.error().is_error());
}

TEST_CASE("an AAAA answer, names matched ignoring case, the smallest TTL", "[dns][response]")
{
    Message message(7, flags_answer | 0x0400, 1, 2, 0, 0);
    message.question("WWW.example.COM", type_aaaa);
    message.name("www.EXAMPLE.com").record(type_aaaa, 120, 16);
    message.put({ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 });
    message.pointer(question_offset).record(type_aaaa, 60, 16);
    message.put({ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 });
    auto response = accepted(query_for("www.example.com", RecordType::AAAA, 7), message);
    REQUIRE(response.outcome == Outcome::Answer);
    REQUIRE(response.address_count == 2);
    REQUIRE(response.addresses[0].length == 16);
    REQUIRE(response.addresses[1].bytes[15] == 2);
    REQUIRE(response.ttl == 60);
    REQUIRE(response.authoritative);
}

TEST_CASE("a CNAME chain is followed, compressed, and only its end's addresses are taken", "[dns][response]")
{
    Message message(0x1234, flags_answer, 1, 4, 0, 0);
    message.question("www.example.com", type_a);
    /* www.example.com CNAME web.cdn.example.net (TTL 3600) */
    message.pointer(question_offset).record(type_cname, 3600, 21);
    u16 web = message.here();
    message.name("web.cdn.example.net");
    /* an address for another name: ignored */
    message.name("evil.example.org").record(type_a, 9999, 4).put({ 6, 6, 6, 6 });
    /* an address for the asked name, which has a CNAME: not the chain's end, ignored */
    message.a_record_at(question_offset, 9999, { 7, 7, 7, 7 });
    /* web.cdn.example.net A 192.0.2.10 (TTL 600) */
    message.a_record_at(web, 600, { 192, 0, 2, 10 });
    auto response = accepted(query_for("www.example.com"), message);
    REQUIRE(response.outcome == Outcome::Answer);
    REQUIRE(response.chain_length == 1);
    REQUIRE(text(response.canonical) == "web.cdn.example.net");
    REQUIRE(response.address_count == 1);
    REQUIRE(response.addresses[0].bytes[3] == 10);
    REQUIRE(response.ttl == 600);
}

TEST_CASE("an answer only for another name is no data, never its addresses", "[dns][response][attack]")
{
    Message message(0x1234, flags_answer, 1, 1, 0, 0);
    message.question("www.example.com", type_a);
    message.name("www.example.org").record(type_a, 300, 4).put({ 6, 6, 6, 6 });
    auto response = accepted(query_for("www.example.com"), message);
    REQUIRE(response.outcome == Outcome::NoData);
    REQUIRE(response.address_count == 0);
    REQUIRE(response.ttl == 0);
}

TEST_CASE("a reply is matched to its query: id, QR, opcode, the question's name, type and class", "[dns][response][attack]")
{
    auto query = query_for("www.example.com");
    REQUIRE(refusal(query, example_answer(0x1235)).is(DnsError::Mismatch));
    auto not_a_response = example_answer();
    not_a_response.bytes[2] &= 0x7f;
    REQUIRE(refusal(query, not_a_response).is(DnsError::Mismatch));
    auto other_opcode = example_answer();
    other_opcode.bytes[2] |= 0x10; /* opcode 2, STATUS */
    REQUIRE(refusal(query, other_opcode).is(DnsError::Mismatch));
    REQUIRE(refusal(query_for("www.example.org"), example_answer()).is(DnsError::Mismatch));
    REQUIRE(refusal(query_for("www.example.com", RecordType::AAAA), example_answer()).is(DnsError::Mismatch));
    auto chaos = example_answer();
    chaos.bytes[12 + 17 + 3] = 3; /* class CH */
    REQUIRE(refusal(query, chaos).is(DnsError::Mismatch));
}

TEST_CASE("RCODEs are errors a program can act on; TC says retry over TCP", "[dns][response]")
{
    auto query = query_for("www.example.com");
    std::pair<u16, DnsError> cases[] = {
        { 1, DnsError::FormatError },
        { 2, DnsError::ServerFailure },
        { 4, DnsError::NotImplemented },
        { 5, DnsError::Refused },
        { 9, DnsError::ServerFailure }, /* NOTAUTH: not one a stub resolver expects */
    };
    for (auto [rcode, error] : cases) {
        Message with_question(0x1234, flags_answer | rcode, 1, 0, 0, 0);
        with_question.question("www.example.com", type_a);
        REQUIRE(refusal(query, with_question).is(error));
        Message without_question(0x1234, flags_answer | rcode, 0, 0, 0, 0);
        REQUIRE(refusal(query, without_question).is(error));
    }
    Message truncated(0x1234, flags_answer | 0x0200, 1, 1, 0, 0);
    truncated.question("www.example.com", type_a).pointer(question_offset); /* cut mid-record, as a server may */
    REQUIRE(refusal(query, truncated).is(DnsError::Truncated));
    Message truncated_bare(0x1234, flags_answer | 0x0200, 0, 0, 0, 0);
    REQUIRE(refusal(query, truncated_bare).is(DnsError::Truncated));
    Message no_question(0x1234, flags_answer, 0, 0, 0, 0);
    REQUIRE(refusal(query, no_question).is(DnsError::Malformed));
}

TEST_CASE("NXDOMAIN and NODATA carry the negative TTL of RFC 2308: min(SOA TTL, MINIMUM)", "[dns][response]")
{
    auto query = query_for("nothing.example.com");
    for (auto [ttl, minimum, expected] : { std::tuple { 3600u, 900u, 900u }, std::tuple { 60u, 900u, 60u } }) {
        Message message(0x1234, flags_answer | 3, 1, 0, 1, 0);
        message.question("nothing.example.com", type_a);
        message.soa_record_at(question_offset + 8, ttl, minimum); /* owner example.com */
        auto response = accepted(query, message);
        REQUIRE(response.outcome == Outcome::NameError);
        REQUIRE(response.ttl == expected);
        REQUIRE(response.error().error().is(DnsError::NameError));
    }
    Message no_data(0x1234, flags_answer, 1, 0, 1, 0);
    no_data.question("nothing.example.com", type_a).soa_record_at(question_offset + 8, 300, 120);
    auto empty = accepted(query, no_data);
    REQUIRE(empty.outcome == Outcome::NoData);
    REQUIRE(empty.ttl == 120);
    REQUIRE(!empty.error().is_error());

    Message no_soa(0x1234, flags_answer | 3, 1, 0, 0, 0);
    no_soa.question("nothing.example.com", type_a);
    REQUIRE(accepted(query, no_soa).ttl == 0);
    /* An SOA of a zone that does not enclose the name says nothing about it. */
    Message foreign_soa(0x1234, flags_answer | 3, 1, 0, 1, 0);
    foreign_soa.question("nothing.example.com", type_a);
    u16 other = foreign_soa.here();
    foreign_soa.name("example.org").record(type_soa, 3600, 4 + 20).pointer(other).pointer(other);
    foreign_soa.put32(1).put32(2).put32(3).put32(4).put32(900);
    auto foreign = accepted(query, foreign_soa);
    REQUIRE(foreign.outcome == Outcome::NameError);
    REQUIRE(foreign.ttl == 0);
}

TEST_CASE("TTLs with the top bit set count as 0; more than 16 addresses are counted, not kept", "[dns][response]")
{
    Message message(0x1234, flags_answer, 1, 20, 0, 0);
    message.question("www.example.com", type_a);
    for (u8 index = 0; index < 20; ++index)
        message.a_record_at(question_offset, index == 19 ? 0x80000000u : 300, { 10, 0, 0, index });
    auto response = accepted(query_for("www.example.com"), message);
    REQUIRE(response.address_count == maximum_addresses);
    REQUIRE(response.addresses_left_out == 4);
    REQUIRE(response.addresses[15].bytes[3] == 15);
    REQUIRE(response.ttl == 300); /* the zero-TTL record was left out */
    Message zero(0x1234, flags_answer, 1, 1, 0, 0);
    zero.question("www.example.com", type_a).a_record_at(question_offset, 0xffffffffu, { 1, 2, 3, 4 });
    REQUIRE(accepted(query_for("www.example.com"), zero).ttl == 0);
}

TEST_CASE("an EDNS0 OPT record is tolerated in the additional section only, once, and empty of errors", "[dns][response]")
{
    auto query = query_for("www.example.com");
    Message with_opt(0x1234, flags_answer, 1, 1, 0, 1);
    with_opt.question("www.example.com", type_a).a_record_at(question_offset, 300, { 1, 2, 3, 4 }).opt_record();
    REQUIRE(accepted(query, with_opt).address_count == 1);

    Message two(0x1234, flags_answer, 1, 1, 0, 2);
    two.question("www.example.com", type_a).a_record_at(question_offset, 300, { 1, 2, 3, 4 }).opt_record().opt_record();
    REQUIRE(refusal(query, two).is(DnsError::Malformed));

    Message in_answers(0x1234, flags_answer, 1, 1, 0, 0);
    in_answers.question("www.example.com", type_a).opt_record();
    REQUIRE(refusal(query, in_answers).is(DnsError::Malformed));

    Message not_root(0x1234, flags_answer, 1, 0, 0, 1);
    not_root.question("www.example.com", type_a).pointer(question_offset).record(type_opt, 0, 0, 1232);
    REQUIRE(refusal(query, not_root).is(DnsError::Malformed));

    Message badvers(0x1234, flags_answer, 1, 0, 0, 1);
    badvers.question("www.example.com", type_a).opt_record(1232, 0x01000000u); /* extended RCODE 16 */
    REQUIRE(refusal(query, badvers).is(DnsError::ServerFailure));
}

TEST_CASE("compression pointers: only backwards, never into the header, at most 64 in a name", "[dns][response][attack]")
{
    auto query = query_for("www.example.com");
    Message to_itself(0x1234, flags_answer, 1, 1, 0, 0);
    to_itself.question("www.example.com", type_a);
    to_itself.pointer(to_itself.here()).record(type_a, 300, 4).put({ 1, 2, 3, 4 });
    REQUIRE(refusal(query, to_itself).is(DnsError::Malformed));

    /* Two names pointing at each other: the second's target is not before the first's start. */
    Message loop(0x1234, flags_answer, 1, 1, 0, 0);
    loop.question("www.example.com", type_a);
    u16 first = loop.here();
    loop.labels("a").pointer(static_cast<u16>(first + 2 + 2 + 10 + 4)).record(type_a, 300, 4).put({ 1, 2, 3, 4 });
    loop.bytes[5] = 2; /* answer count 2 */
    loop.labels("b").pointer(first).record(type_a, 300, 4).put({ 1, 2, 3, 4 });
    REQUIRE(refusal(query, loop).is(DnsError::Malformed));

    Message forward(0x1234, flags_answer, 1, 2, 0, 0);
    forward.question("www.example.com", type_a);
    forward.pointer(static_cast<u16>(forward.here() + 16)).record(type_a, 300, 4).put({ 1, 2, 3, 4 });
    forward.a_record_at(question_offset, 300, { 1, 2, 3, 4 });
    REQUIRE(refusal(query, forward).is(DnsError::Malformed));

    Message into_header(0x1234, flags_answer, 1, 1, 0, 0);
    into_header.question("www.example.com", type_a).a_record_at(4, 300, { 1, 2, 3, 4 });
    REQUIRE(refusal(query, into_header).is(DnsError::Malformed));

    /* A TXT record's data is a ladder of pointers, each to the one before, the first to the question. */
    auto ladder = [&](usize rungs) {
        Message message(0x1234, flags_answer, 1, 2, 0, 0);
        message.question("www.example.com", type_a);
        message.pointer(question_offset).record(type_txt, 300, static_cast<u16>(rungs * 2));
        u16 previous = question_offset;
        for (usize rung = 0; rung < rungs; ++rung) {
            u16 here = message.here();
            message.pointer(previous);
            previous = here;
        }
        message.a_record_at(previous, 300, { 10, 9, 8, 7 });
        return message;
    };
    /* The owner's own pointer plus the ladder: 64 jumps in all is the most a name may take. */
    auto within = accepted(query, ladder(63));
    REQUIRE(within.address_count == 1);
    REQUIRE(refusal(query, ladder(64)).is(DnsError::Malformed));
}

TEST_CASE("a label of 64, label types 01 and 10, and a name of 256 bytes are refused", "[dns][response][attack]")
{
    std::string label63(63, 'a');
    std::string long_name = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b'); /* 255 wire bytes */
    auto query = query_for(long_name.c_str());
    Message longest(0x1234, flags_answer, 1, 1, 0, 0);
    longest.question(long_name, type_a).a_record_at(question_offset, 300, { 1, 2, 3, 4 });
    REQUIRE(accepted(query, longest).address_count == 1);

    Message too_long(0x1234, flags_answer, 1, 0, 0, 0);
    too_long.question(long_name + "b", type_a);
    REQUIRE(refusal(query, too_long).is(DnsError::Malformed));

    /* 256 bytes reached only through a pointer: "b." before the 255-byte name. */
    Message through_pointer(0x1234, flags_answer, 1, 1, 0, 0);
    through_pointer.question(long_name, type_a).labels("b").pointer(question_offset).record(type_a, 300, 4).put({ 1, 2, 3, 4 });
    REQUIRE(refusal(query, through_pointer).is(DnsError::Malformed));

    for (u8 label_type : { u8(0x40), u8(0x80) }) {
        Message odd(0x1234, flags_answer, 1, 0, 0, 0);
        odd.put8(label_type); /* 0x40: a "label of 64" */
        for (int index = 0; index < 64; ++index)
            odd.put8('a');
        odd.put8(0).put16(type_a).put16(class_in);
        REQUIRE(refusal(query, odd).is(DnsError::Malformed));
    }
}

TEST_CASE("counts that lie, cut records and bad data lengths are malformed", "[dns][response][attack]")
{
    auto query = query_for("www.example.com");
    auto more = example_answer();
    more.bytes[7] = 2; /* two answers announced, one present */
    REQUIRE(refusal(query, more).is(DnsError::Malformed));
    auto fewer = example_answer();
    fewer.bytes[7] = 0; /* the answer is trailing bytes */
    REQUIRE(refusal(query, fewer).is(DnsError::Malformed));
    auto too_many = example_answer();
    too_many.bytes[10] = 1; /* 257 additional records */
    too_many.bytes[11] = 1;
    REQUIRE(refusal(query, too_many).is(DnsError::Malformed));
    auto two_questions = example_answer();
    two_questions.bytes[5] = 2;
    REQUIRE(refusal(query, two_questions).is(DnsError::Malformed));

    /* Every prefix of good answers is refused, never read past. */
    Message chain(0x1234, flags_answer, 1, 2, 1, 1);
    chain.question("www.example.com", type_a).pointer(question_offset).record(type_cname, 60, 6).labels("web").pointer(16);
    chain.a_record_at(static_cast<u16>(chain.here() - 6), 60, { 1, 2, 3, 4 });
    chain.soa_record_at(16, 60, 60).opt_record();
    REQUIRE(accepted(query, chain).address_count == 1);
    for (auto const& whole : { example_answer().bytes, chain.bytes }) {
        for (usize length = 0; length < whole.size(); ++length) {
            std::vector<u8> cut(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(length));
            Response response;
            auto parsed = parse_response(query, cut, response);
            REQUIRE(parsed.is_error());
        }
    }

    auto check_length = [&](u16 type, u16 length) {
        Message message(0x1234, flags_answer, 1, 1, 0, 0);
        message.question("www.example.com", type_a).pointer(question_offset).record(type, 300, length);
        for (u16 index = 0; index < length; ++index)
            message.put8(1);
        Response response;
        return parse(query, message, response);
    };
    REQUIRE(check_length(type_a, 5).error().is(DnsError::Malformed));
    REQUIRE(check_length(type_a, 3).error().is(DnsError::Malformed));
    REQUIRE(check_length(type_aaaa, 4).error().is(DnsError::Malformed));
    REQUIRE(!check_length(type_txt, 5).is_error());

    Message cname_extra(0x1234, flags_answer, 1, 1, 0, 0);
    cname_extra.question("www.example.com", type_a).pointer(question_offset).record(type_cname, 60, 6).name("web").put8(0);
    REQUIRE(refusal(query, cname_extra).is(DnsError::Malformed));
    Message cname_past_data(0x1234, flags_answer, 1, 2, 0, 0);
    cname_past_data.question("www.example.com", type_a).pointer(question_offset).record(type_cname, 60, 3).name("web");
    cname_past_data.a_record_at(question_offset, 300, { 1, 2, 3, 4 });
    REQUIRE(refusal(query, cname_past_data).is(DnsError::Malformed));

    std::vector<u8> huge(maximum_message_bytes + 1, 0);
    auto header = example_answer().bytes;
    std::memcpy(huge.data(), header.data(), 12);
    Response response;
    REQUIRE(parse_response(query, huge, response).error().is(DnsError::Malformed));
}

TEST_CASE("CNAME chains: at most 8 links, no loops, one CNAME per name", "[dns][response][attack]")
{
    auto query = query_for("n0.example");
    auto chain = [](usize links, bool loop) {
        Message message(0x1234, flags_answer, 1, static_cast<u16>(links + 1), 0, 0);
        message.question("n0.example", type_a);
        for (usize link = 0; link < links; ++link) {
            std::string owner = "n" + std::to_string(link) + ".example";
            std::string target = (loop && link + 1 == links) ? "n0.example" : "n" + std::to_string(link + 1) + ".example";
            message.name(owner).record(type_cname, 60, static_cast<u16>(target.size() + 2)).name(target);
        }
        message.name("n" + std::to_string(links) + ".example").record(type_a, 60, 4).put({ 1, 2, 3, 4 });
        return message;
    };
    auto eight = accepted(query, chain(8, false));
    REQUIRE(eight.chain_length == 8);
    REQUIRE(text(eight.canonical) == "n8.example");
    REQUIRE(eight.address_count == 1);
    REQUIRE(refusal(query, chain(9, false)).is(DnsError::Malformed));
    REQUIRE(refusal(query, chain(2, true)).is(DnsError::Malformed));
    REQUIRE(refusal(query, chain(1, true)).is(DnsError::Malformed)); /* n0 CNAME n0 */

    Message two(0x1234, flags_answer, 1, 2, 0, 0);
    two.question("n0.example", type_a);
    two.pointer(question_offset).record(type_cname, 60, 5).name("a.b");
    two.pointer(question_offset).record(type_cname, 60, 5).name("c.d");
    REQUIRE(refusal(query, two).is(DnsError::Malformed));
}
