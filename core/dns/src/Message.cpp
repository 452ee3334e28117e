/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <vectra/Try.h>
#include <vectra/dns/Message.h>

namespace vectra::dns {

namespace {

constexpr u16 flag_response = 0x8000;
constexpr u16 flag_authoritative = 0x0400;
constexpr u16 flag_truncated = 0x0200;
constexpr u16 flag_recursion_desired = 0x0100;
constexpr u16 flag_recursion_available = 0x0080;
constexpr u16 opcode_mask = 0x7800;
constexpr u16 rcode_mask = 0x000f;
constexpr usize record_fixed_bytes = 10; /* type, class, TTL, data length */
constexpr usize soa_numbers_bytes = 20;

enum class Rcode : u16 {
    NoError = 0,
    FormatError = 1,
    ServerFailure = 2,
    NameError = 3,
    NotImplemented = 4,
    Refused = 5,
};

enum class Section : u8 {
    Answer,
    Authority,
    Additional,
};

Error malformed(char const* why) { return Error(DnsError::Malformed, why); }

u16 load16(std::span<u8 const> bytes, usize at) { return static_cast<u16>((bytes[at] << 8) | bytes[at + 1]); }

u32 load32(std::span<u8 const> bytes, usize at) { return (u32(load16(bytes, at)) << 16) | load16(bytes, at + 2); }

void store16(std::span<u8> bytes, usize at, u16 value)
{
    bytes[at] = static_cast<u8>(value >> 8);
    bytes[at + 1] = static_cast<u8>(value);
}

/* RFC 2181 §8: a TTL with the top bit set counts as 0. */
u32 wire_ttl(u32 value) { return value > maximum_wire_ttl ? 0 : value; }

/*
 * Reads the name at `at` into `name`; `after` is set to the offset just past its in-place part
 * (up to and including its first pointer, or its root label).
 */
ErrorOr<void> read_name(std::span<u8 const> message, usize at, Name& name, usize& after)
{
    name = Name();
    usize position = at;
    usize run_start = at;
    usize jumps = 0;
    bool jumped = false;
    for (;;) {
        if (position >= message.size())
            return malformed("a name runs past the message's end");
        u8 length = message[position];
        if ((length & 0xc0) == 0xc0) {
            if (position + 1 >= message.size())
                return malformed("a compression pointer runs past the message's end");
            usize target = (usize(length & 0x3f) << 8) | message[position + 1];
            if (target >= run_start || target < header_bytes)
                return malformed("a compression pointer does not point back to an earlier name");
            if (++jumps > maximum_compression_jumps)
                return malformed("a name follows more than 64 compression pointers");
            if (!jumped)
                after = position + 2;
            jumped = true;
            position = target;
            run_start = target;
            continue;
        }
        if ((length & 0xc0) != 0)
            return malformed("a label's type is neither a length nor a pointer (a label longer than 63 bytes)");
        if (length == 0) {
            if (!jumped)
                after = position + 1;
            return {};
        }
        if (position + 1 + length > message.size())
            return malformed("a label runs past the message's end");
        if (name.append_label(message.subspan(position + 1, length)).is_error())
            return malformed("a name is longer than 255 bytes");
        position += 1 + length;
    }
}

struct Record {
    Name owner;
    RecordType type { RecordType::A };
    u16 record_class { 0 };
    u32 ttl { 0 };
    usize data { 0 };
    usize data_length { 0 };
};

/* Reads the record at `at` and checks its data's shape; returns the offset after it. */
ErrorOr<usize> read_record(std::span<u8 const> message, usize at, Section section, Record& record)
{
    usize after = 0;
    TRY(read_name(message, at, record.owner, after));
    if (after + record_fixed_bytes > message.size())
        return malformed("a record's type, class, TTL or length runs past the message's end");
    record.type = static_cast<RecordType>(load16(message, after));
    record.record_class = load16(message, after + 2);
    record.ttl = load32(message, after + 4);
    record.data_length = load16(message, after + 8);
    record.data = after + record_fixed_bytes;
    usize end = record.data + record.data_length;
    if (end > message.size())
        return malformed("a record's data runs past the message's end");
    std::span<u8 const> inside = message.first(end); /* names in the data may point back, never past it */
    switch (record.type) {
    case RecordType::A:
        if (record.record_class == class_internet && record.data_length != 4)
            return malformed("an A record's data is not 4 bytes");
        break;
    case RecordType::AAAA:
        if (record.record_class == class_internet && record.data_length != 16)
            return malformed("an AAAA record's data is not 16 bytes");
        break;
    case RecordType::CNAME: {
        Name target;
        usize name_end = 0;
        TRY(read_name(inside, record.data, target, name_end));
        if (name_end != end)
            return malformed("a CNAME record's data is not exactly one name");
        break;
    }
    case RecordType::SOA: {
        Name scratch;
        usize name_end = 0;
        TRY(read_name(inside, record.data, scratch, name_end));
        TRY(read_name(inside, name_end, scratch, name_end));
        if (name_end + soa_numbers_bytes != end)
            return malformed("an SOA record's data is not two names and five numbers");
        break;
    }
    case RecordType::OPT:
        if (section != Section::Additional || !record.owner.is_root())
            return malformed("an OPT record outside the additional section or not owned by the root");
        break;
    default:
        break;
    }
    return end;
}

/* Where each section starts in a message whose records all read. */
struct Layout {
    usize answers { 0 };
    u16 answer_count { 0 };
    usize authority { 0 };
    u16 authority_count { 0 };
    u32 extended_rcode { 0 };
};

ErrorOr<usize> walk_section(std::span<u8 const> message, usize at, u16 count, Section section, Layout& layout)
{
    usize options = 0;
    for (u16 index = 0; index < count; ++index) {
        Record record;
        at = TRY(read_record(message, at, section, record));
        if (record.type == RecordType::OPT) {
            if (++options > 1)
                return malformed("more than one OPT record");
            layout.extended_rcode = record.ttl >> 24;
        }
    }
    return at;
}

/* Calls `visit(record)` for each record of a section already walked (so none can fail). */
template<typename Visit>
void each_record(std::span<u8 const> message, usize at, u16 count, Section section, Visit visit)
{
    for (u16 index = 0; index < count; ++index) {
        Record record;
        at = MUST(read_record(message, at, section, record));
        visit(record);
    }
}

ErrorOr<void> rcode_error(u16 rcode)
{
    switch (static_cast<Rcode>(rcode)) {
    case Rcode::NoError:
    case Rcode::NameError:
        return {};
    case Rcode::FormatError:
        return Error(DnsError::FormatError, "the server could not read the query (FORMERR)");
    case Rcode::ServerFailure:
        return Error(DnsError::ServerFailure, "the server failed to answer (SERVFAIL)");
    case Rcode::NotImplemented:
        return Error(DnsError::NotImplemented, "the server does not do this kind of query (NOTIMP)");
    case Rcode::Refused:
        return Error(DnsError::Refused, "the server refused to answer (REFUSED)");
    }
    return Error(DnsError::ServerFailure, "the server answered with an RCODE this resolver does not know");
}

/* Follows the CNAME chain from the asked name through the answer section. */
ErrorOr<void> follow_chain(std::span<u8 const> message, Layout const& layout, Response& response)
{
    response.canonical = response.name;
    response.ttl = maximum_wire_ttl;
    for (;;) {
        usize found = 0;
        Name next;
        u32 ttl = 0;
        each_record(message, layout.answers, layout.answer_count, Section::Answer, [&](Record const& record) {
            if (record.type != RecordType::CNAME || record.record_class != class_internet
                || !record.owner.equals(response.canonical))
                return;
            if (++found == 1) {
                usize ignored = 0;
                MUST(read_name(message, record.data, next, ignored));
                ttl = wire_ttl(record.ttl);
            }
        });
        if (found == 0)
            return {};
        if (found > 1)
            return malformed("a name in the CNAME chain has more than one CNAME");
        if (++response.chain_length > maximum_cname_chain)
            return malformed("the CNAME chain is longer than 8 links (or loops)");
        response.canonical = next;
        if (ttl < response.ttl)
            response.ttl = ttl;
    }
}

/* RFC 2308 §5: min(SOA TTL, SOA MINIMUM) of an SOA whose owner encloses the name, else 0. */
u32 negative_ttl(std::span<u8 const> message, Layout const& layout, Name const& name)
{
    bool found = false;
    u32 ttl = 0;
    each_record(message, layout.authority, layout.authority_count, Section::Authority, [&](Record const& record) {
        if (found || record.type != RecordType::SOA || record.record_class != class_internet
            || !name.is_at_or_below(record.owner))
            return;
        found = true;
        u32 minimum = wire_ttl(load32(message, record.data + record.data_length - 4));
        u32 own = wire_ttl(record.ttl);
        ttl = own < minimum ? own : minimum;
    });
    return ttl;
}

}

ErrorOr<void> Response::error() const
{
    if (outcome == Outcome::NameError)
        return Error(DnsError::NameError, "the name does not exist (NXDOMAIN)");
    return {};
}

ErrorOr<usize> build_query(Query const& query, std::span<u8> into)
{
    if (query.type != RecordType::A && query.type != RecordType::AAAA)
        return Error(ErrorCode::Unsupported, "queries ask for A or AAAA records only");
    auto name = query.name.wire();
    usize length = header_bytes + name.size() + 4;
    if (into.size() < length)
        return Error(ErrorCode::TooLarge, "the query does not fit the buffer");
    memset(into.data(), 0, header_bytes);
    store16(into, 0, query.id);
    store16(into, 2, flag_recursion_desired);
    store16(into, 4, 1);
    memcpy(into.data() + header_bytes, name.data(), name.size());
    store16(into, header_bytes + name.size(), static_cast<u16>(query.type));
    store16(into, header_bytes + name.size() + 2, class_internet);
    return length;
}

ErrorOr<void> parse_response(Query const& query, std::span<u8 const> message, Response& into)
{
    into = Response();
    if (message.size() < header_bytes)
        return malformed("a message is shorter than its 12-byte header");
    if (message.size() > maximum_message_bytes)
        return malformed("a message is longer than 65535 bytes");
    u16 flags = load16(message, 2);
    if (load16(message, 0) != query.id)
        return Error(DnsError::Mismatch, "the response's id is not the query's");
    if ((flags & flag_response) == 0 || (flags & opcode_mask) != 0)
        return Error(DnsError::Mismatch, "the message is not a response to a standard query");
    u16 question_count = load16(message, 4);
    Layout layout;
    layout.answer_count = load16(message, 6);
    layout.authority_count = load16(message, 8);
    u16 additional_count = load16(message, 10);
    if (question_count > 1 || layout.answer_count > maximum_section_records
        || layout.authority_count > maximum_section_records || additional_count > maximum_section_records)
        return malformed("a section count is above its bound (1 question, 256 records)");
    u16 rcode = flags & rcode_mask;
    bool truncated = (flags & flag_truncated) != 0;
    if (question_count == 0) {
        /* Some servers drop the question when they fail; the id is all there is to match. */
        if (truncated)
            return Error(DnsError::Truncated, "the response was truncated: ask again over TCP");
        TRY(rcode_error(rcode));
        return malformed("a response without its question");
    }

    usize at = 0;
    Name asked;
    TRY(read_name(message, header_bytes, asked, at));
    if (at + 4 > message.size())
        return malformed("the question's type and class run past the message's end");
    if (!asked.equals(query.name) || load16(message, at) != static_cast<u16>(query.type)
        || load16(message, at + 2) != class_internet)
        return Error(DnsError::Mismatch, "the response's question is not the query's");
    if (truncated)
        return Error(DnsError::Truncated, "the response was truncated: ask again over TCP");
    at += 4;

    layout.answers = at;
    at = TRY(walk_section(message, at, layout.answer_count, Section::Answer, layout));
    layout.authority = at;
    at = TRY(walk_section(message, at, layout.authority_count, Section::Authority, layout));
    at = TRY(walk_section(message, at, additional_count, Section::Additional, layout));
    if (at != message.size())
        return malformed("bytes follow the last record the counts announce");
    TRY(rcode_error(rcode));
    if (layout.extended_rcode != 0)
        return Error(DnsError::ServerFailure, "the server answered with an extended RCODE (EDNS0)");

    into.name = query.name;
    into.type = query.type;
    into.authoritative = (flags & flag_authoritative) != 0;
    into.recursion_available = (flags & flag_recursion_available) != 0;
    TRY(follow_chain(message, layout, into));

    u32 chain_ttl = into.ttl;
    u32 address_ttl = maximum_wire_ttl;
    each_record(message, layout.answers, layout.answer_count, Section::Answer, [&](Record const& record) {
        if (record.type != query.type || record.record_class != class_internet || !record.owner.equals(into.canonical))
            return;
        if (into.address_count == maximum_addresses) {
            ++into.addresses_left_out;
            return;
        }
        IpAddress& address = into.addresses[into.address_count++];
        address.length = static_cast<u8>(record.data_length);
        memcpy(address.bytes.data(), message.data() + record.data, record.data_length);
        u32 ttl = wire_ttl(record.ttl);
        if (ttl < address_ttl)
            address_ttl = ttl;
    });

    if (rcode == static_cast<u16>(Rcode::NoError) && into.address_count > 0) {
        into.outcome = Outcome::Answer;
        into.ttl = address_ttl < chain_ttl ? address_ttl : chain_ttl;
        return {};
    }
    /* NXDOMAIN with addresses for the end of the chain cannot be both: the addresses are not taken. */
    into.address_count = 0;
    into.addresses = {};
    into.addresses_left_out = 0;
    into.outcome = rcode == static_cast<u16>(Rcode::NameError) ? Outcome::NameError : Outcome::NoData;
    u32 ttl = negative_ttl(message, layout, into.canonical);
    into.ttl = ttl < chain_ttl ? ttl : chain_ttl;
    return {};
}

}
