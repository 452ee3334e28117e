# SPDX-License-Identifier: Apache-2.0
# dnsd's loop with netd's real loop and a test DNS server Task on 127.0.0.1: answers, the cache and
# its TTLs, truncation then TCP, coalescing, forged and malformed replies, a silent server, busy.
vectra_host_test(services.dnsd SOURCES services/TestDnsd.cpp
    COMPONENTS ${kernel_components} text path encoding time random concurrent fs vfsd_protocol net lwip_port netd_protocol dns resolver tls_stream dnsd_service)

# Any bytes as a vectra.resolver request, answered with dnsd's request-side code over a seeded cache.
vectra_fuzz_target(resolver_request SOURCES fuzz/FuzzResolverRequest.cpp
    COMPONENTS ${kernel_components} text encoding time random concurrent net dns resolver tls_stream dnsd_service)

# dnsd over TLS (RFC 7858) with netd's, tlsd's and a DNS-over-TLS server's real loops: answers over
# one reused, verified connection, pipelined answers out of order, a server closing idle connections,
# a wrong name and an untrusted chain refused with no UDP at all, forged and malformed answers.
if(TARGET vectra_tlsd_service AND TARGET tls_test_certificates)
    vectra_host_test(services.dnsd_tls SOURCES services/TestDnsdTls.cpp
        COMPONENTS ${kernel_components} text path encoding time random libsodium libc concurrent fs vfsd_protocol net
            lwip_port netd_protocol dns resolver tls_stream tls boringssl_port boringssl_host_io tlsd_service dnsd_service)
    add_dependencies(test_services.dnsd_tls tls_test_certificates)
    target_compile_definitions(test_services.dnsd_tls PRIVATE VECTRA_TEST_TLS_CERTIFICATES="${tls_certificates}")
endif()
