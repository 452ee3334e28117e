/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Declared protocols against hand-written ones, and what a session costs to open and close.
 * Each pair runs a client Task and a service Task over real Rings on the executor:
 *
 *   BM_protocol_call/ours                   Client<P>::call → dispatch → handler → typed reply
 *   BM_protocol_call/baseline_hand_written  the same bytes encoded, sent, waited for and decoded
 *                                           by hand, as vfs's client and server were written
 *   BM_session_open_close/ours              session::open (carve, listener, two Rings built in the
 *                                           donation) and close (service frees, reclaims)
 *   BM_session_open_close/baseline_call     one declared call round trip, for scale
 */

#include "../TestSupport.h"
#include "SessionPair.h"
#include <benchmark/benchmark.h>
#include <cstring>
#include <vectra/Bytes.h>
#include <vectra/Connection.h>
#include <vectra/kernel/Executor.h>
#include <vectra/Service.h>
#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/platform/Platform.h>

using namespace vectra;

namespace {

enum class LookupError : u16 {
    Missing = 1,
};

struct Lookup {
    u32 key { 0 };
    FixedString<16> name;
    static constexpr auto fields() { return vectra::fields(field("key", &Lookup::key), field("name", &Lookup::name)); }
};

struct Found {
    u64 value { 0 };
    static constexpr auto fields() { return vectra::fields(field("value", &Found::value)); }
};

struct LookupProtocol {
    static constexpr std::string_view name = "bench.lookup";
    static constexpr u16 version = 1;
    static constexpr u32 slot_count = 8;
    static constexpr u32 slot_size = 64;
    using Errors = LookupError;
    static constexpr auto errors() { return protocol::errors(protocol::error(LookupError::Missing, "missing", "no such key")); }
    static constexpr auto messages() { return protocol::messages(protocol::message<Lookup, Found>("lookup", "A value by key.")); }
};

inline constexpr ErrorDomain lookup_domain = protocol::error_domain<LookupProtocol>();
[[maybe_unused]] constexpr ErrorDomain const& error_domain(LookupError) { return lookup_domain; }

constexpr u64 schema = protocol::schema_id<LookupProtocol>;
constexpr usize task_stack = 64 * KiB;

struct Run {
    benchmark::State* state { nullptr };
};
Run s_run;

void skip_on_error(ErrorOr<void> const& outcome)
{
    if (outcome.is_error() && !s_run.state->error_occurred())
        s_run.state->SkipWithError(outcome.error().message());
}

/* ---- The declared call ---------------------------------------------------------------------- */

struct LookupHandler {
    ErrorOr<Found> handle(Lookup const& request) { return Found { u64(request.key) * 3 + request.name.view().size() }; }
};

ErrorOr<i32> declared_service(Bundle& bundle)
{
    auto server = TRY(ServerConnection::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")), schema));
    LookupHandler handler;
    TRY(serve<LookupProtocol>(server, handler));
    return 0;
}

ErrorOr<void> declared_drive(Bundle& bundle)
{
    auto client = TRY(Client<LookupProtocol>::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies"))));
    Lookup request { 0, TRY(FixedString<16>::try_from("benchmark-key")) };
    for (auto _ : *s_run.state) {
        auto found = TRY(client.call(request));
        if (found.value != u64(request.key) * 3 + 13)
            return Error(ErrorCode::MalformedMessage, "wrong reply");
        ++request.key;
    }
    return {};
}

ErrorOr<i32> declared_client(Bundle& bundle)
{
    skip_on_error(declared_drive(bundle));
    return 0;
}

/* ---- The same exchange, written by hand as vfs's was --------------------------------------- */

constexpr u16 reply_flag = 0x8000;
constexpr SignalBit reply_bit { 0 };
constexpr SignalBit space_bit { 1 };
constexpr SignalBit timeout_bit { 2 };

ErrorOr<i32> hand_written_service(Bundle& bundle)
{
    auto server = TRY(ServerConnection::bind(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")), schema));
    u8 request[48];
    u8 reply[48];
    TRY(serve(server.inbox(), server.outbox(), request, reply, [](std::span<u8 const> message, std::span<u8> answer) -> usize {
        ByteReader reader(message);
        ByteWriter writer(answer);
        auto type = reader.read<u16>();
        auto status = reader.read<u16>();
        auto id = reader.read<u32>();
        auto key = reader.read<u32>();
        auto length = reader.read<u32>();
        if (type.is_error() || status.is_error() || id.is_error() || key.is_error() || length.is_error() || length.value() > 16)
            return 0;
        auto name = reader.read_bytes(length.value());
        if (name.is_error() || reader.expect_end().is_error())
            return 0;
        MUST(writer.write<u16>(static_cast<u16>(type.value() | reply_flag)));
        MUST(writer.write<u16>(0));
        MUST(writer.write<u32>(id.value()));
        MUST(writer.write<u64>(u64(key.value()) * 3 + length.value()));
        return writer.length();
    }));
    return 0;
}

struct HandClient {
    RingSender sender;
    RingReceiver receiver;

    ErrorOr<u64> call(u32 id, u32 key, std::string_view name)
    {
        u8 request[48];
        ByteWriter writer(request);
        TRY(writer.write<u16>(1));
        TRY(writer.write<u16>(0));
        TRY(writer.write<u32>(id));
        TRY(writer.write<u32>(key));
        TRY(writer.write<u32>(static_cast<u32>(name.size())));
        TRY(writer.write_bytes(as_bytes(name)));
        for (;;) {
            auto sent = sender.try_send(writer.written());
            if (!sent.is_error())
                break;
            if (sent.error().code() != ErrorCode::Full)
                return sent.release_error();
            (void)wait(space_bit.mask());
        }
        u64 deadline = platform::monotonic_nanoseconds() + 5'000'000'000ull;
        u8 reply[48];
        for (;;) {
            auto received = receiver.try_receive(reply);
            if (received.is_error()) {
                if (received.error().code() != ErrorCode::Empty)
                    return received.release_error();
                if (Executor::current().wait_until(reply_bit.mask(), deadline, timeout_bit) == timeout_bit.mask())
                    return Error(ErrorCode::TimedOut, "no reply");
                continue;
            }
            ByteReader reader(std::span<u8 const>(reply, received.value().length));
            u16 type = TRY(reader.read<u16>());
            u16 status = TRY(reader.read<u16>());
            u32 answered = TRY(reader.read<u32>());
            if ((type & reply_flag) == 0 || status != 0)
                return Error(ErrorCode::MalformedMessage, "refused");
            if (answered != id)
                continue;
            u64 value = TRY(reader.read<u64>());
            TRY(reader.expect_end());
            return value;
        }
    }
};

ErrorOr<void> hand_written_drive(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    HandClient client { TRY(RingSender::bind(requests, schema, space_bit)), TRY(RingReceiver::bind(replies, schema, reply_bit)) };
    u32 key = 0;
    for (auto _ : *s_run.state) {
        u64 value = TRY(client.call(key + 1, key, "benchmark-key"));
        if (value != u64(key) * 3 + 13)
            return Error(ErrorCode::MalformedMessage, "wrong reply");
        ++key;
    }
    return {};
}

ErrorOr<i32> hand_written_client(Bundle& bundle)
{
    skip_on_error(hand_written_drive(bundle));
    return 0;
}

/* A client and a service Task over a direct connection; the service stops when its Rings are reset. */
void run_call_pair(benchmark::State& state, TaskEntry client_entry, TaskEntry service_entry)
{
    s_run = { &state };
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    Ring* requests_ring = MUST(Ring::try_create(arena.reticle(), LookupProtocol::slot_count, LookupProtocol::slot_size, schema));
    Ring* replies_ring = MUST(Ring::try_create(arena.reticle(), LookupProtocol::slot_count, LookupProtocol::slot_size, schema));
    auto requests = MUST(parent.mint<CapabilityClass::Ring>(requests_ring, all_rights));
    auto replies = MUST(parent.mint<CapabilityClass::Ring>(replies_ring, all_rights));
    Task* service = MUST(executor.spawn(arena.reticle(), { "service", service_entry, task_stack }));
    Task* client = MUST(executor.spawn(arena.reticle(), { "client", client_entry, task_stack }));
    MUST(service->bundle().grant("requests", parent, requests, RightReceive));
    MUST(service->bundle().grant("replies", parent, replies, RightSend));
    MUST(client->bundle().grant("requests", parent, requests, RightSend));
    MUST(client->bundle().grant("replies", parent, replies, RightReceive));
    (void)executor.run_until_exit(*client);
    requests_ring->reset();
    (void)executor.run_until_exit(*service);
    MUST(executor.reap(*client));
    MUST(executor.reap(*service));
}

void protocol_call_ours(benchmark::State& state) { run_call_pair(state, declared_client, declared_service); }
void protocol_call_baseline(benchmark::State& state) { run_call_pair(state, hand_written_client, hand_written_service); }

/* ---- Sessions: open and close ---------------------------------------------------------------- */

struct LookupSession : LookupHandler {
    void opened() { }
    void closed() { }
};

ErrorOr<i32> session_service(Bundle& bundle)
{
    static session::Table table;
    table.~Table();
    new (&table) session::Table();
    static LookupSession handlers[4];
    auto* listening = TRY(session::Table::listen(table, TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")),
        session::geometry_of<LookupProtocol>(), { 4, 1 }));
    TRY(session::serve<LookupProtocol>(*listening, handlers));
    return 0;
}

ErrorOr<void> session_drive(Bundle& bundle)
{
    auto listener = Connection::unbound(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")), session::schema_id);
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    for (auto _ : *s_run.state) {
        auto opened = TRY(session::open(listener, memory, session::geometry_of<LookupProtocol>(),
            session::donation_size<LookupProtocol>(), {}, deadline_after(Duration::from_seconds(5))));
        opened.close();
        /* Let the service free the session and reclaim its donation before the next open. */
        Executor::current().yield();
    }
    return {};
}

ErrorOr<i32> session_client(Bundle& bundle)
{
    skip_on_error(session_drive(bundle));
    return 0;
}

ErrorOr<void> session_call_drive(Bundle& bundle)
{
    auto listener = Connection::unbound(TRY(bundle.take<RingCap>("requests")), TRY(bundle.take<RingCap>("replies")), session::schema_id);
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto opened = TRY(session::open(listener, memory, session::geometry_of<LookupProtocol>(),
        session::donation_size<LookupProtocol>(), {}, deadline_after(Duration::from_seconds(5))));
    Client<LookupProtocol> client(std::move(opened));
    Lookup request { 0, TRY(FixedString<16>::try_from("benchmark-key")) };
    for (auto _ : *s_run.state)
        TRY(client.call(request));
    client.connection().close();
    return {};
}

ErrorOr<i32> session_call_client(Bundle& bundle)
{
    skip_on_error(session_call_drive(bundle));
    return 0;
}

void run_session_pair(benchmark::State& state, TaskEntry client_entry)
{
    s_run = { &state };
    bench::run_session_pair(session_service, client_entry, { 256 * KiB, 1 * MiB, task_stack });
}

void session_open_close_ours(benchmark::State& state) { run_session_pair(state, session_client); }
void session_open_close_baseline(benchmark::State& state) { run_session_pair(state, session_call_client); }

}

BENCHMARK(protocol_call_ours)->Name("BM_protocol_call/ours");
BENCHMARK(protocol_call_baseline)->Name("BM_protocol_call/baseline_hand_written");
BENCHMARK(session_open_close_ours)->Name("BM_session_open_close/ours");
BENCHMARK(session_open_close_baseline)->Name("BM_session_open_close/baseline_call");
