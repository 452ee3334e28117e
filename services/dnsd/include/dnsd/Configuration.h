/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * dnsd's server address from its configuration text (Kconfig's CONFIG_DNSD_SERVER for now; the
 * manifest later): dotted-quad IPv4 only, each part 0–255 without leading zeros.
 */

#pragma once

#include <string_view>
#include <vectra/net/Protocol.h>

namespace vectra::dnsd {

/* `invalid-argument` unless `text` is a dotted-quad IPv4 address. */
[[nodiscard]] ErrorOr<net::Address> parse_server(std::string_view text, u16 port);

}
