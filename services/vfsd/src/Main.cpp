/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd's Task: the service pattern — its footprint checked, one Ring inbox, one signal wait per
 * loop (core/concurrent's serve), restarted by initd per its policy.
 */

#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/config.h>
#include <vectra/footprints/vfsd.h>
#include <vectra/TaskEntry.h>
#include <vfsd/Server.h>

VECTRA_TASK_ENTRY(vfsd);

namespace vectra::task_entries {

ErrorOr<i32> vfsd(Bundle& bundle)
{
    constexpr SignalBit request_bit { 0 };
    constexpr SignalBit space_bit { 1 };

    TRY(check_footprint(bundle, footprints::vfsd)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto inbox = TRY(RingReceiver::bind(requests, vfs::schema_id, request_bit));
    auto outbox = TRY(RingSender::bind(replies, vfs::schema_id, space_bit));
    auto tables = TRY(system::create_memory(memory, vfs::RamFilesystem::bytes_needed(CONFIG_VFSD_NODES, CONFIG_VFSD_BLOCKS)));
    auto* filesystem = TRY(vfs::RamFilesystem::try_create(TRY(system::map_memory(tables)), CONFIG_VFSD_NODES, CONFIG_VFSD_BLOCKS));
    TRY(system::raise(ready));
    TRY(print_line(console, "vfsd: serving {} nodes, {} blocks of {} bytes", CONFIG_VFSD_NODES, CONFIG_VFSD_BLOCKS,
        vfs::RamFilesystem::block_size));

    TRY(vfs::serve_connection(*filesystem, inbox, outbox));
    return 0;
}

}
