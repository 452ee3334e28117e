/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * inputd's rules on its server object, driven as its handlers are (docs/adr/0040-inputd.md): the
 * configuration from the manifest's bytes (keymap, repeat, display size; refusals), keys through
 * the configured keymap with modifiers, pointer reports scaled to the display, and as an attacker:
 * events before describe, bad descriptions, refused events counted without changing anything,
 * a session without the focus never queued anything, focus given to an id no session has, and a
 * focused session that never reads held to its bounded queue, the drops counted.
 */

#include <catch2/catch.hpp>
#include <inputd/Configuration.h>
#include <inputd/Server.h>
#include <memory>
#include <string>
#include <vectra/encoding/Binary.h>

using namespace vectra;
using namespace vectra::input;
using device::RawEvent;

namespace {

inputd::Configuration configuration_of(char const* keymap, u32 delay = 500, u32 rate = 25)
{
    inputd::Configuration configuration;
    configuration.keymap = find_keymap(keymap).value();
    configuration.repeat = { delay, rate };
    return configuration;
}

device::Describe keyboard_description() { return { device::kind::keyboard, 0, 0, 0, 0 }; }

device::Events events_of(std::initializer_list<RawEvent> raw)
{
    device::Events events;
    for (auto const& event : raw)
        REQUIRE(!events.events.try_append(event).is_error());
    return events;
}

RawEvent press(u16 code) { return { event_type::key, code, 1 }; }
RawEvent release(u16 code) { return { event_type::key, code, 0 }; }

/* A server with session 0 open and focused, and a keyboard on device 0. */
struct Fixture {
    std::unique_ptr<inputd::Server> server;
    explicit Fixture(inputd::Configuration const& configuration)
        : server(std::make_unique<inputd::Server>(configuration))
    {
        server->opened(0);
        server->opened(1);
        REQUIRE(!server->set_focus(server->client_id(0)).is_error());
        REQUIRE(!server->describe(0, keyboard_description()).is_error());
    }
    /* The text the focused session reads: characters of presses and repeats, UTF-8. */
    std::string typed(usize session = 0)
    {
        std::string text;
        auto read = server->read(session, { 0 });
        REQUIRE(!read.is_error());
        for (auto const& event : read.value().events) {
            if (event.kind != event_kind::key || event.action == key_action::release)
                continue;
            for (u32 character : event.characters) {
                if (character < 0x80)
                    text += char(character);
                else if (character < 0x800) {
                    text += char(0xc0 | (character >> 6));
                    text += char(0x80 | (character & 0x3f));
                }
            }
        }
        return text;
    }
};

}

TEST_CASE("inputd's configuration: the manifest's keymap, repeat and display size; absent fields default", "[inputd]")
{
    inputd::InputConfiguration given;
    auto defaults = inputd::configuration_from(given);
    REQUIRE(!defaults.is_error());
    CHECK(std::string(defaults.value().keymap->name) == "us");
    CHECK(defaults.value().repeat.delay_milliseconds == 500);
    CHECK(defaults.value().repeat.rate_per_second == 25);
    CHECK(defaults.value().width == 1024);
    CHECK(defaults.value().height == 768);

    given.keymap = Utf8String<2>::try_from(std::string_view("de")).value();
    given.repeat_delay_ms = 250;
    given.repeat_rate = 0;
    given.width = 640;
    given.height = 480;
    /* The canonical form the manifest compiler writes (ADR 0037 §3). */
    u8 bytes[maximum_binary_size<inputd::InputConfiguration>()];
    auto length = encode_binary(given, bytes);
    REQUIRE(!length.is_error());
    auto decoded = inputd::configuration_from(std::span<u8 const>(bytes, length.value()));
    REQUIRE(!decoded.is_error());
    CHECK(std::string(decoded.value().keymap->name) == "de");
    CHECK(decoded.value().repeat.delay_milliseconds == 250);
    CHECK(decoded.value().repeat.rate_per_second == 0);
    CHECK(decoded.value().width == 640);
    CHECK(decoded.value().height == 480);
}

