/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The same-CPU Ring fence (ADR 0026 §13): a consumer's release leaves its full fence out only
 * when the producer's and its own Task are both pinned to the CPU running it. Attacked with a
 * producer pinned to another CPU, a movable producer stolen mid-stream, a bare host thread as
 * producer, and a visitor that waits while the producer, on the same CPU, fills the Ring and
 * parks on its space bit. Each stream's producer waits on nothing but its space bit, so a lost
 * bit hangs it and the child's alarm fails the case; each case also checks which way every
 * release decided.
 */

#include "SmpSupport.h"
#include <atomic>
#include <catch2/catch.hpp>
#include <sched.h>
#include <thread>
#include <vectra/Bundle.h>
#include <vectra/Try.h>
#include <vectra/kernel/Kernel.h>
#include <vectra/kernel/Ring.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/hosted/Processors.h>

using namespace vectra;

namespace {

constexpr u64 schema = schema_id_of("schema same-cpu-ring-test version 1\n");
constexpr SignalBit doorbell_bit { 0 };
constexpr SignalBit space_bit { 1 };
constexpr u32 slot_count = 2; /* the smallest Ring: full every other message */
constexpr u32 slot_size = 32;
constexpr u64 ten_seconds = 10'000'000'000;
constexpr SignalBit poll_bit { 2 };
constexpr u64 poll_nanoseconds = 1'000'000;

/* One stream's record: what the Tasks did, read by the case after they exit. */
struct StreamRecord {
    u32 messages { 20'000 };
    bool wait_for_steal { false };
    /* Waits for its doorbell with a deadline: a bare thread's raise is nothing the deadlock check knows of. */
    bool consumer_polls { false };
    std::atomic<Task*> producer { nullptr };
    [[nodiscard]] u32 releases_counted() const { return messages - slot_count - 1; }
    std::atomic<u32> trusted_order { 0 };   /* releases that would leave the fence out */
    std::atomic<u32> fenced { 0 };          /* releases that would fence */
    std::atomic<u32> filled_during_visit { 0 };
    std::atomic<u32> migrated_at { 0 };     /* the message the producer sent first after moving */
    std::atomic<u32> wrong_processor { 0 }; /* the consumer seen off its pinned CPU */
    std::atomic<bool> thieves_released { false };
};
StreamRecord* s_record { nullptr };

std::span<u8 const> bytes_of(u32 const& value) { return { reinterpret_cast<u8 const*>(&value), sizeof(value) }; }

ErrorOr<i32> stream_producer(Bundle& bundle)
{
    auto sender = TRY(RingProducer::bind(this_task().capabilities(), TRY(bundle.take<RingCap>("out")), schema,
        this_task().signals(), space_bit));
    for (u32 value = 1; value <= s_record->messages;) {
        auto sent = sender.try_send(bytes_of(value));
        if (sent.is_error()) {
            if (sent.error().code() != ErrorCode::Full)
                return sent.release_error();
            (void)wait(space_bit.mask()); /* only the space bit wakes it: a lost one hangs here */
            continue;
        }
        if (s_record->migrated_at.load() == 0 && this_task().migrations() != 0)
            s_record->migrated_at.store(value);
        ++value;
    }
    return 0;
}

/* Keeps its CPU busy (no steals from there) until the consumer is half-way through. */
ErrorOr<i32> occupy_processor(Bundle&)
{
    u64 start = platform::monotonic_nanoseconds();
    while (!s_record->thieves_released.load()) {
        if (platform::monotonic_nanoseconds() - start > ten_seconds)
            return 1;
    }
    return 0;
}

/* Lets the other CPUs go idle, then spins (never yielding its CPU) until the producer, runnable behind it, was stolen. */
bool hold_processor_until_stolen()
{
    s_record->thieves_released.store(true);
    u64 start = platform::monotonic_nanoseconds();
    while (s_record->producer.load()->migrations() == 0) {
        if (platform::monotonic_nanoseconds() - start > ten_seconds)
            return false;
    }
    return true;
}

/*
 * Takes one message per burst; the visitor yields, so a producer runnable on this CPU runs
 * between the burst's tail load and its release — fills the Ring and parks on its space bit.
 */
ErrorOr<i32> stream_consumer(Bundle& bundle)
{
    auto receiver = TRY(RingConsumer::bind(this_task().capabilities(), TRY(bundle.take<RingCap>("in")), schema,
        this_task().signals(), doorbell_bit));
    u32 pinned = this_task().signals().pinned_processor();
    u32 expected = 1;
    while (expected <= s_record->messages) {
        u32 value = 0;
        usize taken = TRY(receiver.receive_burst(1, [&](std::span<u8 const> message) {
            __builtin_memcpy(&value, message.data(), sizeof(value));
            Executor::current().yield();
            if (receiver.ring()->is_full())
                s_record->filled_during_visit.fetch_add(1);
        }));
        if (pinned != SignalMask::not_pinned && platform::current_processor() != pinned)
            s_record->wrong_processor.fetch_add(1);
        if (taken == 0) {
            if (s_record->consumer_polls)
                (void)Executor::current().wait_until(doorbell_bit.mask() | poll_bit.mask(), platform::monotonic_nanoseconds() + poll_nanoseconds,
                    poll_bit);
            else
                (void)wait(doorbell_bit.mask());
            continue;
        }
        /* How the release just made decided — counted while the producer is surely bound: it has
           sent `value` and has not yet been able to send the last message (it exits after that). */
        if (value + slot_count < s_record->messages) {
            if (receiver.release_trusts_program_order())
                s_record->trusted_order.fetch_add(1);
            else
                s_record->fenced.fetch_add(1);
        }
        if (value != expected)
            return Error(ErrorCode::MalformedMessage, "a message out of order");
        ++expected;
        if (expected == s_record->messages / 2 && s_record->wait_for_steal && !hold_processor_until_stolen())
            return Error(ErrorCode::TimedOut, "the producer was not stolen");
    }
    return 0;
}

/* Ends with Decoy when it is not the chosen producer (round-robin placement spawns a few). */
constexpr i32 decoy = 9;
ErrorOr<i32> producer_if_chosen(Bundle& bundle)
{
    while (s_record->producer.load() == nullptr)
        Executor::current().yield();
    if (&this_task() != s_record->producer.load())
        return decoy;
    return stream_producer(bundle);
}

struct Stream {
    test::Arena arena { 2 * MiB };
    CapabilitySpace parent { allocate_space_id() };
    RingCap original;

