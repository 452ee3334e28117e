/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a PS/2 set-1 stream (vectra/ps2keyboard/Scancodes.h). Every
 * byte yields at most two key changes, each a code below key_code_limit with value 0-2; a press
 * only of a key not held, a repeat or release only of a held one (checked against a model); the
 * counts add up (changes given out, bytes fed); a byte 0xFF resets, as the driver does.
 */

#include <vectra/Panic.h>
#include <vectra/input/Event.h>
#include <vectra/ps2keyboard/Scancodes.h>

using namespace vectra;
using namespace vectra::ps2keyboard;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size > 64 * 1024)
        return 0;
    ScancodeDecoder decoder;
    bool model[256] {};
    u64 given = 0;
    for (usize offset = 0; offset < size; ++offset) {
        auto decoded = decoder.feed(data[offset]);
        VERIFY(decoded.count <= 2);
        for (u8 index = 0; index < decoded.count; ++index) {
            auto const& change = decoded.changes[index];
            VERIFY(change.code != 0 && change.code < 256 && change.code < input::key_code_limit);
            VERIFY(change.value <= input::key_value::autorepeat);
            if (change.value == input::key_value::press)
                VERIFY(!model[change.code]);
            else
                VERIFY(model[change.code]);
            model[change.code] = change.value != input::key_value::release;
            ++given;
        }
        for (u16 code = 0; code < 256; ++code)
            VERIFY(decoder.held(code) == model[code]);
        auto const& counts = decoder.counts();
        VERIFY(counts.bytes == offset + 1 && counts.changes == given);
        VERIFY(counts.unknown + counts.malformed + counts.responses + counts.ignored + counts.unmatched + counts.changes
            <= counts.bytes * 2);
    }
    return 0;
}