TEST_CASE("inputd's configuration refuses an unknown keymap, a zero delay or size, and malformed bytes", "[inputd][attack]")
{
    inputd::InputConfiguration given;
    given.keymap = Utf8String<2>::try_from(std::string_view("fr")).value();
    CHECK(inputd::configuration_from(given).error().is(ErrorCode::InvalidArgument));
    given.keymap.reset();
    given.repeat_delay_ms = 0;
    CHECK(inputd::configuration_from(given).error().is(ErrorCode::InvalidArgument));
    given.repeat_delay_ms.reset();
    given.width = 0;
    CHECK(inputd::configuration_from(given).error().is(ErrorCode::InvalidArgument));
    u8 garbage[] = { 1, 0, 200, 0, 0, 0, 1 };
    CHECK(inputd::configuration_from(std::span<u8 const>(garbage, sizeof garbage)).is_error());
}

TEST_CASE("keys reach the focused session through the configured keymap, with modifiers", "[inputd]")
{
    SECTION("US")
    {
        Fixture fixture(configuration_of("us"));
        auto taken = fixture.server->take_events(0,
            events_of({ press(key::h), release(key::h), press(key::left_shift), press(key::y), release(key::y),
                release(key::left_shift), press(key::one), release(key::one) }),
            0);
        REQUIRE(!taken.is_error());
        CHECK(taken.value().accepted == 8);
        CHECK(taken.value().refused == 0);
        CHECK(fixture.typed() == "hY1");
        CHECK(fixture.server->counters().delivered == 8);
    }
    SECTION("German: y and z trade places, AltGr+q is @, a dead accent composes")
    {
        Fixture fixture(configuration_of("de"));
        auto taken = fixture.server->take_events(0,
            events_of({ press(key::y), release(key::y), press(key::right_alt), press(key::q), release(key::q),
                release(key::right_alt), press(key::equal), release(key::equal), press(key::e), release(key::e) }),
            0);
        REQUIRE(!taken.is_error());
        CHECK(taken.value().refused == 0);
        CHECK(fixture.typed() == "z@\xc3\xa9");
    }
    SECTION("a read reports each key's code, action and modifiers")
    {
        Fixture fixture(configuration_of("us"));
        REQUIRE(!fixture.server->take_events(0, events_of({ press(key::left_shift), press(key::a) }), 0).is_error());
        auto read = fixture.server->read(0, { 0 });
        REQUIRE(!read.is_error());
        REQUIRE(read.value().events.size() == 2);
        auto const& a = read.value().events[1];
        CHECK(a.kind == event_kind::key);
        CHECK(a.action == key_action::press);
        CHECK(a.code == key::a);
        CHECK(a.modifiers == modifier::shift);
        REQUIRE(a.characters.size() == 1);
        CHECK(a.characters[0] == 'A');
    }
}

TEST_CASE("inputd repeats a held key on its own clock, at most one per turn, and stops at the release", "[inputd]")
{
    Fixture fixture(configuration_of("us", 100, 10));
    u64 const millisecond = 1'000'000;
    REQUIRE(!fixture.server->take_events(0, events_of({ press(key::x) }), 1000 * millisecond).is_error());
    CHECK(fixture.server->keyboard().next_repeat().value() == 1100 * millisecond);
    fixture.server->repeat(1050 * millisecond); /* not due */
    fixture.server->repeat(1100 * millisecond);
    fixture.server->repeat(1150 * millisecond); /* the next is a period later */
    fixture.server->repeat(1200 * millisecond);
    fixture.server->repeat(1900 * millisecond); /* late: one, never a burst */
    CHECK(fixture.server->counters().repeats == 3);
    REQUIRE(!fixture.server->take_events(0, events_of({ release(key::x) }), 1950 * millisecond).is_error());
    fixture.server->repeat(5000 * millisecond);
    CHECK(fixture.server->counters().repeats == 3);
    auto read = fixture.server->read(0, { 0 });
    REQUIRE(read.value().events.size() == 5);
    CHECK(read.value().events[1].action == key_action::repeat);
    CHECK(read.value().events[1].characters[0] == 'x');
    CHECK(read.value().events[4].action == key_action::release);
}

