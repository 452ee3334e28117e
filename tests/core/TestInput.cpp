/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/input: keymaps, modifiers, dead keys, key repeat by the caller's clock, the pointer.
 */

#include <catch2/catch.hpp>
#include <string>
#include <vectra/input/Keyboard.h>
#include <vectra/input/Pointer.h>

using namespace vectra;
using namespace vectra::input;

namespace {

constexpr u64 millisecond = 1'000'000;

/* Press and release `code`, returning the characters the press typed (UTF-32). */
std::u32string tap(Keyboard& keyboard, u16 code, u64 now = 0)
{
    auto press = keyboard.handle(code, key_value::press, now);
    REQUIRE(!press.is_error());
    REQUIRE(press.value().action == KeyAction::Press);
    auto release = keyboard.handle(code, key_value::release, now);
    REQUIRE(!release.is_error());
    REQUIRE(release.value().character_count == 0);
    std::u32string typed;
    for (u8 index = 0; index < press.value().character_count; ++index)
        typed += static_cast<char32_t>(press.value().characters[index]);
    return typed;
}

void press(Keyboard& keyboard, u16 code, u64 now = 0) { REQUIRE(!keyboard.handle(code, key_value::press, now).is_error()); }
void release(Keyboard& keyboard, u16 code, u64 now = 0) { REQUIRE(!keyboard.handle(code, key_value::release, now).is_error()); }

std::u32string with(Keyboard& keyboard, u16 modifier_key, u16 code)
{
    press(keyboard, modifier_key);
    auto typed = tap(keyboard, code);
    release(keyboard, modifier_key);
    return typed;
}

}

TEST_CASE("US: letters, digits and punctuation by level", "[input]")
{
    Keyboard keyboard(us_keymap(), {});
    CHECK(tap(keyboard, key::h) == U"h");
    CHECK(tap(keyboard, key::y) == U"y");
    CHECK(tap(keyboard, key::z) == U"z");
    CHECK(tap(keyboard, key::one) == U"1");
    CHECK(with(keyboard, key::left_shift, key::one) == U"!");
    CHECK(with(keyboard, key::right_shift, key::two) == U"@");
    CHECK(tap(keyboard, key::space) == U" ");
    CHECK(tap(keyboard, key::enter) == U"\n");
    CHECK(tap(keyboard, key::up).empty());
    /* US has no AltGr: right Alt is Alt, and the letter stays plain. */
    press(keyboard, key::right_alt);
    CHECK(keyboard.modifiers() == modifier::alt);
    CHECK(tap(keyboard, key::q) == U"q");
    release(keyboard, key::right_alt);
}

TEST_CASE("a capital through Shift and through Caps Lock; Shift under Caps Lock is lower case", "[input]")
{
    Keyboard keyboard(us_keymap(), {});
    CHECK(with(keyboard, key::left_shift, key::a) == U"A");
    CHECK(tap(keyboard, key::a) == U"a");
    tap(keyboard, key::caps_lock);
    CHECK((keyboard.modifiers() & modifier::caps_lock) != 0);
    CHECK(tap(keyboard, key::a) == U"A");
    CHECK(with(keyboard, key::left_shift, key::a) == U"a");
    /* Caps Lock acts on letters only. */
    CHECK(tap(keyboard, key::one) == U"1");
    CHECK(tap(keyboard, key::semicolon) == U";");
    tap(keyboard, key::caps_lock);
    CHECK(keyboard.modifiers() == 0);
    CHECK(tap(keyboard, key::a) == U"a");
}

TEST_CASE("German: Z and Y swapped, AltGr level, umlauts under Caps Lock", "[input]")
{
    Keyboard keyboard(german_keymap(), {});
    CHECK(tap(keyboard, key::y) == U"z");
    CHECK(tap(keyboard, key::z) == U"y");
    CHECK(with(keyboard, key::left_shift, key::y) == U"Z");
    CHECK(with(keyboard, key::right_alt, key::q) == U"@");
    CHECK(with(keyboard, key::right_alt, key::e) == U"\u20ac");
    CHECK(with(keyboard, key::right_alt, key::eight) == U"[");
    CHECK(with(keyboard, key::right_alt, key::key_102nd) == U"|");
    CHECK(tap(keyboard, key::minus) == U"\u00df");
    CHECK(with(keyboard, key::left_shift, key::seven) == U"/");
    CHECK(tap(keyboard, key::left_alt).empty());
    /* The left Alt is Alt, not AltGr: Alt+Q is q with the Alt modifier. */
    press(keyboard, key::left_alt);
    CHECK(keyboard.modifiers() == modifier::alt);
    CHECK(tap(keyboard, key::q) == U"q");
    release(keyboard, key::left_alt);
    tap(keyboard, key::caps_lock);
    CHECK(tap(keyboard, key::apostrophe) == U"\u00c4");
    CHECK(tap(keyboard, key::minus) == U"\u00df");
    CHECK(with(keyboard, key::right_alt, key::q) == U"@");
}

