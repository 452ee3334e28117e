/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's state, without Rings (docs/adr/0041-compositord.md §4): the surfaces every session
 * made, their z-order, the focus and the damage waiting for the next frame. Each request of
 * vectra.surface becomes one call here, decoded and checked completely before anything changes.
 *
 *   - A surface's MemCap is the client's, lent: compositord keeps the copy the request carried and
 *     reads it in place when it composes (no copy). Before every composition each surface's copy
 *     is mapped again; one that fails (revoked, removed) ends its surface there and its area is
 *     composed from what lies below.
 *   - Ids are (generation << 8 | slot + 1) and are looked up with the session: another session's
 *     id, a destroyed one's (the generation moved on) or a made-up one is unknown-surface.
 *   - Transient surfaces (ADR 0048 §4: notifyd's notifications) are created only by privileged
 *     sessions, are never focused (click, chord, request) and stay above every other surface: the
 *     others are raised and created below the lowest transient one.
 *   - Damage is kept in screen coordinates, clipped to the screen, in one Region (bounded: a flood
 *     coalesces into its bounding box); composing takes it whole.
 */

#pragma once

#include <optional>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/surface/Compose.h>
#include <vectra/surface/Protocol.h>

namespace vectra::compositord {

inline constexpr usize maximum_surfaces = 16;

/* Whose session asks: a client's (the listener every client holds) or a privileged one's (ADR 0048 §4). */
enum class SessionKind : u8 {
    Client,
    Privileged,
};

struct Surface {
    bool used { false };
    u32 id { 0 };
    usize session { 0 };
    surface::Box frame;
    u32 stride { 0 };
    ReceivedCapability carried {};
    MemCap memory;
    usize memory_size { 0 };
    bool transient { false };
};

/* What one composition did: the damage composed (to present) and its counts. */
struct Frame {
    surface::Region damage;
    surface::Composed composed;
    usize surfaces_ended { 0 }; /* surfaces whose MemCap could no longer be mapped */
    u64 cursor_pixels { 0 };    /* of the composed pixels, those the arrow was drawn over */
};

class Compositor {
public:
    /* Composes into `target` (the display's framebuffer, mapped writable) over `background`. */
    Compositor(surface::Target target, u32 background);

    [[nodiscard]] ErrorOr<u32> create(usize session, surface::Create const&, std::optional<ReceivedCapability>& carried,
        SessionKind = SessionKind::Client);
    [[nodiscard]] ErrorOr<void> resize(usize session, surface::Resize const&, std::optional<ReceivedCapability>& carried);
    [[nodiscard]] ErrorOr<void> damage(usize session, surface::Damage const&);
    [[nodiscard]] ErrorOr<void> move(usize session, u32 id, i32 x, i32 y);
    [[nodiscard]] ErrorOr<void> raise(usize session, u32 id);
    [[nodiscard]] ErrorOr<void> lower(usize session, u32 id);
    /* A session moves the focus among its own surfaces, or takes it while nobody holds it (else not-focused). */
    [[nodiscard]] ErrorOr<void> focus(usize session, u32 id);
    [[nodiscard]] ErrorOr<void> destroy(usize session, u32 id);
    /* The pointer's arrow: tip at (x, y), shown or hidden; the boxes it leaves and enters are damaged. */
    [[nodiscard]] ErrorOr<void> cursor(i32 x, i32 y, bool visible);
    /* compositord's own decisions (click-to-focus, its chord), never a session's request: by slot index (a transient one is never focused). */
    void focus_slot(usize index);
    void raise_slot(usize index);
    /* The topmost surface whose frame holds (x, y), by slot index. */
    [[nodiscard]] std::optional<usize> surface_at(i32 x, i32 y) const;
    /* The slot of the surface with this id, whoever's it is. */
    [[nodiscard]] std::optional<usize> slot_of(u32 id) const;
    /* Every surface of `session` destroyed (it closed or died). */
    void close_session(usize session);
    /* Damages the whole screen (the first frame). */
    void damage_screen();
    /* Composes into `target` from now on (a new mode's framebuffer); its whole screen is damaged. */
    void retarget(surface::Target target);

    /* Composes the waiting damage; the returned frame's damage is what changed on the screen. */
    [[nodiscard]] Frame compose();

    [[nodiscard]] bool has_damage() const { return !m_damage.is_empty(); }
    [[nodiscard]] surface::Region const& pending_damage() const { return m_damage; }
    /* The focused surface's id if `session` owns it, else 0. */
    [[nodiscard]] u32 focused_for(usize session) const;
    [[nodiscard]] u32 focused() const { return m_focused; }
    [[nodiscard]] std::optional<usize> focused_session() const;
    [[nodiscard]] usize surface_count(usize session) const;
    [[nodiscard]] usize surface_count() const;
    [[nodiscard]] surface::Target const& target() const { return m_target; }
    /* Surfaces bottom first (ids). */
    [[nodiscard]] std::span<u8 const> order() const { return { m_order, m_order_count }; }
    [[nodiscard]] Surface const& slot(usize index) const { return m_surfaces[index]; }

private:
    [[nodiscard]] ErrorOr<Surface*> find(usize session, u32 id);
    [[nodiscard]] static ErrorOr<void> check_size(u32 width, u32 height, u32 stride);
    /* The lent MemCap, checked for RightRead and `bytes` (taken out of `carried` only on success). */
    [[nodiscard]] static ErrorOr<endpoint::LentMemory> take_memory(std::optional<ReceivedCapability>& carried, u64 bytes);
    void add_damage(surface::Box const&);
    void remove_from_order(usize index);
    /* Puts slot `index` on top of its kind: a transient one above all, another below the lowest transient one. */
    void place_on_top(usize index);
    void end(usize index);

    surface::Target m_target;
    u32 m_background;
    Surface m_surfaces[maximum_surfaces];
    u8 m_order[maximum_surfaces] {}; /* slot indexes, bottom first */
    usize m_order_count { 0 };
    u32 m_focused { 0 };
    u32 m_generation { 0 };
    i32 m_cursor_x { 0 };
    i32 m_cursor_y { 0 };
    bool m_cursor_visible { false };
    surface::Region m_damage;
};

}
