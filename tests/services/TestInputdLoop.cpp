/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * inputd's real loop as a Task (inputd::run), with a driver Task on a vectra.input.device
 * connection, a focus holder on the vectra.input.focus connection and client Tasks on sessions of
 * vectra.input, all over real Rings: typed text reaches the focused client and nobody else; a
 * client that is not focused reads nothing and cannot take the focus over its session; a held
 * key repeats on inputd's timer until released; a focused client that never reads loses events
 * to its bounded queue (counted) while the next focused client is served at once; a driver
 * sending garbage and malformed events is refused and counted, and inputd keeps serving. The
 * typing driver forwards through input::device::Forwarder, as the image drivers do (batches of up
 * to 32, sent when full and at each flush; `not-described` becomes PeerRestarted).
 */

#include "InputdTestTasks.h"
#include <atomic>
#include <catch2/catch.hpp>
#include <inputd/Server.h>
#include <string>
#include <vectra/Connection.h>
#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/input/Forwarder.h>
#include <vectra/kernel/Executor.h>

using namespace vectra;
using namespace vectra::test;
using namespace vectra::input;

namespace {

using InputClient = session::SessionClient<input::Protocol>;
constexpr ConnectionBits focus_bits { SignalBit { 3 }, SignalBit { 4 }, SignalBit { 5 } };
std::atomic<u32> s_ids[2];
std::atomic<int> s_phase { 0 };
std::atomic<int> s_repeats_seen { 0 };
std::atomic<bool> s_focus_given { false };
std::atomic<bool> s_attacked { false };

void reset_state(u32 delay, u32 rate)
{
    auto& configuration = inputd_test_configuration();
    configuration = {};
    configuration.keymap = &us_keymap();
    configuration.repeat = { delay, rate };
    s_ids[0] = 0;
    s_ids[1] = 0;
    s_phase = 0;
    s_repeats_seen = 0;
    s_focus_given = false;
    s_attacked = false;
}

ErrorOr<InputClient> open_input(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    return InputClient::open(std::move(requests), std::move(replies), std::move(memory));
}

ErrorOr<Client<device::Protocol>> open_device(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("device_requests"));
    auto replies = TRY(bundle.take<RingCap>("device_replies"));
    return Client<device::Protocol>::bind(std::move(requests), std::move(replies));
}

ErrorOr<Client<focus::Protocol>> open_focus(Bundle& bundle)
{
    auto requests = TRY(bundle.take<RingCap>("focus_requests"));
    auto replies = TRY(bundle.take<RingCap>("focus_replies"));
    return Client<focus::Protocol>::bind(std::move(requests), std::move(replies), focus_bits);
}

/* The raw events of typing `text` on a US keyboard (letters, space, '!', newline). */
device::Events typing(char character)
{
    device::Events events;
    auto key_of = [](char c) -> std::pair<u16, bool> {
        char const* rows[] = { "qwertyuiop", "asdfghjkl", "zxcvbnm" };
        u16 starts[] = { key::q, key::a, key::z };
        char lower = c >= 'A' && c <= 'Z' ? char(c + 32) : c;
        for (usize row = 0; row < 3; ++row)
            for (usize index = 0; rows[row][index]; ++index)
                if (rows[row][index] == lower)
                    return { u16(starts[row] + index), c != lower };
        if (c == ' ')
            return { key::space, false };
        if (c == '!')
            return { key::one, true };
        return { key::enter, false };
    };
    auto [code, shifted] = key_of(character);
    if (shifted)
        (void)events.events.try_append({ event_type::key, key::left_shift, 1 });
    (void)events.events.try_append({ event_type::key, code, 1 });
    (void)events.events.try_append({ event_type::key, code, 0 });
    if (shifted)
        (void)events.events.try_append({ event_type::key, key::left_shift, 0 });
    return events;
}

/* Reads until a newline was typed; the text typed before it. */
ErrorOr<std::string> read_line(InputClient& client)
{
    std::string text;
    for (int reads = 0; reads < 200; ++reads) {
        auto read = TRY(client.call(Read { 2000 }, Duration::from_seconds(5)));
        for (auto const& event : read.events) {
            if (event.kind != event_kind::key || event.action == key_action::release || event.characters.size() == 0)
                continue;
            if (event.characters[0] == '\n')
                return text;
            text += char(event.characters[0]);
        }
    }
    return Error(ErrorCode::TimedOut, "no newline");
}