TEST_CASE("German dead keys: ^ and ´ compose, space types the mark, others type both", "[input]")
{
    Keyboard keyboard(german_keymap(), {});
    CHECK(tap(keyboard, key::grave).empty());
    CHECK(tap(keyboard, key::e) == U"\u00ea");
    CHECK(tap(keyboard, key::equal).empty());
    CHECK(with(keyboard, key::left_shift, key::e) == U"\u00c9");
    /* Shift+´ is the dead grave. */
    CHECK(with(keyboard, key::left_shift, key::equal).empty());
    CHECK(tap(keyboard, key::a) == U"\u00e0");
    CHECK(tap(keyboard, key::grave).empty());
    CHECK(tap(keyboard, key::space) == U"^");
    CHECK(tap(keyboard, key::grave).empty());
    CHECK(tap(keyboard, key::grave) == U"^");
    CHECK(tap(keyboard, key::x) == U"x");
    CHECK(tap(keyboard, key::grave).empty());
    CHECK(tap(keyboard, key::x) == U"^x");
    /* A dead key followed by another types the first mark and keeps the second pending. */
    CHECK(tap(keyboard, key::grave).empty());
    CHECK(tap(keyboard, key::equal) == U"^");
    CHECK(tap(keyboard, key::o) == U"\u00f3");
    /* Modifiers in between do not cancel it. */
    CHECK(tap(keyboard, key::grave).empty());
    CHECK(with(keyboard, key::left_shift, key::u) == U"\u00db");
}

TEST_CASE("Ctrl with a letter types its control character", "[input]")
{
    Keyboard keyboard(us_keymap(), {});
    CHECK(with(keyboard, key::left_control, key::c) == U"\x03");
    CHECK(with(keyboard, key::right_control, key::a) == U"\x01");
    Keyboard german(german_keymap(), {});
    CHECK(with(german, key::left_control, key::y) == U"\x1a"); /* Ctrl+Z where Z is on German */
}

TEST_CASE("refused events change nothing", "[input]")
{
    Keyboard keyboard(us_keymap(), {});
    /* A release without a press is ignored: no event, no state. */
    auto stray = keyboard.handle(key::a, key_value::release, 0);
    REQUIRE(stray.is_error());
    CHECK(stray.error().code() == ErrorCode::NotFound);
    CHECK(!keyboard.held(key::a));
    auto stray_shift = keyboard.handle(key::left_shift, key_value::release, 0);
    REQUIRE(stray_shift.is_error());
    CHECK(keyboard.modifiers() == 0);
    /* A second press of a held key is refused: one release ends it. */
    press(keyboard, key::left_shift);
    CHECK(keyboard.handle(key::left_shift, key_value::press, 0).error().code() == ErrorCode::AlreadyExists);
    release(keyboard, key::left_shift);
    CHECK(keyboard.modifiers() == 0);
    /* Codes past KEY_MAX, values other than 0/1, and the device's own repeat. */
    CHECK(keyboard.handle(key_code_limit, key_value::press, 0).is_error());
    CHECK(keyboard.handle(0xffff, key_value::press, 0).is_error());
    CHECK(keyboard.handle(key::a, 3, 0).is_error());
    CHECK(keyboard.handle(key::a, 0xffffffff, 0).is_error());
    CHECK(keyboard.handle(key::a, key_value::autorepeat, 0).is_error());
    CHECK(!keyboard.held(key::a));
    /* Caps Lock's second press without a release does not toggle it back. */
    press(keyboard, key::caps_lock);
    CHECK(keyboard.handle(key::caps_lock, key_value::press, 0).is_error());
    CHECK((keyboard.modifiers() & modifier::caps_lock) != 0);
}

TEST_CASE("repeat: delay, then rate, by the caller's clock; stops at release", "[input]")
{
    Keyboard keyboard(us_keymap(), { 400, 20 }); /* first after 400 ms, then every 50 ms */
    CHECK(keyboard.next_repeat().is_error());
    press(keyboard, key::a, 1000 * millisecond);
    CHECK(keyboard.next_repeat().value() == 1400 * millisecond);
    CHECK(keyboard.repeat(1399 * millisecond).is_error());
    auto first = keyboard.repeat(1400 * millisecond);
    REQUIRE(!first.is_error());
    CHECK(first.value().action == KeyAction::Repeat);
    CHECK(first.value().code == key::a);
    CHECK(first.value().character_count == 1);
    CHECK(first.value().characters[0] == 'a');
    CHECK(keyboard.next_repeat().value() == 1450 * millisecond);
    CHECK(keyboard.repeat(1449 * millisecond).is_error());
    CHECK(!keyboard.repeat(1450 * millisecond).is_error());
    /* Shift pressed while a repeats: it keeps repeating, now as A. */
    press(keyboard, key::left_shift, 1460 * millisecond);
    CHECK(keyboard.repeat(1500 * millisecond).value().characters[0] == 'A');
    release(keyboard, key::left_shift, 1510 * millisecond);
    /* Late by far: one repeat, then the next a full period after now. */
    CHECK(!keyboard.repeat(5000 * millisecond).is_error());
    CHECK(keyboard.repeat(5000 * millisecond).is_error());
    CHECK(keyboard.next_repeat().value() == 5050 * millisecond);
    release(keyboard, key::a, 5010 * millisecond);
    CHECK(keyboard.next_repeat().is_error());
    CHECK(keyboard.repeat(6000 * millisecond).is_error());
}

