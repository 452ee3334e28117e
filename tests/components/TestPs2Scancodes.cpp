/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * PS/2 scancode set 1 to evdev key events (vectra/ps2keyboard/Scancodes.h): the bytes QEMU's
 * i8042 sends with translation on for `hello World!` typed on a US keyboard, decoded through
 * core/input's US keymap to the same text; the extended keys; Pause; the keyboard's repeat; and
 * every kind of refusal counted: unknown codes, broken E0 and E1 sequences, the controller's
 * bytes, the fake shifts, a break of a key never pressed.
 */

#include <catch2/catch.hpp>
#include <string>
#include <vector>
#include <vectra/input/Keyboard.h>
#include <vectra/ps2keyboard/Scancodes.h>

using namespace vectra;
using namespace vectra::ps2keyboard;

namespace {

std::vector<KeyChange> decode_all(ScancodeDecoder& decoder, std::vector<u8> const& bytes)
{
    std::vector<KeyChange> changes;
    for (u8 byte : bytes) {
        auto decoded = decoder.feed(byte);
        for (u8 index = 0; index < decoded.count; ++index)
            changes.push_back(decoded.changes[index]);
    }
    return changes;
}

}

TEST_CASE("set 1 bytes for `hello World!` decode, through the US keymap, to that text")
{
    /* make, break pairs; Shift (2A/AA) around W and 1. */
    std::vector<u8> bytes = { 0x23, 0xa3, 0x12, 0x92, 0x26, 0xa6, 0x26, 0xa6, 0x18, 0x98, 0x39, 0xb9, 0x2a, 0x11, 0x91,
        0xaa, 0x18, 0x98, 0x13, 0x93, 0x26, 0xa6, 0x20, 0xa0, 0x2a, 0x02, 0x82, 0xaa, 0x1c, 0x9c };
    ScancodeDecoder decoder;
    auto changes = decode_all(decoder, bytes);
    REQUIRE(changes.size() == bytes.size());
    input::Keyboard keyboard(input::us_keymap(), { 500, 25 });
    std::string typed;
    u64 now = 0;
    for (auto const& change : changes) {
        auto event = keyboard.handle(change.code, change.value, now += 1'000'000);
        REQUIRE_FALSE(event.is_error());
        for (u8 index = 0; index < event.value().character_count; ++index)
            typed += static_cast<char>(event.value().characters[index]);
    }
    CHECK(typed == "hello World!\n");
    CHECK(decoder.counts().bytes == bytes.size());
    CHECK(decoder.counts().changes == bytes.size());
    CHECK(decoder.counts().unknown + decoder.counts().malformed + decoder.counts().unmatched == 0);
}

TEST_CASE("every plain make code is its evdev code, its break bit 7 set; F11, F12 and the 102nd key too")
{
    ScancodeDecoder decoder;
    for (u16 scancode : { 0x01, 0x1d, 0x2a, 0x39, 0x3b, 0x45, 0x53, 0x56, 0x57, 0x58 }) {
        auto pressed = decoder.feed(static_cast<u8>(scancode));
        REQUIRE(pressed.count == 1);
        CHECK(pressed.changes[0].code == scancode);
        CHECK(pressed.changes[0].value == input::key_value::press);
        CHECK(decoder.held(scancode));
        auto released = decoder.feed(static_cast<u8>(scancode | 0x80));
        REQUIRE(released.count == 1);
        CHECK(released.changes[0].code == scancode);
        CHECK(released.changes[0].value == input::key_value::release);
        CHECK_FALSE(decoder.held(scancode));
    }
}

