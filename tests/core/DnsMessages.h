/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * DNS messages built byte by byte for the core/dns tests and the fuzz target's seeds: the
 * header, names (plain or ending in a compression pointer) and records laid out as RFC 1035
 * §4.1 draws them, so that each test can break exactly one rule.
 */

#pragma once

#include <initializer_list>
#include <string_view>
#include <vector>
#include <vectra/Types.h>

namespace vectra::test::dns {

inline constexpr u16 type_a = 1;
inline constexpr u16 type_cname = 5;
inline constexpr u16 type_soa = 6;
inline constexpr u16 type_txt = 16;
inline constexpr u16 type_aaaa = 28;
inline constexpr u16 type_opt = 41;
inline constexpr u16 class_in = 1;
/* QR, RD, RA: a recursive resolver's ordinary answer; the RCODE goes in the low four bits. */
inline constexpr u16 flags_answer = 0x8180;
inline constexpr u16 question_offset = 12; /* where a pointer to the question's name points */

class Message {
public:
    Message(u16 id, u16 flags, u16 questions, u16 answers, u16 authority, u16 additional)
    {
        put16(id);
        put16(flags);
        put16(questions);
        put16(answers);
        put16(authority);
        put16(additional);
    }

    Message& put8(u8 value)
    {
        bytes.push_back(value);
        return *this;
    }
    Message& put16(u16 value)
    {
        bytes.push_back(static_cast<u8>(value >> 8));
        bytes.push_back(static_cast<u8>(value));
        return *this;
    }
    Message& put32(u32 value)
    {
        put16(static_cast<u16>(value >> 16));
        return put16(static_cast<u16>(value));
    }
    Message& put(std::initializer_list<u8> values)
    {
        bytes.insert(bytes.end(), values);
        return *this;
    }
    /* "www.example.com" as labels with no end: a pointer or the root's zero must follow (name() adds the zero). */
    Message& labels(std::string_view text)
    {
        while (!text.empty()) {
            usize dot = text.find('.');
            std::string_view label = text.substr(0, dot);
            put8(static_cast<u8>(label.size()));
            bytes.insert(bytes.end(), label.begin(), label.end());
            text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
        }
        return *this;
    }
    Message& name(std::string_view text) { return labels(text).put8(0); }
    Message& pointer(u16 target) { return put16(static_cast<u16>(0xc000 | target)); }
    Message& question(std::string_view text, u16 type) { return name(text).put16(type).put16(class_in); }
    /* A record's fixed part after its owner (already written). */
    Message& record(u16 type, u32 ttl, u16 data_length, u16 record_class = class_in)
    {
        return put16(type).put16(record_class).put32(ttl).put16(data_length);
    }
    Message& a_record_at(u16 owner, u32 ttl, std::initializer_list<u8> address)
    {
        pointer(owner).record(type_a, ttl, static_cast<u16>(address.size()));
        return put(address);
    }
    /* The OPT pseudo-record of RFC 6891: root owner, UDP size in the class, extended RCODE in the TTL's top byte. */
    Message& opt_record(u16 udp_size = 1232, u32 ttl = 0) { return put8(0).record(type_opt, ttl, 0, udp_size); }
    /* An SOA owned by the name at `owner` with pointer-ended names: TTL `ttl`, MINIMUM `minimum`. */
    Message& soa_record_at(u16 owner, u32 ttl, u32 minimum)
    {
        pointer(owner).record(type_soa, ttl, 2 + 2 + 20);
        pointer(owner).pointer(owner); /* mname, rname */
        return put32(2026120501).put32(7200).put32(3600).put32(1209600).put32(minimum);
    }
    [[nodiscard]] u16 here() const { return static_cast<u16>(bytes.size()); }

    std::vector<u8> bytes;
};

/* The ordinary answer: www.example.com A 93.184.216.34, TTL 300, the owner a pointer to the question. */
inline Message example_answer(u16 id = 0x1234)
{
    Message message(id, flags_answer, 1, 1, 0, 0);
    message.question("www.example.com", type_a);
    message.a_record_at(question_offset, 300, { 93, 184, 216, 34 });
    return message;
}

}
