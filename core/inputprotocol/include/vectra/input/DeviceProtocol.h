/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.input.device, declared once (docs/adr/0040-inputd.md §2): what an input driver sends
 * inputd over the direct connection its boot manifest gives it. The driver is the client.
 *
 *   - `describe` says what the device is: a keyboard, a pointer, or both (the hosted window), and
 *     for a pointer the range of its absolute axes. It comes first, and again after the driver
 *     restarted (inputd then forgets every key the device held: no key stays down).
 *   - `events` carries up to 32 raw evdev events (type, code, value) in the device's order. inputd
 *     decodes them (keymap, modifiers, repeat, pointer scaling) and routes the result to the
 *     focused client; the reply counts the events it took and the ones it refused (an event a
 *     keyboard or pointer does not send, a release of a key not held, the device's own autorepeat),
 *     which change nothing.
 *
 * Drivers know nothing of layouts, focus or clients: that is inputd's (Genode's input_filter model).
 */

#pragma once

#include <vectra/BoundedVector.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::input::device {

enum class DeviceError : u16 {
    NotDescribed = 1,
    UnknownKind = 2,
    InvalidRange = 3,
};

/* What a device reports: a bit set. */
namespace kind {
constexpr u8 keyboard = 1 << 0;
constexpr u8 pointer = 1 << 1;
constexpr u8 all = keyboard | pointer;
}

inline constexpr usize maximum_events = 32;

struct RawEvent {
    u16 type { 0 };
    u16 code { 0 };
    i32 value { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("type", &RawEvent::type), field("code", &RawEvent::code), field("value", &RawEvent::value));
    }
};

struct Describe {
    u8 kind { 0 };
    i32 x_minimum { 0 };
    i32 x_maximum { 0 };
    i32 y_minimum { 0 };
    i32 y_maximum { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("kind", &Describe::kind), field("x_minimum", &Describe::x_minimum),
            field("x_maximum", &Describe::x_maximum), field("y_minimum", &Describe::y_minimum),
            field("y_maximum", &Describe::y_maximum));
    }
};

struct Events {
    BoundedVector<RawEvent, maximum_events> events;
    static constexpr auto fields() { return vectra::fields(field("events", &Events::events)); }
};

struct Taken {
    u16 accepted { 0 };
    u16 refused { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("accepted", &Taken::accepted), field("refused", &Taken::refused));
    }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.input.device";
    static constexpr u16 version = 1;
    static constexpr u32 slot_count = 8;
    static constexpr u32 slot_size = 512;
    using Errors = DeviceError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(DeviceError::NotDescribed, "not-described", "events before the connection's first describe"),
            error(DeviceError::UnknownKind, "unknown-kind", "kind is not keyboard (1), pointer (2) or both (3)"),
            error(DeviceError::InvalidRange, "invalid-range", "a pointer's axis range is empty (maximum not above minimum)"));
    }

    static constexpr auto messages()
    {
        using protocol::message;
        return protocol::messages(
            message<Describe, protocol::Done>("describe", "What the device reports (keyboard 1, pointer 2, both 3) and a pointer's absolute axis ranges; again after a driver restart (held keys are forgotten)."),
            message<Events, Taken>("events", "Up to 32 raw evdev events in the device's order; the reply counts the events taken and the ones refused."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(DeviceError) { return domain; }
inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

/* decode → validate: `unknown-kind` or `invalid-range` for a description inputd cannot use. */
[[nodiscard]] ErrorOr<void> check(Describe const&);

}
