/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd's Task: the service pattern — its footprint checked, a listener and its sessions served
 * from one loop (core/concurrent's sessions), restarted by initd per its policy. This entry
 * serves the RAM tree alone (no configuration: `ram` at `/`); vfsd_disks (MainDisks.cpp) adds block
 * mounts from the configuration its manifest entry gives it (ADR 0037).
 */

#include "Start.h"
#include <new>
#include <vectra/Configuration.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/vfsd.h>

VECTRA_TASK_ENTRY(vfsd);

namespace vectra::vfs {

ErrorOr<Started> start(Bundle& bundle, ConfiguredBackends configured, bool has_configuration)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    auto placed = TRY(endpoint::memory(memory, service_bytes(CONFIG_VFSD_NODES, CONFIG_VFSD_BLOCKS) + sizeof(MountTable) + 64));
    uptr table = align_up(reinterpret_cast<uptr>(placed.data()) + service_bytes(CONFIG_VFSD_NODES, CONFIG_VFSD_BLOCKS), alignof(MountTable));
    auto* mounts = new (reinterpret_cast<void*>(table)) MountTable();
    auto built = has_configuration ? mount_table_from(TRY(take_slot_message(bundle, configuration_slot_name)), configured, *mounts)
                                   : mount_table_from(MountConfiguration {}, configured, *mounts);
    if (built.is_error()) {
        TRY(print_line(console, "vfsd: the mount table in its configuration is refused: {}", built.error().message()));
        return built.release_error();
    }
    auto service = TRY(create_service(placed, CONFIG_VFSD_NODES, CONFIG_VFSD_BLOCKS));
    return Started { std::move(console), std::move(memory), std::move(requests), std::move(replies), std::move(ready), service,
        mounts };
}

ErrorOr<i32> serve(Started& started)
{
    TRY(endpoint::raise(started.ready));
    TRY(print_line(started.console, "vfsd: serving {} nodes, {} blocks of {} bytes, up to {} sessions", CONFIG_VFSD_NODES,
        CONFIG_VFSD_BLOCKS, RamFilesystem::block_size, session_limits.sessions));
    TRY(serve_sessions(started.service, std::move(started.requests), std::move(started.replies)));
    return 0;
}

}

namespace vectra::task_entries {

ErrorOr<i32> vfsd(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::vfsd)); /* generated from footprint.json */
    auto started = TRY(vfs::start(bundle, {}, false)); /* no configuration: ram at / alone */
    return vfs::serve(started);
}

}