/* ---- routing: the focused client gets the text, the other nothing, and cannot take the focus ---- */

ErrorOr<i32> focused_client(Bundle& bundle)
{
    auto client = TRY(open_input(bundle));
    s_ids[0] = TRY(client.call(Identify {})).client;
    EXPECT_IN_TASK(wait_for([] { return s_focus_given.load(); }));
    auto text = TRY(read_line(client));
    EXPECT_IN_TASK(text == "hello World!");
    s_phase = 1;
    return 0;
}

ErrorOr<i32> unfocused_client(Bundle& bundle)
{
    auto client = TRY(open_input(bundle));
    s_ids[1] = TRY(client.call(Identify {})).client;
    EXPECT_IN_TASK(client.call(Read { 0 }).error().is(InputError::NotFocused));
    /* The attacker's try: the focus holder's set-focus, naming itself, sent over its own session. */
    u8 request[64];
    auto length = TRY(protocol::encode_request<focus::Protocol>(focus::SetFocus { s_ids[1] }, 77, request));
    u8 reply[protocol::payload_capacity<input::Protocol>];
    auto answered = TRY(client.connection()->call(
        std::span<u8 const>(request, length), 77, reply, deadline_after(Duration::from_seconds(5))));
    EXPECT_IN_TASK(answered.envelope.status != protocol::status_success);
    s_attacked = true;
    /* A read that waits while the text is typed to the other client: answered not-focused. */
    EXPECT_IN_TASK(client.call(Read { 500 }).error().is(InputError::NotFocused));
    EXPECT_IN_TASK(wait_for([] { return s_phase.load() == 1; }));
    EXPECT_IN_TASK(client.call(Read { 0 }).error().is(InputError::NotFocused));
    s_phase = 2;
    return 0;
}

ErrorOr<i32> holder_and_driver(Bundle& bundle)
{
    auto focus = TRY(open_focus(bundle));
    auto driver = TRY(open_device(bundle));
    EXPECT_IN_TASK(wait_for([] { return s_ids[0] != 0 && s_ids[1] != 0; }));
    EXPECT_IN_TASK(TRY(focus.call(focus::ReadCounters {})).focused == 0);
    TRY(focus.call(focus::SetFocus { s_ids[0] }));
    s_focus_given = true;
    device::Forwarder forwarder(driver);
    TRY(forwarder.describe(device::Describe { device::kind::keyboard, 0, 0, 0, 0 }));
    EXPECT_IN_TASK(wait_for([] { return s_attacked.load(); }));
    EXPECT_IN_TASK(TRY(focus.call(focus::ReadCounters {})).focused == s_ids[0]); /* the other client's try changed nothing */
    /* Two Shift taps, then the whole line, added at once: 34 events, one full batch of 32 sent by
       add(), the rest at the flush. */
    u64 sent = 0;
    for (i32 value : { 1, 0, 1, 0 }) {
        TRY(forwarder.add({ event_type::key, key::left_shift, value }));
        ++sent;
    }
    for (char character : std::string_view("hello World!\n")) {
        for (auto const& event : typing(character).events)
            TRY(forwarder.add(event));
        sent += typing(character).events.size();
    }
    EXPECT_IN_TASK(sent > device::maximum_events && forwarder.sent() == device::maximum_events);
    TRY(forwarder.flush());
    EXPECT_IN_TASK(forwarder.sent() == sent && forwarder.refused() == 0);
    EXPECT_IN_TASK(wait_for([] { return s_phase.load() == 2; }));
    auto counters = TRY(focus.call(focus::ReadCounters {}));
    EXPECT_IN_TASK(counters.focused == 0); /* the focused client's session ended: nobody has the focus */
    EXPECT_IN_TASK(counters.delivered == sent && counters.unrouted == 0 && counters.dropped == 0);
    return 0;
}

/* ---- a client that never reads, then repeat on inputd's timer ---- */

ErrorOr<i32> lazy_client(Bundle& bundle)
{
    auto client = TRY(open_input(bundle));
    s_ids[0] = TRY(client.call(Identify {})).client;
    EXPECT_IN_TASK(wait_for([] { return s_phase.load() == 3; }));
    return 0;
}

