/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The PEM certificates and keys the self-test checks, made by make-certificates.sh when the
 * image or the host test is built and compiled in (embed-certificates.cmake); never committed.
 */

#pragma once

#include <string_view>
#include <vectra/Types.h>

namespace vectra::tls_selftest {

struct Identity {
    std::string_view certificate;
    std::string_view key;
};

struct Certificates {
    std::string_view ca; /* the only CA the client trusts */
    Identity server; /* tls.vectra.test, signed by the CA, valid from an hour before made_at for 10 years */
    Identity expired; /* tls.vectra.test, signed by the CA, valid on 2020-01-01 only */
    Identity stranger; /* tls.vectra.test, signed by a CA the client does not know */
    i64 made_at; /* Unix seconds: the time the client checks validity at */
};

[[nodiscard]] Certificates const& built_certificates();

}