TEST_CASE("pointer reports are scaled to the configured display and sent at SYN_REPORT", "[inputd]")
{
    auto configuration = configuration_of("us");
    configuration.width = 800;
    configuration.height = 600;
    inputd::Server server(configuration);
    server.opened(0);
    REQUIRE(!server.set_focus(server.client_id(0)).is_error());
    REQUIRE(!server.describe(1, { device::kind::pointer, 0, 32767, 0, 32767 }).is_error());
    auto taken = server.take_events(1,
        events_of({ { event_type::absolute, absolute_x, 16384 }, { event_type::absolute, absolute_y, 32767 },
            { event_type::synchronise, synchronise_report, 0 }, { event_type::key, key::button_left, 1 },
            { event_type::synchronise, synchronise_report, 0 }, { event_type::synchronise, synchronise_report, 0 } }),
        0);
    REQUIRE(!taken.is_error());
    CHECK(taken.value().refused == 0);
    auto read = server.read(0, { 0 });
    REQUIRE(read.value().events.size() == 2); /* a SYN with nothing new reports nothing */
    CHECK(read.value().events[0].kind == event_kind::pointer);
    CHECK(read.value().events[0].x == 399); /* 16384 of 0..32767 on 800 pixels: 399.5, truncated */
    CHECK(read.value().events[0].y == 599);
    CHECK(read.value().events[0].buttons == 0);
    CHECK(read.value().events[1].buttons == button::left);
}

TEST_CASE("a driver's bad requests are refused and counted; the keys it holds stay right", "[inputd][attack]")
{
    inputd::Server server(configuration_of("us"));
    server.opened(0);
    REQUIRE(!server.set_focus(server.client_id(0)).is_error());
    CHECK(server.take_events(0, events_of({ press(key::a) }), 0).error().is(device::DeviceError::NotDescribed));
    CHECK(server.describe(0, { 0, 0, 0, 0, 0 }).error().is(device::DeviceError::UnknownKind));
    CHECK(server.describe(0, { 8, 0, 0, 0, 0 }).error().is(device::DeviceError::UnknownKind));
    CHECK(server.describe(0, { device::kind::pointer, 0, 0, 0, 100 }).error().is(device::DeviceError::InvalidRange));
    CHECK(server.describe(0, { device::kind::all, 10, 100, 50, 50 }).error().is(device::DeviceError::InvalidRange));
    REQUIRE(!server.describe(0, keyboard_description()).is_error());
    auto taken = server.take_events(0,
        events_of({ release(key::a),                          /* not held */
            press(key::left_shift), press(key::left_shift),  /* a second press of a held key */
            { event_type::key, key::a, 2 },                  /* the device's own autorepeat */
            { event_type::key, 0x2ff + 1, 1 },               /* past KEY_MAX */
            { event_type::relative, 0, 5 },                  /* a keyboard sends no motion */
            { event_type::absolute, absolute_x, 5 },         /* nor absolute axes */
            { event_type::key, key::button_left, 1 },        /* nor buttons */
            { event_type::synchronise, 7, 0 },               /* an unknown SYN */
            { event_type::key, key::a, -1 } }),
        0);
    REQUIRE(!taken.is_error());
    CHECK(taken.value().accepted == 1);
    CHECK(taken.value().refused == 9);
    CHECK(server.counters().events_refused == 9);
    /* Shift is held once: a release frees it and the next key is plain. */
    REQUIRE(!server.take_events(0, events_of({ release(key::left_shift), press(key::a) }), 0).is_error());
    auto read = server.read(0, { 0 });
    REQUIRE(read.value().events.size() == 3);
    CHECK(read.value().events[2].characters[0] == 'a');
    CHECK(read.value().events[2].modifiers == 0);
}

TEST_CASE("a restarted driver describes again and inputd forgets its held keys", "[inputd][attack]")
{
    Fixture fixture(configuration_of("us"));
    REQUIRE(!fixture.server->take_events(0, events_of({ press(key::left_shift), press(key::w) }), 0).is_error());
    CHECK(fixture.server->keyboard().held(key::left_shift));
    REQUIRE(!fixture.server->describe(0, keyboard_description()).is_error());
    CHECK(!fixture.server->keyboard().held(key::left_shift));
    CHECK(fixture.server->keyboard().next_repeat().is_error());
    (void)fixture.typed();
    REQUIRE(!fixture.server->take_events(0, events_of({ press(key::w) }), 0).is_error());
    CHECK(fixture.typed() == "w");
}

