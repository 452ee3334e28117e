/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * blk_bench: block throughput as a client of storaged sees it, for `./vectra bench`'s guest
 * group (ADR 0028). On a session of partition "bench" (images/blk-bench/disks.json) it writes
 * the partition's first CONFIG_BLKBENCH_SEQUENTIAL_MIB MiB in 1 MiB requests one at a time,
 * reads them back the same way (each MiB's stamp checked), then makes
 * CONFIG_BLKBENCH_RANDOM_READS reads of 4 KiB at random 4 KiB-aligned places in that range with
 * 32 in flight. Each run is timed with the monotonic clock (the scaled cycle counter: the TSC on
 * x86_64, the generic timer on aarch64) and printed as one line:
 *
 *   blk-bench: <run>: <bytes> bytes in <requests> requests of <size> bytes at queue depth <n>: <ns> ns
 *
 * which tools/vectra/bench_guest.py parses. A request that fails ends the Task with its error.
 */

#include <string.h>
#include <vectra/ClockAndEntropy.h>
#include <vectra/Service.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/block/Client.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/footprints/blk_bench.h>

VECTRA_TASK_ENTRY(blk_bench);

namespace vectra::task_entries {

namespace {

constexpr u64 sequential_request_bytes = 1 * MiB;
constexpr u64 random_request_bytes = 4 * KiB;
constexpr u32 random_depth = 32;

/* What one run did, as the line the harness parses says it. */
struct Run {
    char const* name;
    u64 bytes;
    u64 requests;
    u64 request_bytes;
    u32 depth;
    u64 nanoseconds;
};

ErrorOr<void> report(ConsoleCap const& console, Run const& run)
{
    return print_line(console, "blk-bench: {}: {} bytes in {} requests of {} bytes at queue depth {}: {} ns", run.name,
        run.bytes, run.requests, run.request_bytes, run.depth, run.nanoseconds);
}

/* The stamp at both ends of MiB `index`: a read that returns other bytes is an error, not a number. */
u64 stamp_of(u64 index) { return 0x626c6b2d62656e63ull ^ (index * 0x9e3779b97f4a7c15ull); }

/* xorshift64: the random reads' places, the same every boot. */
u64 next_random(u64& state)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

ErrorOr<void> sequential(ConsoleCap const& console, block::Client& session, block::Geometry const& geometry,
    MemCap const& buffer, std::span<u8> bytes, u64 mebibytes, bool writing)
{
    u32 blocks = static_cast<u32>(sequential_request_bytes / geometry.block_size);
    u64 started = system::monotonic_nanoseconds();
    for (u64 index = 0; index < mebibytes; ++index) {
        u64 stamp = stamp_of(index);
        if (writing) {
            memcpy(bytes.data(), &stamp, sizeof(stamp));
            memcpy(bytes.data() + sequential_request_bytes - sizeof(stamp), &stamp, sizeof(stamp));
            TRY(session.write(index * blocks, blocks, buffer));
            continue;
        }
        memset(bytes.data(), 0, sizeof(stamp));
        memset(bytes.data() + sequential_request_bytes - sizeof(stamp), 0, sizeof(stamp));
        TRY(session.read(index * blocks, blocks, buffer));
        if (memcmp(bytes.data(), &stamp, sizeof(stamp)) != 0
            || memcmp(bytes.data() + sequential_request_bytes - sizeof(stamp), &stamp, sizeof(stamp)) != 0)
            return Error(ErrorCode::InvalidArgument, "a MiB read back differs from what was written");
    }
    u64 elapsed = system::monotonic_nanoseconds() - started;
    return report(console, { writing ? "sequential-write" : "sequential-read", mebibytes * sequential_request_bytes,
                               mebibytes, sequential_request_bytes, 1, elapsed });
}

ErrorOr<void> random_reads(ConsoleCap const& console, block::Client& session, block::Geometry const& geometry,
    MemCap const& buffer, u64 mebibytes, u64 reads)
{
    u32 blocks = static_cast<u32>(random_request_bytes / geometry.block_size);
    u64 places = mebibytes * (sequential_request_bytes / random_request_bytes);
    u64 state = 0x2026'0028'b10c'4b1dull;
    /* Buffer slot n holds the read whose call id is call_of[n]; a completion frees its slot for the next read. */
    u32 call_of[random_depth] {};
    u64 sent = 0;
    u64 started = system::monotonic_nanoseconds();
    auto send = [&](u32 slot) -> ErrorOr<void> {
        u64 place = next_random(state) % places;
        call_of[slot] = TRY(session.submit_read(place * blocks, blocks, buffer, slot * random_request_bytes));
        ++sent;
        return {};
    };
    for (u32 slot = 0; slot < random_depth && sent < reads; ++slot)
        TRY(send(slot));
    for (u64 done = 0; done < reads; ++done) {
        auto completion = TRY(session.complete());
        TRY(completion.result);
        u32 slot = 0;
        while (slot < random_depth && call_of[slot] != completion.call_id)
            ++slot;
        if (slot == random_depth)
            return Error(ErrorCode::InvalidArgument, "a completion for a read not in flight");
        call_of[slot] = 0;
        if (sent < reads)
            TRY(send(slot));
    }
    u64 elapsed = system::monotonic_nanoseconds() - started;
    return report(console, { "random-read", reads * random_request_bytes, reads, random_request_bytes, random_depth, elapsed });
}

}

ErrorOr<i32> blk_bench(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::blk_bench)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("storage-requests"));
    auto replies = TRY(bundle.take<RingCap>("storage-replies"));
    auto session = TRY(block::Client::open(TRY(endpoint::attenuate(requests, RightSend)),
        TRY(endpoint::attenuate(replies, RightReceive)), memory));
    auto geometry = TRY(session.select_partition("bench"));
    u64 mebibytes = CONFIG_BLKBENCH_SEQUENTIAL_MIB;
    u64 reads = CONFIG_BLKBENCH_RANDOM_READS;
    TRY(print_line(console, "blk-bench: partition bench: {} blocks of {} bytes, queue limit {}, at most {} blocks a request",
        geometry.block_count, geometry.block_size, geometry.queue_limit, geometry.maximum_blocks));
    if (geometry.block_count * geometry.block_size < mebibytes * MiB || geometry.queue_limit < random_depth
        || u64(geometry.maximum_blocks) * geometry.block_size < sequential_request_bytes)
        return Error(ErrorCode::InvalidArgument, "partition bench is too small, or its session takes too few or too small requests");

    auto large = TRY(system::create_memory(memory, sequential_request_bytes));
    auto large_bytes = TRY(system::map_memory(large));
    for (usize index = 0; index < large_bytes.size(); ++index)
        large_bytes[index] = static_cast<u8>(index * 7);
    TRY(sequential(console, session, geometry, large, large_bytes, mebibytes, true));
    TRY(sequential(console, session, geometry, large, large_bytes, mebibytes, false));
    auto small = TRY(system::create_memory(memory, random_depth * random_request_bytes));
    TRY(random_reads(console, session, geometry, small, mebibytes, reads));
    TRY(print_line(console, "blk-bench: done"));
    return 0;
}

}
