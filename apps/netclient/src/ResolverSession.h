/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The dnsd session both of this folder's Tasks open: its pool carved from the Task's memory, the
 * client ends taken from the Bundle's `resolver-requests` and `resolver-replies`.
 */

#pragma once

#include <vectra/Bundle.h>
#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/resolver/Protocol.h>

namespace vectra::netclient {

using Resolver = session::SessionClient<resolver::Protocol>;

inline ErrorOr<Resolver> open_resolver(Bundle& bundle, ReticleCap const& memory)
{
    auto pool = TRY(endpoint::carve(memory, session::pool_size<resolver::Protocol>()));
    return Resolver::open(TRY(bundle.take<RingCap>("resolver-requests")), TRY(bundle.take<RingCap>("resolver-replies")), std::move(pool));
}

}