TEST_CASE("E0 keys: right Ctrl and Alt, arrows, the editing block, keypad Enter; fake shifts ignored")
{
    ScancodeDecoder decoder;
    /* Right Alt, up, Delete, keypad Enter (press and release each), Insert wrapped in fake shifts. */
    auto changes = decode_all(decoder, { 0xe0, 0x38, 0xe0, 0xb8, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x53, 0xe0, 0xd3, 0xe0, 0x1c,
                                           0xe0, 0x9c, 0xe0, 0x2a, 0xe0, 0x52, 0xe0, 0xd2, 0xe0, 0xaa, 0xe0, 0x1d, 0xe0, 0x9d });
    std::vector<std::pair<u16, u32>> expected = { { input::key::right_alt, 1 }, { input::key::right_alt, 0 }, { input::key::up, 1 },
        { input::key::up, 0 }, { input::key::delete_, 1 }, { input::key::delete_, 0 }, { 96, 1 }, { 96, 0 }, { input::key::insert, 1 },
        { input::key::insert, 0 }, { input::key::right_control, 1 }, { input::key::right_control, 0 } };
    REQUIRE(changes.size() == expected.size());
    for (usize index = 0; index < expected.size(); ++index) {
        CHECK(changes[index].code == expected[index].first);
        CHECK(changes[index].value == expected[index].second);
    }
    CHECK(decoder.counts().ignored == 2);
    CHECK_FALSE(decoder.held(input::key::left_shift)); /* the fake shift pressed nothing */
}

TEST_CASE("Pause (E1 1D 45 E1 9D C5) is a press and a release; a broken one is malformed and resynchronises")
{
    ScancodeDecoder decoder;
    auto changes = decode_all(decoder, { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 });
    REQUIRE(changes.size() == 2);
    CHECK((changes[0].code == 119 && changes[0].value == 1 && changes[1].code == 119 && changes[1].value == 0));
    /* Broken after two bytes, then a plain A: the A still decodes. */
    changes = decode_all(decoder, { 0xe1, 0x1d, 0x1e, 0x1e, 0x9e });
    REQUIRE(changes.size() == 2);
    CHECK((changes[0].code == input::key::a && changes[0].value == 1));
    CHECK(decoder.counts().malformed == 1);
}

TEST_CASE("refusals are counted and dropped: unknown codes, E0 E0, controller bytes, an unmatched break")
{
    ScancodeDecoder decoder;
    CHECK(decoder.feed(0x55).count == 0); /* no key */
    CHECK(decoder.feed(0x7f).count == 0);
    CHECK(decoder.feed(0xe0).count == 0);
    CHECK(decoder.feed(0x6f).count == 0); /* E0 6F: no key */
    CHECK(decoder.counts().unknown == 3);
    CHECK(decoder.feed(0xe0).count == 0);
    CHECK(decoder.feed(0xe0).count == 0); /* E0 E0 */
    CHECK(decoder.feed(0xe0).count == 0);
    CHECK(decoder.feed(0xfa).count == 0); /* E0 then an ACK */
    CHECK(decoder.counts().malformed == 2);
    for (u8 byte : { 0x00, 0xff, 0xfa, 0xfe, 0xee })
        CHECK(decoder.feed(byte).count == 0);
    CHECK(decoder.counts().responses == 5);
    CHECK(decoder.feed(0x9e).count == 0); /* A released, never pressed */
    CHECK(decoder.counts().unmatched == 1);
    CHECK(decoder.counts().changes == 0);
    CHECK(decoder.counts().bytes == 14);
}

TEST_CASE("a make of a held key is the keyboard's repeat (2); reset forgets held keys")
{
    ScancodeDecoder decoder;
    auto first = decoder.feed(0x1e);
    auto again = decoder.feed(0x1e);
    REQUIRE((first.count == 1 && again.count == 1));
    CHECK(first.changes[0].value == input::key_value::press);
    CHECK(again.changes[0].value == input::key_value::autorepeat);
    CHECK(decoder.feed(0xe0).count == 0);
    decoder.reset();
    CHECK_FALSE(decoder.held(input::key::a));
    CHECK(decoder.feed(0x9e).count == 0); /* the half E0 was forgotten too: a plain unmatched break */
    CHECK(decoder.counts().unmatched == 1);
}
