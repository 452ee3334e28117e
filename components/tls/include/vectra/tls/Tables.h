/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Which of BoringSSL's table sizes the image links (CONFIG_PORT_BORINGSSL_SMALL, ADR 0056). With
 * the small tables (OPENSSL_SMALL, as Android builds it) P-256 is portable C (fiat-crypto) and
 * X25519's fixed-base multiplication walks a small table; with the full ones P-256 is BoringSSL's
 * assembly (nistz256, with its table of precomputed points) wherever the image links assembly.
 * components/ports/boringssl decides; Tables*.cpp, picked by the same Kconfig symbol, report it.
 */

#pragma once

namespace vectra::tls {

enum class Tables {
    Small,
    Full,
};

[[nodiscard]] Tables tables();

/* "assembly (nistz256)" when the full tables and assembly are linked, else "portable C (fiat-crypto)". */
[[nodiscard]] char const* p256_implementation();

}
