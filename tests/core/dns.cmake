# SPDX-License-Identifier: Apache-2.0
# The DNS library (core/dns): queries against glibc's res_mkquery, responses built byte by byte
# and attacked one rule at a time, and the cache's TTL, negative-answer and eviction rules.
vectra_host_test(core.dns SOURCES core/TestDnsMessage.cpp core/TestDnsCache.cpp core/TestDnsFraming.cpp COMPONENTS ${kernel_components} dns)
target_link_libraries(test_core.dns PRIVATE resolv)
# Any bytes as the answer to an A and an AAAA query: every message accepted obeys every rule
# (matched question, bounded chain and addresses, their lengths, TTLs, a valid canonical name),
# glibc's libresolv is the second opinion on every accepted message.
vectra_fuzz_target(dns_message SOURCES fuzz/FuzzDnsMessage.cpp COMPONENTS ${kernel_components} dns)
target_link_libraries(fuzz_dns_message PRIVATE resolv)
# Any bytes as a DNS-over-TCP/TLS stream fed in pieces: every message handed out is its length
# prefix's size, at least a header, the stream's bytes at that place; a broken length ends it.
vectra_fuzz_target(dns_frames SOURCES fuzz/FuzzDnsFrames.cpp COMPONENTS ${kernel_components} dns)
