# SPDX-License-Identifier: Apache-2.0
# dnsd's loop with netd's real loop and a test DNS server Task on 127.0.0.1: answers, the cache and
# its TTLs, truncation then TCP, coalescing, forged and malformed replies, a silent server, busy.
vectra_host_test(services.dnsd SOURCES services/TestDnsd.cpp
    COMPONENTS ${kernel_components} text path encoding time random concurrent fs vfsd_protocol net lwip_port netd_protocol dns resolver dnsd_service)

# Any bytes as a vectra.resolver request, answered with dnsd's request-side code over a seeded cache.
vectra_fuzz_target(resolver_request SOURCES fuzz/FuzzResolverRequest.cpp
    COMPONENTS ${kernel_components} text encoding time random concurrent net dns resolver dnsd_service)
