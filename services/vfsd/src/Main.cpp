/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd's Task: the service pattern — its footprint checked, a listener and its sessions served
 * from one loop (core/concurrent's sessions), restarted by initd per its policy.
 */

#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/vfsd.h>
#include <vectra/TaskEntry.h>
#include <vfsd/Server.h>

VECTRA_TASK_ENTRY(vfsd);

namespace vectra::task_entries {

ErrorOr<i32> vfsd(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::vfsd)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto placed = TRY(endpoint::memory(memory, vfs::service_bytes(CONFIG_VFSD_NODES, CONFIG_VFSD_BLOCKS)));
    auto service = TRY(vfs::create_service(placed, CONFIG_VFSD_NODES, CONFIG_VFSD_BLOCKS));
    TRY(endpoint::raise(ready));
    TRY(print_line(console, "vfsd: serving {} nodes, {} blocks of {} bytes, up to {} sessions", CONFIG_VFSD_NODES,
        CONFIG_VFSD_BLOCKS, vfs::RamFilesystem::block_size, vfs::session_limits.sessions));

    TRY(vfs::serve_sessions(service, std::move(requests), std::move(replies)));
    return 0;
}

}
