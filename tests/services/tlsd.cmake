# SPDX-License-Identifier: Apache-2.0
# tlsd's loop with netd's real loop (loopback) and BoringSSL: both ends of TLS 1.3 streams through
# tlsd, verification refusals, the attacker's cases, VectraNet's server and client over tlsd streams; certificates from
# components/tls-selftest/make-certificates.sh in the build folder (tests/components/tls.cmake).
if(NOT TARGET vectra_tlsd_service OR NOT TARGET tls_test_certificates)
    return()
endif()
vectra_host_test(services.tlsd SOURCES services/TestTlsd.cpp services/TestTlsdTickets.cpp
    COMPONENTS ${kernel_components} text path encoding time random libsodium libc concurrent fs vfsd_protocol net lwip_port
        netd_protocol tls_stream tls boringssl_port boringssl_host_io tlsd_service http http_tls)
add_dependencies(test_services.tlsd tls_test_certificates)
# Debian's ca-certificates bundle, the trust the build takes for images (ADR 0038 amendment).
target_compile_definitions(test_services.tlsd PRIVATE VECTRA_TEST_TLS_CERTIFICATES="${tls_certificates}"
    VECTRA_CA_CERTIFICATES="/etc/ssl/certs/ca-certificates.crt")

# Any bytes as a vectra.tls request to tlsd's session handlers, holding a real identity: no reply
# carries the key, no session holds more streams than its limit.
vectra_fuzz_target(tls_request SOURCES fuzz/FuzzTlsRequest.cpp
    COMPONENTS ${kernel_components} text encoding time random libsodium libc concurrent net tls_stream tls boringssl_port
        boringssl_host_io tlsd_service)
add_dependencies(fuzz_tls_request tls_test_certificates)
target_compile_definitions(fuzz_tls_request PRIVATE VECTRA_TEST_TLS_CERTIFICATES="${tls_certificates}")
