/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * BoringSSL compiled with OPENSSL_SMALL (CONFIG_PORT_BORINGSSL_SMALL=y).
 */

#include <vectra/tls/Tables.h>

namespace vectra::tls {

Tables tables() { return Tables::Small; }

}
