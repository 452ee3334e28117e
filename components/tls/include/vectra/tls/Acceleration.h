/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What BoringSSL's assembly uses on this CPU: the capability vector BoringSSL itself reads
 * (OPENSSL_ia32cap_P from cpuid on x86_64, OPENSSL_armcap_P on aarch64), named feature by
 * feature, or that the library was built without assembly (OPENSSL_NO_ASM: generic C).
 * components/ports/boringssl decides which, per platform; ADR 0030's amendment says why.
 */

#pragma once

#include <array>
#include <span>
#include <vectra/Types.h>

namespace vectra::tls {

struct Feature {
    char const* name;
    bool present;
};

struct Acceleration {
    char const* architecture; /* nullptr: built without assembly */
    std::array<Feature, 6> features;
    usize feature_count;

    std::span<Feature const> used() const { return { features.data(), feature_count }; }
};

/* The vector BoringSSL dispatches on, read after its own CPU probe has run. */
[[nodiscard]] Acceleration acceleration();

}