TEST_CASE("a session without the focus is never queued anything and its reads are refused", "[inputd][attack]")
{
    Fixture fixture(configuration_of("us"));
    CHECK(fixture.server->read(1, { 0 }).error().is(InputError::NotFocused));
    REQUIRE(!fixture.server->take_events(0, events_of({ press(key::a), release(key::a) }), 0).is_error());
    CHECK(fixture.server->queued(0) == 2);
    CHECK(fixture.server->queued(1) == 0);
    CHECK(fixture.server->read(1, { 0 }).error().is(InputError::NotFocused));
    /* The focus moves: the old holder's queue is emptied, and it reads nothing any more. */
    REQUIRE(!fixture.server->set_focus(fixture.server->client_id(1)).is_error());
    CHECK(fixture.server->queued(0) == 0);
    CHECK(fixture.server->read(0, { 0 }).error().is(InputError::NotFocused));
    REQUIRE(!fixture.server->take_events(0, events_of({ press(key::b) }), 0).is_error());
    CHECK(fixture.typed(1) == "b");
    /* No session: events are counted as unrouted. */
    REQUIRE(!fixture.server->set_focus(0).is_error());
    REQUIRE(!fixture.server->take_events(0, events_of({ release(key::b) }), 0).is_error());
    CHECK(fixture.server->counters().unrouted == 1);
    CHECK(fixture.server->read(1, { 0 }).error().is(InputError::NotFocused));
}

TEST_CASE("focus given to an id no open session has is refused; a closed session's id is gone", "[inputd][attack]")
{
    Fixture fixture(configuration_of("us"));
    u32 first = fixture.server->client_id(0);
    u32 second = fixture.server->client_id(1);
    CHECK(first != second);
    CHECK(fixture.server->set_focus(second + 100).error().is(focus::FocusError::NoSuchClient));
    CHECK(fixture.server->counters().focused == first); /* unchanged */
    fixture.server->closed(0);
    CHECK(fixture.server->counters().focused == 0); /* the focused session ended */
    CHECK(fixture.server->set_focus(first).error().is(focus::FocusError::NoSuchClient));
    /* A session opened in its place gets a new id: the old one names nobody. */
    fixture.server->opened(0);
    CHECK(fixture.server->client_id(0) != first);
    CHECK(fixture.server->set_focus(first).error().is(focus::FocusError::NoSuchClient));
}

TEST_CASE("a focused session that never reads keeps at most its queue; the drops are counted and reported", "[inputd][attack]")
{
    Fixture fixture(configuration_of("us"));
    for (int round = 0; round < 50; ++round)
        REQUIRE(!fixture.server->take_events(0, events_of({ press(key::a), release(key::a) }), 0).is_error());
    CHECK(fixture.server->queued(0) == queued_events);
    CHECK(fixture.server->counters().dropped == 100 - queued_events);
    auto read = fixture.server->read(0, { 0 });
    REQUIRE(!read.is_error());
    CHECK(read.value().events.size() == maximum_read_events);
    CHECK(read.value().dropped == 100 - queued_events);
    CHECK(fixture.server->read(0, { 0 }).value().dropped == 0);
}

TEST_CASE("a full queue takes the newest pointer report in place of the last one with the same buttons; button changes are dropped, never folded", "[inputd][attack]")
{
    auto configuration = configuration_of("us");
    configuration.width = 1000;
    configuration.height = 1000;
    inputd::Server server(configuration);
    server.opened(0);
    REQUIRE(!server.set_focus(server.client_id(0)).is_error());
    REQUIRE(!server.describe(1, { device::kind::pointer, 0, 999, 0, 999 }).is_error());
    auto report = [&](i32 x, i32 left) {
        REQUIRE(!server.take_events(1,
                          events_of({ { event_type::absolute, absolute_x, x }, { event_type::key, key::button_left, left },
                              { event_type::synchronise, synchronise_report, 0 } }),
                          0)
                     .is_error());
    };
    /* Below a full queue every report is kept, motion too (a reader that keeps up sees each one). */
    report(1, 0);
    report(2, 0);
    CHECK(server.queued(0) == 2);
    for (i32 x = 3; x <= i32(queued_events); ++x)
        report(x, 0);
    CHECK(server.queued(0) == queued_events);
    /* Full: 500 motions more replace the last report; nothing is dropped, the newest position stays. */
    for (i32 x = 100; x < 600; ++x)
        report(x, 0);
    CHECK(server.queued(0) == queued_events);
    CHECK(server.counters().dropped == 0);
    /* A button change finds no report with its buttons to replace: dropped and counted. */
    report(700, 1);
    CHECK(server.counters().dropped == 1);
    input::InputEvent last;
    for (int reads = 0; reads < 8 && server.queued(0) > 0; ++reads) {
        auto read = server.read(0, { 0 });
        REQUIRE(!read.is_error());
        last = read.value().events[read.value().events.size() - 1];
    }
    CHECK(last.x == 599);
    CHECK(last.buttons == 0);
}