TEST_CASE("repeat: another key takes over; modifiers, dead keys and rate 0 never repeat", "[input]")
{
    Keyboard keyboard(us_keymap(), { 100, 10 });
    press(keyboard, key::a, 0);
    press(keyboard, key::b, 50 * millisecond);
    CHECK(keyboard.repeat(120 * millisecond).is_error());
    CHECK(keyboard.repeat(150 * millisecond).value().code == key::b);
    /* Releasing the earlier key does not stop the later one. */
    release(keyboard, key::a, 160 * millisecond);
    CHECK(keyboard.repeat(250 * millisecond).value().code == key::b);
    release(keyboard, key::b, 260 * millisecond);
    press(keyboard, key::left_shift, 300 * millisecond);
    CHECK(keyboard.next_repeat().is_error());
    release(keyboard, key::left_shift, 300 * millisecond);

    Keyboard german(german_keymap(), { 100, 10 });
    press(german, key::grave, 0);
    CHECK(german.next_repeat().is_error());
    Keyboard never(us_keymap(), { 100, 0 });
    press(never, key::a, 0);
    CHECK(never.next_repeat().is_error());
    CHECK(never.repeat(1000 * millisecond).is_error());
    /* A clock near its end saturates rather than wrapping to a repeat due at once. */
    Keyboard late(us_keymap(), { 100, 10 });
    press(late, key::a, ~u64 { 0 } - 5);
    CHECK(late.next_repeat().value() == ~u64 { 0 });
    CHECK(late.repeat(~u64 { 0 } - 1).is_error());
}

TEST_CASE("forget_keys releases everything without reports", "[input]")
{
    Keyboard keyboard(german_keymap(), {});
    CHECK(tap(keyboard, key::grave).empty());
    press(keyboard, key::left_shift);
    press(keyboard, key::a);
    keyboard.forget_keys();
    CHECK(keyboard.modifiers() == 0);
    CHECK(!keyboard.held(key::a));
    CHECK(keyboard.next_repeat().is_error());
    CHECK(tap(keyboard, key::e) == U"e"); /* the pending dead key went too */
}

TEST_CASE("keymaps by name", "[input]")
{
    CHECK(find_keymap("us").value() == &us_keymap());
    CHECK(find_keymap("de").value() == &german_keymap());
    CHECK(find_keymap("fr").is_error());
    CHECK(find_keymap("").is_error());
    /* Every level of every built-in key is a character or nothing, never a surrogate; each code once. */
    for (Keymap const* keymap : { &us_keymap(), &german_keymap() }) {
        for (auto const& entry : keymap->entries) {
            CHECK(keymap->find(entry.code) == &entry);
            for (u32 character : { entry.plain, entry.shifted, entry.altgr, entry.shifted_altgr })
                CHECK((character < 0xd800 || (character > 0xdfff && character <= 0x10ffff)));
        }
    }
}

TEST_CASE("pointer: reports assembled at SYN_REPORT and scaled to the surface", "[input]")
{
    CHECK(Pointer::create({ 0, 0 }, { 0, 10 }, 10, 10).is_error());
    CHECK(Pointer::create({ 0, 10 }, { 5, 4 }, 10, 10).is_error());
    CHECK(Pointer::create({ 0, 10 }, { 0, 10 }, 0, 10).is_error());
    auto pointer = Pointer::create({ 0, 0x7fff }, { 0, 0x7fff }, 1024, 768).release_value();
    CHECK(pointer.handle({ event_type::absolute, absolute_x, 0x7fff }).error().code() == ErrorCode::NotFound);
    CHECK(pointer.handle({ event_type::absolute, absolute_y, 0 }).is_error());
    CHECK(pointer.handle({ event_type::key, key::button_left, key_value::press }).is_error());
    auto report = pointer.handle({ event_type::synchronise, synchronise_report, 0 });
    REQUIRE(!report.is_error());
    CHECK(report.value().x == 1023);
    CHECK(report.value().y == 0);
    CHECK(report.value().buttons == button::left);
    /* Out of range is clamped; an unknown axis or key is refused. */
    CHECK(pointer.handle({ event_type::absolute, absolute_y, 0xffffffff }).is_error());
    CHECK(pointer.handle({ event_type::absolute, 0x2f, 5 }).error().code() == ErrorCode::Unsupported);
    CHECK(pointer.handle({ event_type::key, key::a, key_value::press }).error().code() == ErrorCode::Unsupported);
    CHECK(pointer.handle({ event_type::key, key::button_left, key_value::release }).is_error());
    report = pointer.handle({ event_type::synchronise, synchronise_report, 0 });
    CHECK(report.value().y == 0); /* -1 clamped to the minimum */
    CHECK(report.value().buttons == 0);
    CHECK(pointer.handle({ event_type::absolute, absolute_y, 0x4000 }).is_error());
    CHECK(pointer.handle({ event_type::synchronise, synchronise_report, 0 }).value().y == 0x4000u * 767 / 0x7fff);
}
