/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * P-256's implementation follows from the two build decisions (Tables.h): ec.c takes the nistz256
 * method only with assembly on x86_64 or aarch64 and without OPENSSL_SMALL.
 */

#include <vectra/tls/Acceleration.h>
#include <vectra/tls/Tables.h>

namespace vectra::tls {

char const* p256_implementation()
{
    if (tables() == Tables::Full && acceleration().architecture != nullptr)
        return "assembly (nistz256)";
    return "portable C (fiat-crypto)";
}

}
