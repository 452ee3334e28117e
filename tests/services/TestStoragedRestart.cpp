/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * storaged across a block driver's death: a driver Task that answers some writes, takes more and
 * dies without replying; a supervisor (as initd does) resets the driver's Rings and starts a new
 * instance. storaged must send every request without a reply again, in the order it first sent
 * them, inside the client's partition, and deliver each completion to its client exactly once —
 * while the new instance replays replies for call ids already answered and answers everything
 * twice. The disk is made by sgdisk and served from memory.
 */

#include "../core/BlockDisks.h"
#include "../core/FsTestTasks.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <hostblk/Driver.h>
#include <new>
#include <optional>
#include <storaged/Storage.h>
#include <vector>
#include <vectra/Connection.h>
#include <vectra/block/Client.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Ring.h>

using namespace vectra;

namespace {

using P = block::Protocol;

constexpr u64 disk_bytes = 4 * MiB;
constexpr u64 raw_first = 2048; /* partition "raw": disk blocks 2048-4095 */
constexpr u64 raw_end = 4096;
constexpr u32 writes = 32;                /* at once: the session's queue limit */
constexpr u32 later_writes = 4;           /* one more as each of the first completes: in slots freed early */
constexpr u32 all_writes = writes + later_writes;
constexpr u32 answered_before_death = 8; /* writes the first instance answers */
constexpr u32 taken_at_death = 4;        /* writes it takes after those, and dies holding */

/* A request a driver instance took: what it was, and where on the disk. */
struct Taken {
    u32 instance;
    u16 message;
    u32 call_id;
    u64 block;
    u32 count;
};

/* The disk, what each driver instance saw, and the call ids it answered. */
struct DriverState {
    std::vector<u8> disk;
    std::vector<Taken> taken;
    std::vector<u32> answered_writes; /* by the first instance */
    std::vector<u32> answered_reads;  /* by the second */
    u32 instances { 0 };
    u32 writes_taken { 0 };
    u32 stale_replies_sent { 0 };
};
DriverState s_driver;

class MemoryBackend final : public hostblk::Backend {
public:
    system::DiskInfo info() const override { return { 512, s_driver.disk.size() / 512, false }; }
    ErrorOr<void> read(MemCap const& memory, u64 offset, u64 first, u32 count) override
    {
        auto bytes = TRY(system::map_memory(memory));
        std::memcpy(bytes.data() + offset, s_driver.disk.data() + first * 512, usize(count) * 512);
        return {};
    }
    ErrorOr<void> write(MemCap const& memory, u64 offset, u64 first, u32 count) override
    {
        auto bytes = TRY(system::map_memory_read_only(memory));
        std::memcpy(s_driver.disk.data() + first * 512, bytes.data() + offset, usize(count) * 512);
        return {};
    }
    ErrorOr<void> flush() override { return {}; }
};

template<typename Request>
constexpr u16 number_of = static_cast<u16>(protocol::index_of<P, Request>() + 1);

Taken describe(u32 instance, std::span<u8 const> request)
{
    auto envelope = protocol::read_envelope(request).value();
    Taken taken { instance, envelope.message, envelope.call_id, 0, 0 };
    if (envelope.message == number_of<block::Read>) {
        block::Read body;
        if (!protocol::decode_body(request, body).is_error())
            taken.block = body.block, taken.count = body.count;
    }
    if (envelope.message == number_of<block::Write>) {
        block::Write body;
        if (!protocol::decode_body(request, body).is_error())
            taken.block = body.block, taken.count = body.count;
    }
    return taken;
}

ErrorOr<void> send(ServerConnection& connection, std::span<u8 const> reply)
{
    for (;;) {
        auto sent = connection.outbox().try_send(reply);
        if (!sent.is_error())
            return {};
        if (sent.error().code() != ErrorCode::Full)
            return sent.release_error();
        (void)endpoint::wait(connection.outbox().space_bit().mask());
    }
}

/* An io-error reply for a call id already answered: storaged must drop it. */
ErrorOr<void> send_stale(ServerConnection& connection, u16 message, u32 call_id)
{
    u8 reply[protocol::envelope_size];
    usize length = protocol::encode_status_reply(reply, message, call_id,
        protocol::status_of<P>(Error(block::BlockError::IoError, "stale"), block::domain));
    ++s_driver.stale_replies_sent;
    return send(connection, std::span<u8 const>(reply, length));
}

/*
 * The driver: the hosted driver's handlers over the memory disk. The first instance answers
 * `answered_before_death` writes (yielding after each, so storaged takes the reply), takes
 * `taken_at_death` more and dies holding them. The second replays an io-error reply for every
 * call id the first answered, answers each request twice, and before each batch replays an
 * io-error reply for every read it answered so far.
 */
ErrorOr<i32> driver(Bundle& bundle)
{
    u32 instance = s_driver.instances++;
    auto connection = TRY(ServerConnection::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        block::schema_id));
    MemoryBackend backend;
    hostblk::Driver handlers(backend, MemCap());
    if (instance == 1) {
        for (u32 call_id : s_driver.answered_writes)
            TRY(send_stale(connection, number_of<block::Write>, call_id));
    }
    u8 request[protocol::payload_capacity<P>];
    u8 reply[protocol::payload_capacity<P>];
    for (;;) {
        (void)endpoint::wait(connection.inbox().doorbell().mask());
        if (instance == 1) {
            for (u32 call_id : s_driver.answered_reads)
                TRY(send_stale(connection, number_of<block::Read>, call_id));
        }
        for (;;) {
            auto received = endpoint::receive(connection.inbox(), request);
            if (received.is_error()) {
                if (received.error().code() == ErrorCode::Empty)
                    break;
                return received.release_error();
            }
            std::span<u8 const> bytes(request, received.value().length);
            Taken taken = describe(instance, bytes);
            s_driver.taken.push_back(taken);
            bool write = taken.message == number_of<block::Write>;
            if (instance == 0 && write && ++s_driver.writes_taken > answered_before_death) {
                if (s_driver.writes_taken == answered_before_death + taken_at_death)
                    Executor::current().fail_current(ExitCause::Faulted, "died holding requests", 0);
                continue; /* taken, never answered */
            }
            protocol::MessageCapabilities capabilities;
            if (received.value().has_capability)
                capabilities.received = received.value().capability;
            usize length = protocol::dispatch<P>(handlers, bytes, reply, capabilities);
            if (received.value().has_capability)
                endpoint::discard(received.value().capability);
            TRY(send(connection, std::span<u8 const>(reply, length)));
            if (instance == 0 && write) {
                s_driver.answered_writes.push_back(taken.call_id);
                system::yield();
            }
            if (instance == 1) {
                TRY(send(connection, std::span<u8 const>(reply, length))); /* a duplicate */
                if (taken.message == number_of<block::Read>)
                    s_driver.answered_reads.push_back(taken.call_id);
            }
        }
    }
}

