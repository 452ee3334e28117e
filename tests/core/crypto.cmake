# SPDX-License-Identifier: Apache-2.0
# core/libc, core/random and core/crypto (with the libsodium and BLAKE3 ports). OBJECT libraries
# do not pass their objects on: every component a test runs is listed.
vectra_host_test(core.libc SOURCES core/TestLibc.cpp core/TestLibcConversions.cpp core/TestLibcHeap.cpp
    COMPONENTS ${kernel_components} libc time)
# core/libc's parsers against glibc's on any bytes.
vectra_fuzz_target(libc_parsing SOURCES fuzz/FuzzLibcParsing.cpp COMPONENTS ${kernel_components} libc time)
vectra_host_test(core.random SOURCES core/TestRandom.cpp COMPONENTS ${kernel_components} random libsodium)
set(crypto_test_sources core/TestSecret.cpp core/TestEd25519.cpp core/TestX25519.cpp core/TestAead.cpp
    core/TestBlake3.cpp core/TestArgon2.cpp core/TestCryptoLibrary.cpp)
vectra_host_test(core.crypto SOURCES ${crypto_test_sources}
    COMPONENTS ${kernel_components} crypto random libc time libsodium blake3)
# The same tests against the libsodium port images build from source (vectra_libsodium_port),
# instead of Debian's shared library: the port's objects define every symbol the tests use, and
# --as-needed then leaves Debian's library out of the binary (TestLibsodiumPort.cpp checks it).
vectra_host_test(core.crypto.port SOURCES ${crypto_test_sources} core/TestLibsodiumPort.cpp
    COMPONENTS ${kernel_components} crypto random libc time libsodium_port blake3)
target_link_options(test_core.crypto.port PRIVATE -Wl,--as-needed)
# calloc overflow is compared with glibc's: ASan must let glibc's calloc return null for it.
set_tests_properties(core.libc PROPERTIES ENVIRONMENT
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
