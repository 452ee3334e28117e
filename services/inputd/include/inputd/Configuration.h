/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * inputd's configuration (ADR 0037: the boot manifest's "config" for the inputd Task, declared in
 * footprint.json): the keymap ("us", "de"), the key repeat (delay, rate; rate 0: no repeat) and
 * the display size pointer positions are scaled to. Absent fields: us, 500 ms, 25/s, 1024×768.
 */

#pragma once

#include <inputd/Server.h>
#include <optional>
#include <span>
#include <vectra/Utf8String.h>
#include <vectra/encoding/Describe.h>

namespace vectra::inputd {

/* The configuration footprint.json declares (held to it by a static_assert in Main.cpp). */
struct InputConfiguration {
    static constexpr u16 version = 1;
    std::optional<Utf8String<2>> keymap;
    std::optional<u16> repeat_delay_ms;
    std::optional<u8> repeat_rate;
    std::optional<u16> width;
    std::optional<u16> height;

    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("keymap", &InputConfiguration::keymap),
            vectra::field("repeat_delay_ms", &InputConfiguration::repeat_delay_ms),
            vectra::field("repeat_rate", &InputConfiguration::repeat_rate), vectra::field("width", &InputConfiguration::width),
            vectra::field("height", &InputConfiguration::height));
    }
};

/* The server's configuration; `invalid-argument` for an unknown keymap or a zero delay or size. */
[[nodiscard]] ErrorOr<Configuration> configuration_from(InputConfiguration const&);
/* The same from the configuration's bytes: malformed bytes are the decoder's error. */
[[nodiscard]] ErrorOr<Configuration> configuration_from(std::span<u8 const> bytes);

}
