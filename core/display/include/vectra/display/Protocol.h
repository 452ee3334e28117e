/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.display, declared once (docs/adr/0042-vectra-display.md): what a display's server (displayd
 * over the kernel's boot display, or the virtio-gpu driver) serves to the one client that draws the
 * screen — compositord. Encoding, schema id, client, dispatch and docs/protocols/vectra.display.md
 * come from it.
 *
 * One holder. The first session to ask anything holds the display until it closes or dies; every
 * request of another session is `busy`. A screen has one composer: two clients drawing into one
 * framebuffer would overwrite each other with nothing to order them.
 *
 * Generations. `mode` names the current mode's generation. `framebuffer` lends the holder a
 * copy of the display's memory (read and write: the client draws into what the device reads, no
 * copy). `present` names the generation it drew for; after a mode change (a window resized, a
 * new scanout size) the generation moves on, the lent copy is revoked, and a present naming the
 * old one is `mode-changed`: the client asks for the mode and the framebuffer again. The lent copy
 * is revoked too when the holder's session ends, so a client that let go cannot draw on.
 */

#pragma once

#include <vectra/protocol/Declaration.h>

namespace vectra::display {

enum class DisplayError : u16 {
    Busy = 1,
    OutsideMode = 2,
    ModeChanged = 3,
    DeviceFailed = 4,
};

struct ReadMode {
    static constexpr auto fields() { return vectra::fields(); }
};

struct Mode {
    u32 width { 0 };
    u32 height { 0 };
    u32 stride { 0 }; /* bytes from one row to the next */
    u8 format { 0 }; /* PixelFormat: 1 is XRGB8888 */
    u32 generation { 0 }; /* moves on at every mode change */
    static constexpr auto fields()
    {
        return vectra::fields(field("width", &Mode::width), field("height", &Mode::height),
            field("stride", &Mode::stride), field("format", &Mode::format), field("generation", &Mode::generation));
    }
};

struct LendFramebuffer {
    static constexpr auto fields() { return vectra::fields(); }
};

struct FramebufferLent {
    u32 generation { 0 }; /* the mode the lent memory belongs to */
    u64 size { 0 }; /* bytes: stride × height at least */
    static constexpr auto fields()
    {
        return vectra::fields(field("generation", &FramebufferLent::generation), field("size", &FramebufferLent::size));
    }
};

struct Present {
    u32 generation { 0 };
    u32 x { 0 };
    u32 y { 0 };
    u32 width { 0 };
    u32 height { 0 };
    static constexpr auto fields()
    {
        return vectra::fields(field("generation", &Present::generation), field("x", &Present::x),
            field("y", &Present::y), field("width", &Present::width), field("height", &Present::height));
    }
};

struct Presented {
    u64 presents { 0 }; /* presents the display served so far */
    u64 presented_pixels { 0 }; /* pixels those presents covered */
    static constexpr auto fields()
    {
        return vectra::fields(
            field("presents", &Presented::presents), field("presented_pixels", &Presented::presented_pixels));
    }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.display";
    static constexpr u16 version = 1;
    static constexpr u32 slot_count = 8;
    static constexpr u32 slot_size = 128;
    using Errors = DisplayError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(
            error(DisplayError::Busy, "busy", "another session holds the display (one composer at a time)"),
            error(DisplayError::OutsideMode, "outside-mode",
                "the rectangle is empty or reaches outside the mode (overflow included)"),
            error(DisplayError::ModeChanged, "mode-changed",
                "the generation named is not the current mode's: ask for the mode and the framebuffer again"),
            error(DisplayError::DeviceFailed, "device-failed",
                "the device refused or did not answer the transfer or flush"));
    }

    static constexpr auto messages()
    {
        using protocol::message;
        return protocol::messages(message<ReadMode, Mode>("mode",
                                      "The current mode: width, height, stride, pixel format and its generation."),
            message<LendFramebuffer, FramebufferLent>("framebuffer",
                "Lends the current mode's framebuffer (the reply carries a MemCap with read and write: the memory the "
                "device shows); it is revoked at the next mode change or when the session ends.")
                .carrying(std::nullopt, CapabilityClass::Memory),
            message<Present, Presented>("present",
                "Shows the rectangle of the framebuffer drawn for `generation` (transfer and flush on virtio-gpu, a "
                "copy into the window on hosted, nothing on ramfb, which scans memory out)."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(DisplayError) { return domain; }

inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

}
