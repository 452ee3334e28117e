/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * From core/dns's answers to vectra.resolver's: addresses in core/net's encoding, and the parser's
 * and cache's outcomes as the errors a program acts on.
 */

#pragma once

#include <vectra/dns/Cache.h>
#include <vectra/resolver/Protocol.h>

namespace vectra::resolver {

/* An A (4 bytes) or AAAA (16) address as a vectra.socket Address with port 0. */
[[nodiscard]] net::Address address_of(dns::IpAddress const&);

/* `name-error` for NameError, `no-address` for NoData, nothing for an Answer. */
[[nodiscard]] ErrorOr<void> check_outcome(dns::Outcome);

/* A vectra.dns error (a whole lookup's end) as the resolver error it means to a program. */
[[nodiscard]] Error resolver_error_of(Error const&);

/* A name's presentation form as the protocol carries it. */
[[nodiscard]] NameText name_text(dns::Name const&);

/* The request's name as a dns::Name (`invalid-name` unless a host name). */
[[nodiscard]] ErrorOr<dns::Name> name_of(NameText const&);

}