    Stream()
    {
        Ring* ring = Ring::try_create(arena.reticle(), slot_count, slot_size, schema).release_value();
        original = parent.mint<CapabilityClass::Ring>(ring, all_rights).release_value();
    }
    /* Granted under the lock the spawn took: neither Task can start before its end is in its Bundle. */
    bool grant(Task& task, char const* name, Rights right)
    {
        return !task.bundle().grant(name, parent, original, right).is_error();
    }
};

bool exits_with(Task& task, i32 expected)
{
    auto status = Executor::current().run_until_exit(task);
    return !status.is_error() && status.value() == expected;
}

bool start_four_processors()
{
    platform::hosted::request_processors(4);
    return !kernel::start_processors().is_error() && Executor::task_processors() == 4;
}

/* Runs a consumer on `consumer_processor` against a producer on `producer_processor`; 0 when every message arrived. */
int run_stream(StreamRecord& record, u32 consumer_processor, u32 producer_processor)
{
    s_record = &record;
    if (!start_four_processors())
        return 1;
    Stream stream;
    Task* consumer = nullptr;
    {
        kernel_lock::Entry lock;
        consumer = test::spawn_on(stream.arena, "consumer", stream_consumer, consumer_processor);
        Task* producer = test::spawn_on(stream.arena, "producer", stream_producer, producer_processor);
        record.producer.store(producer);
        if (!stream.grant(*consumer, "in", RightReceive) || !stream.grant(*producer, "out", RightSend))
            return 2;
    }
    if (!exits_with(*consumer, 0) || !exits_with(*record.producer.load(), 0))
        return 3;
    if (record.wrong_processor.load() != 0)
        return 4;
    return test::reap_all_processors() ? 0 : 5;
}

/* ---- a bare thread releasing for an end whose Tasks are both pinned to CPU 0 ---- */
RingConsumer s_shared_receiver;
std::atomic<u32> s_decisions_seen { 0 };
std::atomic<bool> s_asked { false };

ErrorOr<i32> one_message_producer(Bundle& bundle)
{
    auto sender = TRY(RingProducer::bind(this_task().capabilities(), TRY(bundle.take<RingCap>("out")), schema,
        this_task().signals(), space_bit));
    u32 value = 1;
    TRY(sender.try_send(bytes_of(value)));
    while (!s_asked.load()) /* stays bound until the consumer has looked */
        Executor::current().yield();
    return 0;
}

ErrorOr<i32> consumer_asking_a_bare_thread(Bundle& bundle)
{
    s_shared_receiver = TRY(RingConsumer::bind(this_task().capabilities(), TRY(bundle.take<RingCap>("in")), schema,
        this_task().signals(), doorbell_bit));
    while (s_shared_receiver.is_empty())
        (void)wait(doorbell_bit.mask());
    /* Here, on CPU 0, with both Tasks pinned to it: program order. On a bare thread reading index 0: the fence. */
    bool here = s_shared_receiver.release_trusts_program_order();
    bool bare = true;
    std::thread([&] { bare = s_shared_receiver.release_trusts_program_order(); }).join();
    s_decisions_seen.store((here ? 1u : 0u) | (bare ? 2u : 0u));
    s_asked.store(true);
    u32 value = 0;
    TRY(s_shared_receiver.try_receive({ reinterpret_cast<u8*>(&value), sizeof(value) }));
    return 0;
}

bool every_release_fenced(StreamRecord const& record)
{
    return record.trusted_order.load() == 0 && record.fenced.load() == record.releases_counted();
}

template<u32 Processor>
u32 running_on() { return Processor; }

void check_child(test::ChildResult const& result)
{
    INFO(result.output);
    REQUIRE(result.exited);
    CHECK(result.exit_status == 0);
}

}

TEST_CASE("Same-CPU Ring fence: program order is trusted only with both ends pinned to the running CPU",
    "[kernel][smp][ring]")
{
    SignalMask producer;
    SignalMask consumer;
    producer.set_pinned_processor(1);
    consumer.set_pinned_processor(1);
    CHECK(Ring::program_order_suffices(producer, &consumer, running_on<1>));
    SECTION("the running CPU is another") { CHECK_FALSE(Ring::program_order_suffices(producer, &consumer, running_on<2>)); }
    SECTION("a bare host thread runs it") { CHECK_FALSE(Ring::program_order_suffices(producer, &consumer, running_on<platform::no_processor>)); }
    SECTION("the producer may move")
    {
        producer.set_pinned_processor(SignalMask::not_pinned);
        CHECK_FALSE(Ring::program_order_suffices(producer, &consumer, running_on<1>));
    }
    SECTION("the producer is pinned elsewhere")
    {
        producer.set_pinned_processor(2);
        CHECK_FALSE(Ring::program_order_suffices(producer, &consumer, running_on<1>));
    }
    SECTION("the consumer may move, or no consumer is bound")
    {
        consumer.set_pinned_processor(SignalMask::not_pinned);
        CHECK_FALSE(Ring::program_order_suffices(producer, &consumer, running_on<1>));
        CHECK_FALSE(Ring::program_order_suffices(producer, nullptr, running_on<1>));
    }
    SECTION("a mask no Task owns is pinned nowhere")
    {
        SignalMask bare;
        CHECK(bare.pinned_processor() == SignalMask::not_pinned);
        CHECK_FALSE(Ring::program_order_suffices(bare, &bare, running_on<SignalMask::not_pinned>));
    }
}

TEST_CASE("Same-CPU Ring fence: a host thread that is no CPU is told apart from CPU 0", "[kernel][smp][ring]")
{
    CHECK(platform::current_processor() == 0);
    CHECK(platform::processor_running_this() == 0); /* the main thread is CPU 0 */
    u32 bare_index = 99;
    u32 bare_running = 99;
    std::thread([&] {
        bare_index = platform::current_processor();
        bare_running = platform::processor_running_this();
    }).join();
    CHECK(bare_index == 0);
    CHECK(bare_running == platform::no_processor);
}

TEST_CASE("Same-CPU Ring fence: a bare thread releasing for two Tasks pinned to CPU 0 keeps it", "[kernel][smp][ring]")
{
    Stream stream;
    SpawnParameters consumer_parameters { "consumer", consumer_asking_a_bare_thread };
    SpawnParameters producer_parameters { "producer", one_message_producer };
    Task* consumer = Executor::current().spawn(stream.arena.reticle(), consumer_parameters).value();
    Task* producer = Executor::current().spawn(stream.arena.reticle(), producer_parameters).value();
    REQUIRE(stream.grant(*consumer, "in", RightReceive));
    REQUIRE(stream.grant(*producer, "out", RightSend));
    REQUIRE(exits_with(*consumer, 0));
    REQUIRE(exits_with(*producer, 0));
    CHECK(s_decisions_seen.load() == 1); /* here: program order; the bare thread: not */
    REQUIRE(test::reap_all_processors());
}

TEST_CASE("Same-CPU Ring fence: both ends pinned to one CPU, the visitor lets the producer fill the Ring and park",
    "[kernel][smp][ring]")
{
    auto result = test::run_checked([] {
        StreamRecord record;
        if (int failed = run_stream(record, 1, 1))
            return failed;
        /* Every release left the fence out, and the producer parked on a full Ring during visits. */
        if (record.fenced.load() != 0 || record.trusted_order.load() != record.releases_counted())
            return 10;
        return record.filled_during_visit.load() > 0 ? 0 : 11;
    });
    check_child(result);
}

TEST_CASE("Same-CPU Ring fence: a producer pinned to another CPU keeps it", "[kernel][smp][ring]")
{
    auto result = test::run_checked([] {
        StreamRecord record;
        if (int failed = run_stream(record, 1, 2))
            return failed;
        return every_release_fenced(record) ? 0 : 10;
    });
    check_child(result);
}

TEST_CASE("Same-CPU Ring fence: a movable producer, stolen mid-stream, keeps it", "[kernel][smp][ring]")
{
    auto result = test::run_checked([] {
        StreamRecord record;
        record.wait_for_steal = true;
        s_record = &record;
        if (!start_four_processors())
            return 1;
        Stream stream;
        Task* consumer = nullptr;
        Task* producer = nullptr;
        {
            kernel_lock::Entry lock;
            /* Until the stream is half-way, every other CPU is busy and steals nothing. */
            for (u32 processor : { 0u, 2u, 3u })
                (void)test::spawn_on(stream.arena, "occupier", occupy_processor, processor);
            consumer = test::spawn_on(stream.arena, "consumer", stream_consumer, 1);
            /* Round-robin placement: spawn movable Tasks until one lands on the consumer's CPU. */
            for (u32 attempt = 0; attempt < 4 && !producer; ++attempt) {
                Task* task = test::spawn_on(stream.arena, "movable", producer_if_chosen, processor_any);
                if (!stream.grant(*task, "out", RightSend))
                    return 2;
                if (task->executor().processor() == 1)
                    producer = task;
            }
            if (!producer || !stream.grant(*consumer, "in", RightReceive))
                return 2;
            record.producer.store(producer);
        }
        if (!exits_with(*consumer, 0) || !exits_with(*producer, 0))
            return 3;
        /* The occupiers end once released (0), the decoys once the producer was chosen. */
        for (u32 index = 0; index < 4; ++index) {
            for (Task* task = Executor::of_processor(index).tasks(); task; task = task->next_listed()) {
                if (task == consumer || task == producer)
                    continue;
                if (!exits_with(*task, task->name() == "occupier" ? 0 : decoy))
                    return 4;
            }
        }
        /* It moved after it had sent some messages, and before it sent the last. */
        u32 moved = record.migrated_at.load();
        if (moved <= 1 || moved >= record.messages || record.wrong_processor.load() != 0)
            return 5;
        if (!every_release_fenced(record))
            return 10;
        return test::reap_all_processors() ? 0 : 6;
    });
    check_child(result);
}

TEST_CASE("Same-CPU Ring fence: a bare host thread as producer keeps it (it reads CPU index 0)", "[kernel][smp][ring]")
{
    auto result = test::run_checked([] {
        StreamRecord record;
        record.consumer_polls = true;
        s_record = &record;
        if (!start_four_processors())
            return 1;
        /* The masks outlive the spaces whose bindings pin them. */
        SignalMask thread_mask;
        Stream stream;
        CapabilitySpace thread_space { allocate_space_id() };
        auto end = stream.parent.copy_to(thread_space, stream.original, RightSend);
        if (end.is_error())
            return 2;
        Task* consumer = nullptr;
        {
            kernel_lock::Entry lock;
            consumer = test::spawn_on(stream.arena, "consumer", stream_consumer, 0); /* the index the thread reads */
            if (!stream.grant(*consumer, "in", RightReceive))
                return 2;
        }
        std::atomic<int> thread_failed { 0 };
        std::thread producer([&] {
            auto sender = RingProducer::bind(thread_space, end.value(), schema, thread_mask, space_bit);
            if (sender.is_error()) {
                thread_failed.store(1);
                return;
            }
            for (u32 value = 1; value <= record.messages;) {
                if (!sender.value().try_send(bytes_of(value)).is_error()) {
                    ++value;
                    continue;
                }
                /* Only the space bit says there is room: a lost one hangs this loop until the alarm. */
                while (thread_mask.take(space_bit.mask()) == 0)
                    sched_yield();
            }
            sender.value().unbind();
        });
        auto& executor = Executor::current();
        auto status = executor.run_until_exit(*consumer);
        producer.join();
        if (thread_failed.load() != 0 || status.is_error() || status.value() != 0)
            return 3;
        if (!every_release_fenced(record))
            return 10;
        return test::reap_all_processors() ? 0 : 5;
    });
    check_child(result);
}
