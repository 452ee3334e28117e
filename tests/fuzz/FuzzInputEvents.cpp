/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a stream of virtio-input events (8 bytes each: type, code,
 * value, little-endian), each followed by one byte the clock advances by (in 3 ms steps; 0xff
 * also forgets every key), fed to a
 * Keyboard (US or German by the first byte) and a Pointer. Every key event's characters are at
 * most two and never a dead mark; held() agrees with a model of the presses and releases
 * accepted; a repeat is never due before next_repeat() nor for a key not held; the pointer stays
 * on its surface.
 */

#include <cstdlib>
#include <cstring>
#include <vectra/Panic.h>
#include <vectra/input/Keyboard.h>
#include <vectra/input/Pointer.h>

using namespace vectra;
using namespace vectra::input;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size < 1 || size > 9 * 4096)
        return 0;
    Keyboard keyboard(data[0] & 1 ? german_keymap() : us_keymap(), { static_cast<u32>(data[0] >> 1), static_cast<u32>(data[0] & 0x3f) });
    auto pointer = Pointer::create({ -5, 0x7fff }, { 0, 300 }, 640, 480).release_value();
    bool model[key_code_limit] {};
    u64 now = 0;
    for (usize offset = 1; offset + 9 <= size; offset += 9) {
        Event event;
        std::memcpy(&event.type, data + offset, 2);
        std::memcpy(&event.code, data + offset + 2, 2);
        std::memcpy(&event.value, data + offset + 4, 4);
        now += u64 { data[offset + 8] } * 3'000'000;
        auto due = keyboard.next_repeat();
        auto repeated = keyboard.repeat(now);
        if (!repeated.is_error()) {
            VERIFY(!due.is_error() && due.value() <= now);
            VERIFY(repeated.value().action == KeyAction::Repeat && keyboard.held(repeated.value().code));
            VERIFY(repeated.value().character_count <= 1);
        }
        if (event.type == event_type::key) {
            auto decoded = keyboard.handle(event.code, event.value, now);
            if (!decoded.is_error()) {
                VERIFY(event.code < key_code_limit && event.value <= key_value::press);
                VERIFY(model[event.code] == (event.value == key_value::release));
                model[event.code] = event.value == key_value::press;
                auto const& key_event = decoded.value();
                VERIFY(key_event.character_count <= 2);
                for (u8 index = 0; index < key_event.character_count; ++index)
                    VERIFY(key_event.characters[index] != 0 && !is_dead(key_event.characters[index]));
                VERIFY(key_event.action != KeyAction::Release || key_event.character_count == 0);
            }
            for (u16 code = 0; code < key_code_limit; code += 37)
                VERIFY(keyboard.held(code) == model[code]);
        }
        auto moved = pointer.handle(event);
        if (!moved.is_error())
            VERIFY(moved.value().x < 640 && moved.value().y < 480 && moved.value().buttons < 8);
        if (data[offset + 8] == 0xff)
            keyboard.forget_keys(), std::memset(model, 0, sizeof model);
    }
    return 0;
}
