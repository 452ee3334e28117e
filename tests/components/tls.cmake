# SPDX-License-Identifier: Apache-2.0
# TLS 1.3 with the BoringSSL port: a client and a server over an in-memory pipe, verifying
# certificates Debian's openssl makes in the build folder when the test is built (never committed,
# components/tls-selftest/make-certificates.sh).
if(NOT TARGET vectra_tls)
    return()
endif()
set(tls_certificates ${CMAKE_CURRENT_BINARY_DIR}/tls-certificates)
add_custom_command(OUTPUT ${tls_certificates}/server.pem ${tls_certificates}/expired.pem
        ${tls_certificates}/stranger.pem ${tls_certificates}/ca.pem
    COMMAND ${CMAKE_SOURCE_DIR}/components/tls-selftest/make-certificates.sh ${tls_certificates}
    DEPENDS ${CMAKE_SOURCE_DIR}/components/tls-selftest/make-certificates.sh
    COMMENT "Making the TLS tests' certificates with openssl")
add_custom_target(tls_test_certificates DEPENDS ${tls_certificates}/server.pem)
vectra_host_test(components.tls SOURCES components/TestTls.cpp
    COMPONENTS ${kernel_components} random libsodium libc time tls boringssl_port boringssl_host_io)
add_dependencies(test_components.tls tls_test_certificates)
target_compile_definitions(test_components.tls PRIVATE VECTRA_TEST_TLS_CERTIFICATES="${tls_certificates}")
# BoringSSL's memory from a carve (components/tls use_memory): the tls-selftest image's own checks,
# in a child process per carve size, with the certificates that component compiles in.
if(TARGET vectra_tls_selftest)
    vectra_host_test(components.tls.memory SOURCES components/TestTlsMemory.cpp
        COMPONENTS ${kernel_components} random libsodium libc time tls tls_selftest boringssl_port boringssl_host_io)
    # The image's cipher checks (known answers, forged tags, the seal cost's arithmetic).
    vectra_host_test(components.tls.ciphers SOURCES components/TestTlsCiphers.cpp
        COMPONENTS ${kernel_components} random libsodium libc time tls tls_selftest boringssl_port boringssl_host_io)
endif()
