/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * DNS messages written and read byte by byte for the test DNS servers of dnsd's tests (over UDP
 * and TCP in services.dnsd, over TLS in services.dnsd_tls): a query's question read back, and a
 * response built from it — independent of core/dns, whose parser is what the tests check.
 */

#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>
#include <vectra/Types.h>

namespace vectra::test::dns_wire {

/* A query's question read back (wire name, type), or nothing for bytes that are not one. */
struct Question {
    u16 id { 0 };
    std::vector<u8> name_wire;
    u16 type { 0 };
    usize end { 0 }; /* the offset after the question */
};

inline void put16(std::vector<u8>& out, u16 value)
{
    out.push_back(u8(value >> 8));
    out.push_back(u8(value));
}

inline void put32(std::vector<u8>& out, u32 value)
{
    put16(out, u16(value >> 16));
    put16(out, u16(value));
}

inline void put_name(std::vector<u8>& out, std::string_view text)
{
    while (!text.empty()) {
        usize dot = text.find('.');
        auto label = text.substr(0, dot);
        out.push_back(u8(label.size()));
        out.insert(out.end(), label.begin(), label.end());
        text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    }
    out.push_back(0);
}

inline std::optional<Question> read_question(std::span<u8 const> bytes)
{
    if (bytes.size() < 12 + 5)
        return std::nullopt;
    Question question;
    question.id = u16(bytes[0] << 8 | bytes[1]);
    usize at = 12;
    while (at < bytes.size() && bytes[at] != 0) {
        usize length = bytes[at];
        if (length > 63 || at + 1 + length >= bytes.size())
            return std::nullopt;
        question.name_wire.insert(question.name_wire.end(), bytes.begin() + at, bytes.begin() + at + 1 + length);
        at += 1 + length;
    }
    question.name_wire.push_back(0);
    at += 1;
    if (at + 4 > bytes.size())
        return std::nullopt;
    question.type = u16(bytes[at] << 8 | bytes[at + 1]);
    question.end = at + 4;
    return question;
}

/* A response: header, the question as asked (with `name` instead when given), then `answers` A/AAAA records. */
struct Record {
    u16 type;
    std::vector<u8> data;
    u32 ttl;
};

inline std::vector<u8> response(Question const& question, u16 flags, std::vector<Record> const& answers,
    bool soa = false, std::optional<std::string_view> other_name = std::nullopt)
{
    std::vector<u8> out;
    put16(out, question.id);
    put16(out, flags);
    put16(out, 1);
    put16(out, u16(answers.size()));
    put16(out, soa ? 1 : 0);
    put16(out, 0);
    if (other_name)
        put_name(out, *other_name);
    else
        out.insert(out.end(), question.name_wire.begin(), question.name_wire.end());
    put16(out, question.type);
    put16(out, 1);
    for (auto const& record : answers) {
        put16(out, 0xc00c);
        put16(out, record.type);
        put16(out, 1);
        put32(out, record.ttl);
        put16(out, u16(record.data.size()));
        out.insert(out.end(), record.data.begin(), record.data.end());
    }
    if (soa) {
        put_name(out, "example.com");
        put16(out, 6);
        put16(out, 1);
        put32(out, 30);
        std::vector<u8> data;
        put_name(data, "ns.example.com");
        put_name(data, "admin.example.com");
        for (u32 number : { 1u, 3600u, 600u, 86400u, 30u })
            put32(data, number);
        put16(out, u16(data.size()));
        out.insert(out.end(), data.begin(), data.end());
    }
    return out;
}

inline Record a(u8 last, u32 ttl = 300) { return { 1, { 192, 0, 2, last }, ttl }; }

inline constexpr u16 answer_flags = 0x8180;
inline constexpr u16 type_a = 1;
inline constexpr u16 type_aaaa = 28;

/* The wire name of `text` equals the question's, ignoring ASCII case. */
inline bool asks_for(Question const& question, std::string_view text)
{
    std::vector<u8> wire;
    put_name(wire, text);
    if (wire.size() != question.name_wire.size())
        return false;
    for (usize index = 0; index < wire.size(); ++index)
        if ((wire[index] | 0x20) != (question.name_wire[index] | 0x20))
            return false;
    return true;
}

}
