/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * storaged's Task: its footprint checked, the driver's disk opened and its GPT read, then one
 * vectra.block session per partition served through its listener (storaged/Storage.h).
 */

#include <new>
#include <storaged/Storage.h>
#include <vectra/Service.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/storaged.h>

VECTRA_TASK_ENTRY(storaged);

namespace vectra::task_entries {

ErrorOr<i32> storaged(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::storaged)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto disk_requests = TRY(bundle.take<RingCap>("disk-requests"));
    auto disk_replies = TRY(bundle.take<RingCap>("disk-replies"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto placed = TRY(endpoint::memory(memory, storaged::storage_bytes()));
    auto* storage = new (placed.data()) storaged::Storage();
    auto bounce = TRY(system::create_memory(memory, 4096));
    storaged::Settings settings { CONFIG_STORAGED_SESSIONS, static_cast<u16>(CONFIG_STORAGED_QUEUE_LIMIT), &console };
    TRY(storage->start(std::move(disk_requests), std::move(disk_replies), std::move(bounce), settings));

    auto const& disk = storage->disk();
    auto const& table = storage->table();
    TRY(print_line(console, "storaged: disk of {} blocks of {} bytes, GPT with {} partitions{}{}", disk.block_count,
        disk.block_size, table.used().size(), table.primary_problem ? "; primary table damaged: " : "",
        table.primary_problem ? table.primary_problem : ""));
    for (auto const& partition : table.used())
        TRY(print_line(console, "storaged: partition {} \"{}\": blocks {}-{} ({} KiB)", partition.entry + 1,
            partition.name.view(), partition.first_block, partition.last_block,
            partition.block_count() * disk.block_size / 1024));
    TRY(endpoint::raise(ready));
    TRY(print_line(console, "storaged: serving each partition as a vectra.block session, up to {} sessions of {} requests in flight",
        settings.sessions, settings.queue_limit));
    auto served = storage->serve(std::move(requests), std::move(replies));
    if (served.is_error()) {
        TRY(print_line(console, "storaged: ending: {} ({})", error_code_name(served.error().code()), served.error().message()));
        return served.release_error();
    }
    return 0;
}

}
