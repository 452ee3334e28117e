/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Image input-service's clients of inputd (docs/adr/0040-inputd.md):
 *
 *   input_focus_client holds the focus connection, gives the focus to its own session (by the id
 *   `identify` answers), then reads: the text typed up to Enter, a held key's repeats up to its
 *   release, pointer reports up to the release of the left button; then inputd's counters.
 *   input_other_client has a session and no focus connection: every read it makes for 20 seconds
 *   must be refused `not-focused`, and it must never receive an event.
 */

#include <vectra/Connection.h>
#include <vectra/Session.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/Utf8String.h>
#include <vectra/input/Protocol.h>

VECTRA_TASK_ENTRY(input_focus_client);
VECTRA_TASK_ENTRY(input_other_client);

namespace vectra::task_entries {

namespace {

using InputClient = session::SessionClient<input::Protocol>;
constexpr ConnectionBits focus_bits { SignalBit { 3 }, SignalBit { 4 }, SignalBit { 5 } };
constexpr SignalBit sleep_bit { 9 };
constexpr u64 other_seconds = 20;

ErrorOr<InputClient> open_session(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    return InputClient::open(std::move(requests), std::move(replies), std::move(memory));
}

enum class Stage : u8 {
    Typing,
    Holding,
    Pointing,
    Done,
};

}

ErrorOr<i32> input_focus_client(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto focus = TRY(Client<input::focus::Protocol>::bind(
        TRY(bundle.take<RingCap>("focus_requests")), TRY(bundle.take<RingCap>("focus_replies")), focus_bits));
    auto client = TRY(open_session(bundle));
    u32 id = TRY(client.call(input::Identify {})).client;
    TRY(focus.call(input::focus::SetFocus { id }));
    TRY(print_line(console, "input-client: client {} has the focus; type", id));

    Utf8String<128> line;
    Stage stage = Stage::Typing;
    u16 held = 0;
    u32 repeats = 0;
    bool left_was_down = false;
    while (stage != Stage::Done) {
        auto read = client.call(input::Read { 10'000 }, Duration::from_seconds(15));
        if (read.is_error()) {
            TRY(print_line(console, "input-client: read failed: {}", read.error().name()));
            return read.release_error();
        }
        if (read.value().dropped != 0)
            TRY(print_line(console, "input-client: {} events dropped", read.value().dropped));
        for (auto const& event : read.value().events) {
            if (event.kind == input::event_kind::pointer) {
                TRY(print_line(console, "input-client: pointer {} {} buttons {:#x}", event.x, event.y, event.buttons));
                bool left_down = (event.buttons & 1) != 0;
                if (stage == Stage::Pointing && left_was_down && !left_down)
                    stage = Stage::Done;
                left_was_down = left_down;
                continue;
            }
            if (stage == Stage::Typing && event.action != input::key_action::release) {
                for (u32 character : event.characters) {
                    if (character == '\n') {
                        TRY(print_line(console, "input-client: typed \"{}\"", line.bytes()));
                        stage = Stage::Holding;
                    } else if (character >= 0x20) {
                        (void)line.try_append_code_point(character);
                    }
                }
                continue;
            }
            if (stage != Stage::Holding)
                continue;
            if (event.action == input::key_action::press && held == 0)
                held = event.code;
            else if (event.action == input::key_action::repeat && event.code == held)
                ++repeats;
            else if (event.action == input::key_action::release && event.code == held) {
                TRY(print_line(console, "input-client: held key {}: {} repeats, then released", held, repeats));
                stage = Stage::Pointing;
            }
        }
    }
    auto counters = TRY(focus.call(input::focus::ReadCounters {}));
    TRY(print_line(console, "input-client: inputd delivered {}, dropped {}, unrouted {}, refused {}, repeats {}", counters.delivered,
        counters.dropped, counters.unrouted, counters.events_refused, counters.repeats));
    return repeats > 0 ? 0 : 1;
}

ErrorOr<i32> input_other_client(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto client = TRY(open_session(bundle));
    u32 id = TRY(client.call(input::Identify {})).client;
    TRY(print_line(console, "input-other: client {}, without the focus", id));
    u64 end = system::monotonic_nanoseconds() + other_seconds * 1'000'000'000;
    u32 reads = 0;
    u32 refused = 0;
    usize events = 0;
    while (system::monotonic_nanoseconds() < end) {
        auto read = client.call(input::Read { 100 });
        ++reads;
        if (read.is_error())
            refused += read.error().is(input::InputError::NotFocused) ? 1 : 0;
        else
            events += read.value().events.size();
        (void)system::wait_until(sleep_bit.mask(), system::monotonic_nanoseconds() + 100'000'000, sleep_bit);
    }
    TRY(print_line(console, "input-other: {} reads in {} s, {} refused not-focused; {} events", reads, other_seconds, refused, events));
    return reads == refused && events == 0 ? 0 : 1;
}

}
