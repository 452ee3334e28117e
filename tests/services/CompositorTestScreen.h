/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's state tests (TestCompositordState.cpp, TestCompositordInput.cpp): a 64 × 48 screen
 * composed by a Compositor inside a Task that lends MemCaps as clients do.
 */

#pragma once

#include "../LendingTask.h"
#include "../core/FsTestTasks.h"
#include <compositord/Compositor.h>
#include <cstring>
#include <memory>
#include <vector>

namespace vectra::test {

using compositord::Compositor;
using surface::SurfaceError;

constexpr u32 screen_width = 64, screen_height = 48;
constexpr u32 background = 0x203040;

struct Screen {
    std::vector<u8> pixels = std::vector<u8>(screen_width * screen_height * 4);
    Compositor compositor { surface::Target { pixels, screen_width, screen_height, screen_width * 4 }, background };
    u32 at(u32 x, u32 y) const
    {
        u32 value;
        memcpy(&value, pixels.data() + (y * screen_width + x) * 4, 4);
        return value;
    }
};

/* A client's surface memory filled with `colour`, and a copy of it with `rights` as a Ring would carry it. */
struct Lent {
    MemCap memory;
    MemCap copy;
    std::optional<ReceivedCapability> carried;
};

inline ErrorOr<Lent> lend(ReticleCap const& reticle, usize bytes, u32 colour, Rights rights)
{
    Lent lent;
    lent.memory = TRY(system::create_memory(reticle, bytes));
    auto mapped = TRY(system::map_memory(lent.memory));
    for (usize at = 0; at + 4 <= mapped.size(); at += 4)
        memcpy(mapped.data() + at, &colour, 4);
    lent.carried = TRY(lent_copy(lent.memory, rights, lent.copy));
    return lent;
}

template<typename T>
inline bool refused(ErrorOr<T> const& result, SurfaceError code)
{
    return result.is_error() && result.error().is(code);
}

inline surface::Damage damage_of(u32 id, std::initializer_list<surface::SurfaceRectangle> rectangles)
{
    surface::Damage damage;
    damage.surface = id;
    for (auto const& rectangle : rectangles)
        (void)damage.rectangles.try_append(rectangle);
    return damage;
}

/* Runs `body(reticle, screen)` in a Task that lends MemCaps, over a fresh 64 × 48 screen; it must return 0. */
template<typename Body>
void with_screen(Body&& body)
{
    Lender lender;
    auto result = lender.run([&](Bundle& bundle) -> ErrorOr<i32> {
        auto reticle = TRY(bundle.take<ReticleCap>("memory"));
        auto screen = std::make_unique<Screen>();
        return body(reticle, *screen);
    });
    INFO(task_failure());
    REQUIRE_FALSE(result.is_error());
    REQUIRE(result.value() == 0);
}

}