ErrorOr<i32> repeat_reader(Bundle& bundle)
{
    auto client = TRY(open_input(bundle));
    s_ids[1] = TRY(client.call(Identify {})).client;
    EXPECT_IN_TASK(wait_for([] { return s_phase.load() == 1; }));
    int presses = 0;
    int repeats = 0;
    bool released = false;
    for (int reads = 0; reads < 400 && !released; ++reads) {
        auto read = TRY(client.call(Read { 1000 }));
        for (auto const& event : read.events) {
            EXPECT_IN_TASK(event.code == key::x && event.characters.size() == (event.action == key_action::release ? 0u : 1u));
            presses += event.action == key_action::press;
            repeats += event.action == key_action::repeat;
            released |= event.action == key_action::release;
        }
        s_repeats_seen = repeats;
    }
    EXPECT_IN_TASK(presses == 1 && repeats >= 3 && released);
    s_phase = 3;
    return 0;
}

ErrorOr<i32> flooding_driver(Bundle& bundle)
{
    auto focus = TRY(open_focus(bundle));
    auto driver = TRY(open_device(bundle));
    EXPECT_IN_TASK(wait_for([] { return s_ids[0] != 0 && s_ids[1] != 0; }));
    TRY(focus.call(focus::SetFocus { s_ids[0] }));
    TRY(driver.call(device::Describe { device::kind::keyboard, 0, 0, 0, 0 }));
    for (int round = 0; round < 10; ++round) {
        device::Events events;
        for (int pair = 0; pair < 8; ++pair) {
            (void)events.events.try_append({ event_type::key, key::a, 1 });
            (void)events.events.try_append({ event_type::key, key::a, 0 });
        }
        TRY(driver.call(events));
    }
    auto counters = TRY(focus.call(focus::ReadCounters {}));
    EXPECT_IN_TASK(counters.dropped == 160 - queued_events && counters.delivered == queued_events);
    /* The focus moves to the reader, which is served at once though the lazy client never read. */
    TRY(focus.call(focus::SetFocus { s_ids[1] }));
    s_phase = 1;
    device::Events press_x;
    (void)press_x.events.try_append({ event_type::key, key::x, 1 });
    TRY(driver.call(press_x));
    EXPECT_IN_TASK(wait_for([] { return s_repeats_seen.load() >= 3; }));
    device::Events release_x;
    (void)release_x.events.try_append({ event_type::key, key::x, 0 });
    TRY(driver.call(release_x));
    EXPECT_IN_TASK(wait_for([] { return s_phase.load() == 3; }));
    u64 repeats = TRY(focus.call(focus::ReadCounters {})).repeats;
    sleep_ms(300);
    EXPECT_IN_TASK(TRY(focus.call(focus::ReadCounters {})).repeats == repeats); /* none after the release */
    return 0;
}

/* ---- a misbehaving driver ---- */

ErrorOr<i32> garbage_driver(Bundle& bundle)
{
    auto focus = TRY(open_focus(bundle));
    auto driver = TRY(open_device(bundle));
    EXPECT_IN_TASK(driver.call(device::Events {}).error().is(device::DeviceError::NotDescribed));
    /* Through a Forwarder, inputd's not-described (it restarted, as a driver sees it) ends the driver: PeerRestarted. */
    device::Forwarder undescribed(driver);
    TRY(undescribed.add({ event_type::key, key::a, 1 }));
    auto restarted = undescribed.flush();
    EXPECT_IN_TASK(restarted.is_error() && restarted.error().code() == ErrorCode::PeerRestarted && undescribed.sent() == 0);
    EXPECT_IN_TASK(driver.call(device::Describe { 9, 0, 0, 0, 0 }).error().is(device::DeviceError::UnknownKind));
    /* Bytes that are no request at all, then a request with trailing bytes. */
    Connection& raw = driver.connection();
    u8 reply[protocol::payload_capacity<device::Protocol>];
    u8 junk[] = { 0xff, 0xff, 0xff };
    TRY(raw.send(std::span<u8 const>(junk, sizeof junk), deadline_after(Duration::from_seconds(5))));
    auto junk_reply = TRY(raw.receive(reply, deadline_after(Duration::from_seconds(5))));
    EXPECT_IN_TASK(TRY(protocol::read_envelope({ reply, junk_reply.length })).status != protocol::status_success);
    u8 request[64];
    auto length = TRY(protocol::encode_request<device::Protocol>(device::Describe { 1, 0, 0, 0, 0 }, 5, request));
    request[length] = 0;
    auto trailing = TRY(raw.call(std::span<u8 const>(request, length + 1), 5, reply, deadline_after(Duration::from_seconds(5))));
    EXPECT_IN_TASK(trailing.envelope.status == (protocol::status_general | u16(ErrorCode::MalformedMessage)));
    TRY(driver.call(device::Describe { device::kind::keyboard, 0, 0, 0, 0 }));
    device::Events bad;
    (void)bad.events.try_append({ event_type::key, key::a, 0 });        /* release of a key not held */
    (void)bad.events.try_append({ event_type::key, key::a, 2 });        /* autorepeat */
    (void)bad.events.try_append({ event_type::relative, 0, 3 });        /* not a keyboard's */
    (void)bad.events.try_append({ event_type::key, key::a, 1 });        /* good */
    auto taken = TRY(driver.call(bad));
    EXPECT_IN_TASK(taken.accepted == 1 && taken.refused == 3);
    auto counters = TRY(focus.call(focus::ReadCounters {}));
    EXPECT_IN_TASK(counters.events_refused == 3 && counters.events_accepted == 1);
    EXPECT_IN_TASK(counters.requests_refused == 5);
    EXPECT_IN_TASK(counters.unrouted == 1); /* nobody has the focus */
    return 0;
}

