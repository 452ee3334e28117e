/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd's Task: the service pattern — its footprint checked, a listener and its sessions served
 * from one loop (core/concurrent's sessions), restarted by initd per its policy.
 */

#include <vectra/Service.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Entries.h>
#include <vfsd/Server.h>

namespace vectra::task_entries {

namespace {

/* Kept in step with footprint.json, which the build checks boot manifests against. */
constexpr SlotRequirement footprint[] = {
    { "console", CapabilityClass::Device, RightWrite },
    { "memory", CapabilityClass::Reticle, RightRetype },
    { "requests", CapabilityClass::Ring, RightReceive },
    { "replies", CapabilityClass::Ring, RightSend },
    { "ready", CapabilityClass::Signal, RightRaise },
};

}

ErrorOr<i32> vfsd(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprint));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto* reticle = TRY(endpoint::reticle(memory));
    auto service = TRY(vfs::create_service(*reticle, CONFIG_VFSD_NODES, CONFIG_VFSD_BLOCKS));
    TRY(endpoint::raise(ready));
    TRY(print_line(console, "vfsd: serving {} nodes, {} blocks of {} bytes, up to {} sessions", CONFIG_VFSD_NODES,
        CONFIG_VFSD_BLOCKS, vfs::RamFilesystem::block_size, vfs::session_limits.sessions));

    TRY(vfs::serve_sessions(service, std::move(requests), std::move(replies)));
    return 0;
}

}
