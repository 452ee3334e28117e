/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * DNS messages for a stub resolver (RFC 1035 §4, AAAA from RFC 3596; an EDNS0 OPT record,
 * RFC 6891, is tolerated in a response). Building a query: an id, RD set, one question of
 * type A or AAAA, class IN. Parsing a response, nothing in it trusted:
 *
 *   - at least the 12-byte header and at most 65535 bytes; QR set, opcode QUERY; the id, and the
 *     one question's name (ignoring ASCII case), type and class must be the query's
 *     (`mismatch`: over UDP, a stale or forged reply the caller drops while it keeps waiting);
 *   - every section count at most 256, and every record they announce present, whole and inside
 *     the message, with nothing after the last one (`malformed`);
 *   - names: labels ≤ 63 bytes, ≤ 255 bytes in all, compression pointers only to a place
 *     before the one where the current run of labels started (so never forward, never a loop)
 *     and at most 64 of them in one name; label types 01 and 10 refused;
 *   - A data exactly 4 bytes, AAAA 16, a CNAME's data exactly its name, an SOA's exactly its
 *     two names and five numbers; an OPT record only in the additional section, owned by the
 *     root, at most one;
 *   - answers are taken only for the asked name and its CNAME chain (at most 8 links; a
 *     longer chain, a loop, or a name with two CNAMEs is `malformed`); records of other names
 *     are ignored;
 *   - TTLs above 2^31 − 1 count as 0 (RFC 2181 §8); an answer's TTL is the smallest of the
 *     chain's and the addresses'; a negative answer's is min(SOA TTL, SOA MINIMUM) of an SOA
 *     in the authority section whose owner encloses the name (RFC 2308 §5), else 0;
 *   - RCODEs become errors a program can act on: `format-error` (the server refused our query's
 *     form), `server-failure`, `not-implemented`, `refused`; TC set is `truncated` (retry over
 *     TCP, RFC 7766); NXDOMAIN is not an error here but the `NameError` outcome, so that it can
 *     be cached (`Response::error()` turns it into `name-error`).
 *
 * No heap: the caller provides the query buffer and the Response.
 */

#pragma once

#include <array>
#include <span>
#include <vectra/Error.h>
#include <vectra/dns/Name.h>

namespace vectra::dns {

enum class DnsError : u16 {
    Malformed = 1,
    Mismatch = 2,
    NameError = 3,
    ServerFailure = 4,
    Refused = 5,
    Truncated = 6,
    NotImplemented = 7,
    FormatError = 8,
};

inline constexpr ErrorDomain domain {
    "vectra.dns",
    [](u16 code) -> char const* {
        switch (static_cast<DnsError>(code)) {
        case DnsError::Malformed:
            return "malformed";
        case DnsError::Mismatch:
            return "mismatch";
        case DnsError::NameError:
            return "name-error";
        case DnsError::ServerFailure:
            return "server-failure";
        case DnsError::Refused:
            return "refused";
        case DnsError::Truncated:
            return "truncated";
        case DnsError::NotImplemented:
            return "not-implemented";
        case DnsError::FormatError:
            return "format-error";
        }
        return nullptr;
    },
};
constexpr ErrorDomain const& error_domain(DnsError) { return domain; }

enum class RecordType : u16 {
    A = 1,
    NS = 2,
    CNAME = 5,
    SOA = 6,
    AAAA = 28,
    OPT = 41,
};

inline constexpr u16 class_internet = 1;
inline constexpr usize header_bytes = 12;
/* A query: header, the name, type and class. */
inline constexpr usize maximum_query_bytes = header_bytes + maximum_name_bytes + 4;
inline constexpr usize maximum_message_bytes = 65535;
inline constexpr u16 maximum_section_records = 256;
inline constexpr usize maximum_compression_jumps = 64;
inline constexpr usize maximum_cname_chain = 8;
inline constexpr usize maximum_addresses = 16;
inline constexpr u32 maximum_wire_ttl = 0x7fffffff;

struct Query {
    u16 id { 0 };
    Name name;
    RecordType type { RecordType::A };
};

/* Writes `query` into `into` (RD set, one question, class IN); returns the bytes written. Only A and AAAA. */
[[nodiscard]] ErrorOr<usize> build_query(Query const&, std::span<u8> into);

/* An IPv4 (4 bytes used) or IPv6 (16) address from an A or AAAA record. */
struct IpAddress {
    u8 length { 0 };
    std::array<u8, 16> bytes {};
    [[nodiscard]] bool operator==(IpAddress const&) const = default;
};

enum class Outcome : u8 {
    Answer,    /* addresses of the asked type */
    NoData,    /* the name exists, with no record of that type (RFC 2308 §2.2) */
    NameError, /* the name does not exist (NXDOMAIN) */
};

struct Response {
    Name name; /* as asked */
    RecordType type { RecordType::A };
    Name canonical; /* the end of the CNAME chain (the asked name when there is none) */
    usize chain_length { 0 };
    Outcome outcome { Outcome::NoData };
    /* Answer: the smallest TTL of the chain and the addresses; NoData, NameError: the negative TTL (0 without an SOA). */
    u32 ttl { 0 };
    usize address_count { 0 };
    std::array<IpAddress, maximum_addresses> addresses {};
    usize addresses_left_out { 0 }; /* matching records past the first 16 */
    bool authoritative { false };
    bool recursion_available { false };

    [[nodiscard]] std::span<IpAddress const> taken() const { return { addresses.data(), address_count }; }
    /* `name-error` for a NameError outcome, nothing otherwise. */
    [[nodiscard]] ErrorOr<void> error() const;
};

/* Parses `message` as the answer to `query` into `into` (see the rules above). */
[[nodiscard]] ErrorOr<void> parse_response(Query const&, std::span<u8 const> message, Response& into);

}
