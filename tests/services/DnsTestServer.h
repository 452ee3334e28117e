/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A small DNS server for dnsd's tests, as a Task over netd (127.0.0.1, UDP and TCP on one port):
 * a fixed zone, a count of the queries each name got, and names that misbehave on purpose —
 * replies forged before the real one, a malformed reply, silence, truncation (then TCP).
 */

#pragma once

#include "DnsWire.h"
#include <atomic>
#include <string_view>
#include <vector>
#include <vectra/Types.h>

namespace vectra::test::dns_server {

/* The zone, one name per behaviour; `queries[n]` counts what name n got (UDP and TCP). */
enum Name : usize {
    Www,        /* A 192.0.2.1, AAAA 2001:db8::1, TTL 300 */
    Short,      /* A 192.0.2.2, TTL 60 */
    Missing,    /* NXDOMAIN, SOA example.com with TTL 30 */
    Empty,      /* NODATA for AAAA (A 192.0.2.3) */
    Big,        /* over UDP: TC and no answer; over TCP: 20 A records 10.0.0.1–20 */
    Forged,     /* replies forged first (wrong id, wrong question, wrong port), then A 192.0.2.4 */
    Malformed,  /* a reply whose answer count lies (every try) */
    Silent,     /* never answered */
    Slow,       /* A 192.0.2.5, answered 100 ms late */
    Long,       /* A 192.0.2.6, TTL 200 000 s (above the one-day cap) */
    Names,
};

inline constexpr std::string_view names[Names] = { "www.example.com", "short.example.com", "missing.example.com",
    "empty.example.com", "big.example.com", "forged.example.com", "malformed.example.com", "silent.example.com",
    "slow.example.com", "long.example.com" };

struct State {
    std::atomic<u16> port { 0 };   /* published once bound */
    std::atomic<bool> stop { false };
    std::atomic<int> queries[Names] {};
    std::atomic<int> tcp_queries { 0 };
    /* The id and source port of the first two queries for Silent (each try must bring new ones). */
    std::atomic<u16> silent_ids[2] {};
    std::atomic<u16> silent_ports[2] {};
};

inline State& state()
{
    static State shared;
    return shared;
}

using Question = dns_wire::Question;

}
