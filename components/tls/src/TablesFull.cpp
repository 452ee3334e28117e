/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * BoringSSL compiled without OPENSSL_SMALL (CONFIG_PORT_BORINGSSL_SMALL=n): a server's image.
 */

#include <vectra/tls/Tables.h>

namespace vectra::tls {

Tables tables() { return Tables::Full; }

}