storaged::Storage* s_storage = nullptr;

ErrorOr<i32> storaged_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto placed = TRY(endpoint::memory(memory, storaged::storage_bytes()));
    s_storage = new (placed.data()) storaged::Storage();
    auto bounce = TRY(system::create_memory(memory, 4096));
    TRY(s_storage->start(TRY(bundle.take<RingCap>("disk-requests")), TRY(bundle.take<RingCap>("disk-replies")),
        std::move(bounce), storaged::Settings { 4, 32 }));
    TRY(s_storage->serve(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies"))));
    return 0;
}

u8 pattern(u32 block, u32 index) { return u8(block * 7 + index % 251 + 1); }

/*
 * Each call id completes once; every one of `calls` completes, successfully but for `refused`
 * (buffer-unusable). After each completion, `submit_more` may add a request (its call id, or none).
 */
template<typename SubmitMore>
ErrorOr<bool> complete_each_once(block::Client& session, std::vector<u32>& calls, SubmitMore submit_more, u32 const* refused = nullptr)
{
    std::vector<u32> seen;
    while (seen.size() < calls.size()) {
        auto completion = TRY(session.complete());
        bool unusable = completion.result.is_error() && completion.result.error().is(block::BlockError::BufferUnusable);
        if (refused && completion.call_id == *refused ? !unusable : completion.result.is_error())
            return false;
        for (u32 call : seen) {
            if (call == completion.call_id)
                return false;
        }
        bool ours = false;
        for (u32 call : calls)
            ours = ours || call == completion.call_id;
        if (!ours)
            return false;
        seen.push_back(completion.call_id);
        if (auto more = TRY(submit_more()))
            calls.push_back(*more);
    }
    /* Nothing more comes: no request completed twice. */
    auto extra = session.complete(Duration::from_milliseconds(50));
    return extra.is_error() && extra.error().is(ErrorCode::TimedOut);
}

ErrorOr<i32> client(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto session = TRY(block::Client::open(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")), memory));
    auto raw = TRY(session.select_partition("raw"));
    EXPECT_IN_TASK(raw.block_count == raw_end - raw_first);
    auto buffer = TRY(system::create_memory(memory, all_writes * 512));
    auto bytes = TRY(system::map_memory(buffer));
    for (u32 index = 0; index < all_writes * 512; ++index)
        bytes[index] = pattern(index / 512, index);
    std::vector<u32> calls;
    for (u32 block = 0; block < writes; ++block)
        calls.push_back(TRY(session.submit_write(block, 1, buffer, block * 512)));
    /*
     * The later writes take storaged's slots the first answers freed: slot order is not send
     * order. The first of them goes through a MemCap of its own, which the client revokes once
     * storaged forwarded it (at the next completion): its resend must fail alone, buffer-unusable.
     */
    auto doomed = TRY(system::create_memory(memory, 512));
    std::memcpy(TRY(system::map_memory(doomed)).data(), bytes.data() + writes * 512, 512);
    u32 next = writes;
    u32 doomed_call = 0;
    EXPECT_IN_TASK(TRY(complete_each_once(session, calls, [&]() -> ErrorOr<std::optional<u32>> {
        if (next == writes + 1)
            TRY(system::revoke(doomed));
        if (next == all_writes)
            return std::optional<u32> {};
        u32 block = next++;
        if (block == writes) {
            doomed_call = TRY(session.submit_write(block, 1, doomed, 0));
            return std::optional<u32> { doomed_call };
        }
        return std::optional<u32> { TRY(session.submit_write(block, 1, buffer, block * 512)) };
    }, &doomed_call)));
    /* Read back twice: the second batch reuses storaged's slots while stale replies for the first arrive. */
    for (u32 round = 0; round < 2; ++round) {
        std::memset(bytes.data(), 0, bytes.size());
        calls.clear();
        for (u32 block = 0; block < writes; ++block)
            calls.push_back(TRY(session.submit_read(block, 1, buffer, block * 512)));
        EXPECT_IN_TASK(TRY(complete_each_once(session, calls, []() -> ErrorOr<std::optional<u32>> { return std::optional<u32> {}; })));
        for (u32 index = 0; index < writes * 512; ++index)
            EXPECT_IN_TASK(bytes[index] == pattern(index / 512, index));
    }
    return 0;
}

/* The driver's connection, as initd makes it: both Rings' originals in `owner`. */
struct DiskConnection {
    Ring* requests_ring;
    Ring* replies_ring;
    RingCap requests;
    RingCap replies;
};

constexpr SignalBit driver_exit_bit { 7 };

struct Restart {
    DiskConnection const* disk { nullptr };
    CapabilitySpace* space { nullptr };
    Reticle* arena { nullptr };
    ReticleCap const* memory { nullptr };
    Task* next_driver { nullptr };
};
Restart s_restart;

Task* spawn_driver(Reticle& arena, CapabilitySpace& owner, DiskConnection const& disk, SignalMask* supervisor)
{
    SpawnParameters parameters { "driver", driver };
    parameters.stack_size = 64 * KiB;
    parameters.supervisor_mask = supervisor;
    parameters.exit_bit = driver_exit_bit;
    Task* task = Executor::current().spawn(arena, parameters).value();
    bool granted = !task->bundle().grant("requests", owner, disk.requests, RightReceive).is_error()
        && !task->bundle().grant("replies", owner, disk.replies, RightSend).is_error();
    return granted ? task : nullptr;
}

/* As initd does when a service ends: reset the Rings it served, start a new instance on them. */
ErrorOr<i32> restarter(Bundle&)
{
    (void)endpoint::wait(driver_exit_bit.mask());
    s_restart.disk->requests_ring->reset();
    s_restart.disk->replies_ring->reset();
    s_restart.next_driver = spawn_driver(*s_restart.arena, *s_restart.space, *s_restart.disk, nullptr);
    return s_restart.next_driver ? 0 : 1;
}

}

TEST_CASE("storaged sends every request without a reply again, in order, when its driver dies holding them; each completes once", "[storaged]")
{
    test::TemporaryDisk file(disk_bytes);
    file.run("sgdisk -a 8 -n 1:2048:+1M -c 1:raw -n 2:4096:+1M -c 2:spare " + file.quoted());
    s_driver = DriverState {};
    s_driver.disk = test::MemoryDisk::from_file(file.path()).bytes();

    test::Arena arena(16 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace owner(allocate_space_id());
    Ring* disk_requests = Ring::try_create(arena.reticle(), P::slot_count, P::slot_size, block::schema_id).value();
    Ring* disk_replies = Ring::try_create(arena.reticle(), P::slot_count, P::slot_size, block::schema_id).value();
    DiskConnection disk { disk_requests, disk_replies, owner.mint<CapabilityClass::Ring>(disk_requests, all_rights).release_value(),
        owner.mint<CapabilityClass::Ring>(disk_replies, all_rights).release_value() };
    auto listener = test::make_listener(arena.reticle(), owner);
    Reticle* storaged_memory = arena.reticle().try_carve(1 * MiB).value();
    Reticle* client_memory = arena.reticle().try_carve(1 * MiB).value();
    auto storaged_reticle = owner.mint<CapabilityClass::Reticle>(storaged_memory, all_rights).release_value();
    auto client_reticle = owner.mint<CapabilityClass::Reticle>(client_memory, all_rights).release_value();
    s_restart = { &disk, &owner, &arena.reticle(), nullptr, nullptr };

    Task* supervising = executor.spawn(arena.reticle(), { "restarter", restarter }).value();
    Task* first_driver = spawn_driver(arena.reticle(), owner, disk, &supervising->signals());
    SpawnParameters storaged_parameters { "storaged", storaged_task };
    storaged_parameters.stack_size = 128 * KiB;
    Task* serving = executor.spawn(arena.reticle(), storaged_parameters).value();
    REQUIRE(!serving->bundle().grant("memory", owner, storaged_reticle, RightRetype).is_error());
    REQUIRE(!serving->bundle().grant("disk-requests", owner, disk.requests, RightSend).is_error());
    REQUIRE(!serving->bundle().grant("disk-replies", owner, disk.replies, RightReceive).is_error());
    REQUIRE(!serving->bundle().grant("requests", owner, listener.requests, RightReceive).is_error());
    REQUIRE(!serving->bundle().grant("replies", owner, listener.replies, RightSend).is_error());
    SpawnParameters client_parameters { "client", client };
    client_parameters.stack_size = 128 * KiB;
    Task* using_disk = executor.spawn(arena.reticle(), client_parameters).value();
    REQUIRE(test::grant_client(*using_disk, owner, listener, client_reticle));
    REQUIRE((first_driver && serving && using_disk));

    test::task_failure().clear();
    i32 status = executor.run_until_exit(*using_disk).value();
    INFO(test::task_failure());
    Error client_error = using_disk->exit_error();
    INFO("client error: " << client_error.name() << " " << (client_error.message() ? client_error.message() : ""));
    REQUIRE(using_disk->exit_cause() == ExitCause::Returned);
    REQUIRE(status == 0);
    REQUIRE(first_driver->exit_cause() == ExitCause::Faulted);
    REQUIRE(executor.run_until_exit(*supervising).value() == 0);
    REQUIRE(s_restart.next_driver != nullptr);

    /* The data is on the disk, in the client's partition. */
    for (u32 index = 0; index < all_writes * 512; ++index)
        REQUIRE(s_driver.disk[raw_first * 512 + index] == (index / 512 == writes ? 0 : pattern(index / 512, index)));
    /* Once restarted; the second instance got the writes the first never answered, in the order
       first sent, before anything else — and nothing outside the partition. */
    REQUIRE(s_storage->driver_restarts() == 1);
    u32 resent = all_writes - answered_before_death - 1; /* the revoked one is answered, not sent */
    REQUIRE(s_storage->requests_resent() == resent);
    std::vector<Taken> second;
    for (auto const& taken : s_driver.taken) {
        if (taken.instance == 1)
            second.push_back(taken);
    }
    REQUIRE(second.size() == resent + 2 * writes);
    for (u32 index = 0; index < resent; ++index) {
        REQUIRE(second[index].message == number_of<block::Write>);
        u32 block = answered_before_death + index;
        REQUIRE(second[index].block == raw_first + (block < writes ? block : block + 1));
    }
    for (auto const& taken : second)
        REQUIRE((taken.block >= raw_first && taken.block + taken.count <= raw_end));
    /* Stale replies were sent (the first instance's answered writes, the first read batch's) and dropped. */
    REQUIRE(s_driver.stale_replies_sent >= answered_before_death + writes);

    listener.requests_ring->reset();
    (void)executor.run_until_exit(*serving);
    disk_requests->reset();
    (void)executor.run_until_exit(*s_restart.next_driver);
    while (Task* task = executor.tasks())
        REQUIRE_FALSE(executor.reap(*task).is_error());
    client_memory->~Reticle();
    storaged_memory->~Reticle();
}