/* inputd, a driver-and-focus Task and `clients` (each on its own session) until all of them ended; then inputd ends. */
void run_with_inputd(TaskEntry holder, std::initializer_list<TaskEntry> clients)
{
    Arena arena(16 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    auto listener = make_listener(arena.reticle(), parent);
    auto device_rings = make_direct(arena.reticle(), parent, device::schema_id, device::Protocol::slot_count, device::Protocol::slot_size);
    auto focus_rings = make_direct(arena.reticle(), parent, focus::schema_id, focus::Protocol::slot_count, focus::Protocol::slot_size);
    auto memory_of = [&](usize size) {
        return parent.mint<CapabilityClass::Reticle>(arena.reticle().try_carve(size).value(), all_rights).release_value();
    };
    auto spawn = [&](char const* name, TaskEntry entry) {
        SpawnParameters parameters { name, entry };
        parameters.stack_size = 128 * KiB;
        return executor.spawn(arena.reticle(), parameters).value();
    };
    Task* service = spawn("inputd", inputd_task);
    REQUIRE(grant_service(*service, parent, listener, memory_of(256 * KiB)));
    grant_pair(*service, parent, device_rings.requests, device_rings.replies, "device0_requests", "device0_replies", true);
    grant_pair(*service, parent, focus_rings.requests, focus_rings.replies, "focus_requests", "focus_replies", true);
    std::vector<Task*> tasks;
    Task* holding = spawn("holder", holder);
    grant_pair(*holding, parent, device_rings.requests, device_rings.replies, "device_requests", "device_replies", false);
    grant_pair(*holding, parent, focus_rings.requests, focus_rings.replies, "focus_requests", "focus_replies", false);
    tasks.push_back(holding);
    for (auto entry : clients) {
        Task* task = spawn("client", entry);
        REQUIRE(grant_client(*task, parent, listener, memory_of(256 * KiB)));
        tasks.push_back(task);
    }
    run_each_to_end(tasks);
    listener.requests_ring->reset();
    REQUIRE(executor.run_until_exit(*service).value() == 1);
    CHECK(service->exit_error().code() == ErrorCode::PeerRestarted);
    while (Task* waiting = executor.tasks())
        REQUIRE_FALSE(executor.reap(*waiting).is_error());
}

}

TEST_CASE("inputd's loop: typed text reaches the focused client only; the other cannot take the focus", "[inputd][attack]")
{
    reset_state(500, 25);
    run_with_inputd(holder_and_driver, { focused_client, unfocused_client });
}

TEST_CASE("inputd's loop: a client that never reads stalls nobody; a held key repeats until released", "[inputd][attack]")
{
    reset_state(60, 20);
    run_with_inputd(flooding_driver, { lazy_client, repeat_reader });
}

TEST_CASE("inputd's loop: a driver's garbage and malformed events are refused and counted; inputd serves on", "[inputd][attack]")
{
    reset_state(500, 25);
    run_with_inputd(garbage_driver, {});
}
