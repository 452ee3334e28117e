/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * hosted-block's Task: its footprint checked, its disk opened, vectra.block served to storaged
 * on the direct connection the manifest gives it, restarted by initd per its policy.
 */

#include <hostblk/Driver.h>
#include <vectra/Service.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/hosted_block.h>

VECTRA_TASK_ENTRY(hosted_block);

namespace {

/* Component data, which a restart of the Task does not reset: the injected fault fires once per boot. */
constinit vectra::block::FaultInjection s_fault { CONFIG_BLOCK_FAULT_AT_BLOCK };

}

namespace vectra::task_entries {

ErrorOr<i32> hosted_block(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::hosted_block)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto disk = TRY(bundle.take<DeviceCap>("disk"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto backend = TRY(hostblk::DiskBackend::open(std::move(disk)));
    /* A new memory object is zeroed: the source of write-zeroes as it is. */
    auto zeroes = TRY(system::create_memory(memory, hostblk::Driver::zero_bytes, RightRead | RightWrite));
    hostblk::Driver driver(backend, std::move(zeroes), &s_fault);
    auto connection = TRY(ServerConnection::bind(requests, replies, block::schema_id));
    TRY(endpoint::raise(ready));
    auto info = backend.info();
    TRY(print_line(console, "hosted-block: serving a disk of {} blocks of {} bytes{}", info.block_count, info.block_size,
        info.read_only ? " (read-only)" : ""));
    TRY(hostblk::serve(connection, driver));
    return 0;
}

}
