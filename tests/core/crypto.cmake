# SPDX-License-Identifier: Apache-2.0
# core/libc, core/random and core/crypto (with the libsodium and BLAKE3 ports). OBJECT libraries
# do not pass their objects on: every component a test runs is listed.
vectra_host_test(core.libc SOURCES core/TestLibc.cpp COMPONENTS ${kernel_components} libc)
vectra_host_test(core.random SOURCES core/TestRandom.cpp COMPONENTS ${kernel_components} random libsodium)
vectra_host_test(core.crypto
    SOURCES core/TestSecret.cpp core/TestEd25519.cpp core/TestX25519.cpp core/TestAead.cpp core/TestBlake3.cpp
        core/TestArgon2.cpp core/TestCryptoLibrary.cpp
    COMPONENTS ${kernel_components} crypto random libc libsodium blake3)
# calloc overflow is compared with glibc's: ASan must let glibc's calloc return null for it.
set_tests_properties(core.libc PROPERTIES ENVIRONMENT
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
