/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd's Task: the service pattern — its footprint checked, one Ring inbox, one signal wait per
 * loop (core/concurrent's serve), restarted by initd per its policy.
 */

#include <vectra/Service.h>
#include <vectra/Signal.h>
#include <vectra/Try.h>
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
    constexpr SignalBit request_bit { 0 };
    constexpr SignalBit space_bit { 1 };

    TRY(check_footprint(bundle, footprint));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto& self = this_task();
    auto& space = self.capabilities();
    auto inbox = TRY(RingReceiver::bind(space, requests, vfs::schema_id, self.signals(), request_bit));
    auto outbox = TRY(RingSender::bind(space, replies, vfs::schema_id, self.signals(), space_bit));
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    auto* filesystem = TRY(vfs::RamFilesystem::try_create(*reticle, CONFIG_VFSD_NODES, CONFIG_VFSD_BLOCKS));
    TRY(raise(space, ready));
    TRY(print_line(console, "vfsd: serving {} nodes, {} blocks of {} bytes", CONFIG_VFSD_NODES, CONFIG_VFSD_BLOCKS,
        vfs::RamFilesystem::block_size));

    TRY(vfs::serve_connection(*filesystem, inbox, outbox));
    return 0;
}

}
