/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * blk_check: storaged's sessions from a client's side, against the disk the image builder made
 * (images/blk/disks.json: partitions "raw" (raw.txt's eight blocks), "boot" (FAT32 from boot/),
 * "spare" (zeroes)). First as a well-behaved client — known bytes, a FAT32 boot sector, 32
 * writes in flight, flush, read back, the queue limit, the counters — then as an attacker on a
 * session of its own: past its partition's end, into other partitions by block number, wrapping
 * around, with no, small, offset and read-only buffers, selecting twice, and without selecting.
 * Blocks 100-131 tell whether an earlier boot on the same disk wrote them (oracle "boots": 2).
 * Each line printed is one the oracle expects.
 */

#include <string.h>
#include <vectra/Service.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/block/Client.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/footprints/blk_check.h>

VECTRA_TASK_ENTRY(blk_check);

namespace vectra::task_entries {

namespace {

using block::BlockError;

struct Listener {
    RingCap requests;
    RingCap replies;
};

ErrorOr<block::Client> open_session(Listener const& listener, ReticleCap const& memory)
{
    return block::Client::open(TRY(endpoint::attenuate(listener.requests, RightSend)),
        TRY(endpoint::attenuate(listener.replies, RightReceive)), memory);
}

char const* error_name(Error const& error)
{
    if (error.code() == ErrorCode::DomainError && error.domain() != nullptr && error.domain()->code_name != nullptr) {
        if (char const* name = error.domain()->code_name(error.domain_code()))
            return name;
    }
    return error_code_name(error.code());
}

template<typename T>
char const* outcome(ErrorOr<T> const& result)
{
    return result.is_error() ? error_name(result.error()) : "accepted";
}

ErrorOr<void> well_behaved(ConsoleCap const& console, ReticleCap const& memory, Listener const& listener)
{
    auto session = TRY(open_session(listener, memory));
    auto raw = TRY(session.select_partition("raw"));
    TRY(print_line(console, "blk-check: partition raw: {} blocks of {} bytes, queue limit {}, at most {} blocks a request",
        raw.block_count, raw.block_size, raw.queue_limit, raw.maximum_blocks));
    auto buffer = TRY(system::create_memory(memory, 64 * 512));
    auto bytes = TRY(system::map_memory(buffer));

    /* The builder's bytes: raw.txt's eight blocks, each naming itself. */
    TRY(session.read(0, 8, buffer));
    for (u32 block = 0; block < 8; ++block) {
        FixedString<64> expected;
        format_into(expected, "vectra blk: raw partition block {}, written by the image builder\n", block);
        if (memcmp(bytes.data() + block * 512, expected.view().data(), expected.length()) != 0)
            return Error(ErrorCode::InvalidArgument, "the raw partition does not hold what the builder wrote");
    }
    TRY(print_line(console, "blk-check: raw blocks 0-7 hold the builder's bytes"));

    /* What an earlier boot on the same disk left in blocks 100-131: nothing, or exactly what is written below. */
    TRY(session.read(100, 32, buffer));
    bool empty = true, previous = true;
    for (u32 index = 0; index < 32 * 512; ++index) {
        empty = empty && bytes[index] == 0;
        previous = previous && bytes[index] == u8(0x40 + index / 512);
    }
    if (!empty && !previous)
        return Error(ErrorCode::InvalidArgument, "blocks 100-131 hold neither zeroes nor an earlier boot's writes");
    TRY(print_line(console, "blk-check: blocks 100-131 hold {}", empty ? "no earlier boot's writes" : "the previous boot's writes"));

    /* 32 writes in flight at once, one block each, completed in whatever order. */
    for (u32 index = 0; index < 32; ++index)
        memset(bytes.data() + index * 512, int(0x40 + index), 512);
    u32 first_call = 0;
    for (u32 index = 0; index < 32; ++index) {
        u32 call = TRY(session.submit_write(100 + index, 1, buffer, index * 512));
        first_call = index == 0 ? call : first_call;
    }
    u64 seen = 0;
    for (u32 index = 0; index < 32; ++index) {
        auto completion = TRY(session.complete());
        TRY(completion.result);
        u32 which = completion.call_id - first_call;
        if (which >= 32 || (seen & (u64(1) << which)) != 0)
            return Error(ErrorCode::InvalidArgument, "a completion for no request, or twice");
        seen |= u64(1) << which;
    }
    TRY(session.flush());
    memset(bytes.data(), 0, 32 * 512);
    for (u32 index = 0; index < 32; ++index)
        (void)TRY(session.submit_read(100 + index, 1, buffer, index * 512));
    for (u32 index = 0; index < 32; ++index)
        TRY(TRY(session.complete()).result);
    for (u32 index = 0; index < 32 * 512; ++index) {
        if (bytes[index] != u8(0x40 + index / 512))
            return Error(ErrorCode::InvalidArgument, "a block read back differs from what was written");
    }
    TRY(print_line(console, "blk-check: 32 writes in flight completed once each, flushed, read back equal"));

    /* The last block is the partition's; one more is not. */
    TRY(session.read(raw.block_count - 1, 1, buffer));
    TRY(print_line(console, "blk-check: last block {} read; block {}: {}; blocks {}-{}: {}", raw.block_count - 1,
        raw.block_count, outcome(session.read(raw.block_count, 1, buffer)), raw.block_count - 1, raw.block_count,
        outcome(session.read(raw.block_count - 1, 2, buffer))));

    /* One request more than the queue limit, sent before storaged runs: that one is refused. */
    u32 refused = 0, completed = 0;
    for (u32 index = 0; index < u32(raw.queue_limit) + 1; ++index)
        (void)TRY(session.submit_read(index % 8, 1, buffer, (index % 64) * 512));
    for (u32 index = 0; index < u32(raw.queue_limit) + 1; ++index) {
        auto completion = TRY(session.complete());
        if (completion.result.is_error() && completion.result.error().is(BlockError::TooManyInFlight))
            ++refused;
        else if (!completion.result.is_error())
            ++completed;
    }
    auto counters = TRY(session.counters());
    TRY(print_line(console, "blk-check: {} reads at once: {} completed, {} too-many-in-flight; peak {} in flight", raw.queue_limit + 1,
        completed, refused, counters.in_flight_peak));
    u32 histogram = 0;
    for (u32 count : counters.latency)
        histogram += count;
    TRY(print_line(console, "blk-check: counters: {} reads, {} writes, {} flushes, {} refused, {} bytes read, {} written, {} latencies",
        counters.reads, counters.writes, counters.flushes, counters.refused, counters.bytes_read, counters.bytes_written,
        histogram));

    /* The FAT32 partition mkfs.fat made: its boot sector. */
    auto boot_session = TRY(open_session(listener, memory));
    auto boot = TRY(boot_session.select_partition("boot"));
    TRY(boot_session.read(0, 1, buffer));
    bool fat32 = memcmp(bytes.data() + 82, "FAT32   ", 8) == 0 && bytes[510] == 0x55 && bytes[511] == 0xAA;
    TRY(print_line(console, "blk-check: partition boot: {} blocks; block 0 is a FAT32 boot sector: {}, label \"{}\"",
        boot.block_count, fat32 ? "yes" : "no", std::string_view(reinterpret_cast<char const*>(bytes.data() + 71), 11)));
    if (!fat32)
        return Error(ErrorCode::InvalidArgument, "the boot partition does not start with a FAT32 boot sector");
    return {};
}

/*
 * 64 requests in flight through two sessions while the driver dies: the image's fault injection
 * (CONFIG_BLOCK_FAULT_AT_BLOCK, images/blk/defconfig) ends the driver on the write of disk block
 * 3092 (raw block 1044), the 21st of 32 writes to raw blocks 1024-1055 sent alongside 32 reads
 * of the builder's bytes. initd restarts the driver; storaged sends what had no reply again.
 * Every request must complete once, the reads hold the builder's bytes and the writes read back.
 */
constexpr u64 restart_first_block = 1024;
constexpr u32 restart_requests = 32; /* per session: the queue limit */

/* Each of `calls` completes once, successfully, and nothing more comes. */
ErrorOr<bool> each_completes_once(block::Client& session, std::span<u32 const> calls)
{
    u64 seen = 0;
    for (usize each = 0; each < calls.size(); ++each) {
        auto completion = TRY(session.complete(Duration::from_seconds(20)));
        TRY(completion.result);
        usize which = 0;
        while (which < calls.size() && calls[which] != completion.call_id)
            ++which;
        if (which == calls.size() || (seen & (u64(1) << which)) != 0)
            return false;
        seen |= u64(1) << which;
    }
    auto extra = session.complete(Duration::from_milliseconds(100));
    return extra.is_error() && extra.error().is(ErrorCode::TimedOut);
}

ErrorOr<void> across_driver_restart(ConsoleCap const& console, ReticleCap const& memory, Listener const& listener)
{
    auto writer = TRY(open_session(listener, memory));
    auto reader = TRY(open_session(listener, memory));
    TRY(writer.select_partition("raw"));
    TRY(reader.select_partition("raw"));
    auto written = TRY(system::create_memory(memory, restart_requests * 512));
    auto read = TRY(system::create_memory(memory, restart_requests * 512));
    auto written_bytes = TRY(system::map_memory(written));
    auto read_bytes = TRY(system::map_memory(read));
    /* A pattern that differs from what the blocks hold now (an earlier boot's): a lost write shows. */
    TRY(writer.read(restart_first_block, 1, written));
    u8 seed = u8(written_bytes[0] + 1);
    for (u32 index = 0; index < restart_requests * 512; ++index)
        written_bytes[index] = u8(seed + index / 512 + index % 7);
    u32 write_calls[restart_requests];
    u32 read_calls[restart_requests];
    for (u32 index = 0; index < restart_requests; ++index) {
        write_calls[index] = TRY(writer.submit_write(restart_first_block + index, 1, written, index * 512));
        read_calls[index] = TRY(reader.submit_read(index % 8, 1, read, index * 512));
    }
    bool once = TRY(each_completes_once(writer, write_calls)) && TRY(each_completes_once(reader, read_calls));
    if (!once)
        return Error(ErrorCode::InvalidArgument, "a request across the driver's restart completed twice, or for no request");
    for (u32 index = 0; index < restart_requests; ++index) {
        FixedString<64> expected;
        format_into(expected, "vectra blk: raw partition block {}, written by the image builder\n", index % 8);
        if (memcmp(read_bytes.data() + index * 512, expected.view().data(), expected.length()) != 0)
            return Error(ErrorCode::InvalidArgument, "a read across the driver's restart does not hold the builder's bytes");
    }
    TRY(reader.read(restart_first_block, restart_requests, read));
    if (memcmp(read_bytes.data(), written_bytes.data(), restart_requests * 512) != 0)
        return Error(ErrorCode::InvalidArgument, "a write across the driver's restart did not land");
    return print_line(console, "blk-check: {} requests outstanding across the driver's restart: each completed once; the writes read back equal, the reads hold the builder's bytes",
        2 * restart_requests);
}

ErrorOr<u32> attacker(ConsoleCap const& console, ReticleCap const& memory, Listener const& listener)
{
    u32 accepted = 0;
    auto expect = [&](char const* what, auto const& result, BlockError wanted) -> ErrorOr<void> {
        bool refused = result.is_error() && result.error().is(wanted);
        accepted += refused ? 0 : 1;
        return print_line(console, "blk-attacker: {}: {}", what, outcome(result));
    };
    auto unselected = TRY(open_session(listener, memory));
    auto buffer = TRY(system::create_memory(memory, 16 * 512));
    TRY(expect("read before selecting a partition", unselected.read(0, 1, buffer), BlockError::NoPartitionSelected));
    TRY(expect("select a partition that does not exist", unselected.select_partition("efi"), BlockError::NoSuchPartition));

    auto session = TRY(open_session(listener, memory));
    auto raw = TRY(session.select_partition("raw"));
    auto bytes = TRY(system::map_memory(buffer));
    memset(bytes.data(), 0xA5, bytes.size());
    u64 end = raw.block_count;
    TRY(expect("read the block after its partition", session.read(end, 1, buffer), BlockError::OutOfRange));
    TRY(expect("read across its partition's end", session.read(end - 8, 16, buffer), BlockError::OutOfRange));
    TRY(expect("write the next partition's first block", session.write(end, 1, buffer), BlockError::OutOfRange));
    TRY(expect("write spare's blocks by number", session.write(86016 - 2048, 8, buffer), BlockError::OutOfRange));
    TRY(expect("write wrapping around 2^64 onto block 0", session.write(~u64(0) - 2047, 8, buffer), BlockError::OutOfRange));
    TRY(expect("write-zeroes past its end", session.write_zeroes(end - 1, 2), BlockError::OutOfRange));
    TRY(expect("read 0 blocks", session.read(0, 0, buffer), BlockError::TooManyBlocks));
    TRY(expect("read more blocks than a request may name", session.read(0, raw.maximum_blocks + 1, buffer),
        BlockError::TooManyBlocks));
    auto small = TRY(system::create_memory(memory, 512));
    TRY(expect("read 2 blocks into 512 bytes", session.read(0, 2, small), BlockError::BufferUnusable));
    TRY(expect("read at an offset past its buffer", session.read(0, 1, buffer, 16 * 512), BlockError::BufferUnusable));
    {
        /* A read whose MemCap copy carries no write: nothing can land in it. */
        u8 request[protocol::payload_capacity<block::Protocol>];
        u32 call = session.next_call_id();
        usize length = TRY(protocol::encode_request<block::Protocol>(block::Read { 0, 1, 0 }, call, request));
        TRY(session.connection().send(std::span<u8 const>(request, length), buffer, RightRead | RightGrant,
            deadline_after(Duration::from_seconds(5))));
        auto completion = TRY(session.complete());
        TRY(expect("read into a copy without write", ErrorOr<void>(std::move(completion.result)), BlockError::BufferUnusable));
        /* A read that carries no memory at all. */
        call = session.next_call_id();
        length = TRY(protocol::encode_request<block::Protocol>(block::Read { 0, 1, 0 }, call, request));
        TRY(session.connection().send(std::span<u8 const>(request, length), deadline_after(Duration::from_seconds(5))));
        completion = TRY(session.complete());
        TRY(expect("read with no MemCap", ErrorOr<void>(std::move(completion.result)), BlockError::BufferUnusable));
    }
    TRY(expect("select a second partition", session.select_partition("spare"), BlockError::PartitionAlreadySelected));
    /* Nothing it tried landed: spare is still zeroes (read through a session of its own). */
    auto spare_session = TRY(open_session(listener, memory));
    TRY(spare_session.select_partition("spare"));
    TRY(spare_session.read(0, 16, buffer));
    bool zero = true;
    for (u8 byte : bytes)
        zero = zero && byte == 0;
    TRY(print_line(console, "blk-attacker: {} of its requests accepted; spare's first 16 blocks {}", accepted,
        zero ? "still zero" : "CHANGED"));
    return zero ? accepted : accepted + 1;
}

}

ErrorOr<i32> blk_check(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::blk_check)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    Listener listener { TRY(bundle.take<RingCap>("storage-requests")), TRY(bundle.take<RingCap>("storage-replies")) };
    TRY(well_behaved(console, memory, listener));
    TRY(across_driver_restart(console, memory, listener));
    u32 accepted = TRY(attacker(console, memory, listener));
    TRY(print_line(console, "blk-check: {}", accepted == 0 ? "every attack refused" : "an attack was not refused"));
    return accepted == 0 ? 0 : 1;
}

}
