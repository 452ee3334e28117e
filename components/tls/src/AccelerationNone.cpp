/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Hosted and the host tests: BoringSSL is compiled with OPENSSL_NO_ASM (generic C), so it uses no
 * CPU feature, whatever the host has.
 */

#include <vectra/tls/Acceleration.h>

namespace vectra::tls {

Acceleration acceleration() { return Acceleration { .architecture = nullptr, .features = {}, .feature_count = 0 }; }

}
