/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * compositord's surfaces, z-order, focus and damage (Compositor.h).
 */

#include <compositord/Compositor.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/surface/Cursor.h>

namespace vectra::compositord {

using surface::Box;
using surface::SurfaceError;

namespace {

constexpr u32 slot_bits = 8;

ErrorOr<void> check_position(i32 x, i32 y)
{
    if (x < -surface::maximum_position || x > surface::maximum_position || y < -surface::maximum_position
        || y > surface::maximum_position)
        return Error(SurfaceError::PositionOutOfBounds, "x and y lie within ±65536");
    return {};
}

}

Compositor::Compositor(surface::Target target, u32 background)
    : m_target(target)
    , m_background(background)
{
}

ErrorOr<Surface*> Compositor::find(usize session, u32 id)
{
    u32 slot = id & ((1u << slot_bits) - 1);
    if (slot == 0 || slot > maximum_surfaces)
        return Error(SurfaceError::UnknownSurface, "no surface has that id");
    auto& found = m_surfaces[slot - 1];
    if (!found.used || found.id != id || found.session != session)
        return Error(SurfaceError::UnknownSurface, "no surface of this session has that id");
    return &found;
}

ErrorOr<void> Compositor::check_size(u32 width, u32 height, u32 stride)
{
    if (width == 0 || height == 0 || width > surface::maximum_width || height > surface::maximum_height)
        return Error(SurfaceError::SizeOutOfBounds, "width and height lie in 1…4096");
    if (u64(stride) < u64(width) * 4)
        return Error(SurfaceError::SizeOutOfBounds, "the stride is narrower than a row");
    return {};
}

ErrorOr<endpoint::LentMemory> Compositor::take_memory(std::optional<ReceivedCapability>& carried, u64 bytes)
{
    auto lent = endpoint::lent_memory(carried, false);
    if (lent.is_error())
        return Error(SurfaceError::BufferUnusable, lent.error().message());
    if (lent.value().size < bytes)
        return Error(SurfaceError::BufferTooSmall, "the MemCap holds fewer bytes than the surface needs");
    return lent.release_value();
}

void Compositor::add_damage(Box const& box)
{
    Box on_screen = box.intersected(m_target.screen());
    if (!on_screen.is_empty())
        m_damage.add(on_screen);
}

void Compositor::damage_screen() { add_damage(m_target.screen()); }

ErrorOr<void> Compositor::cursor(i32 x, i32 y, bool visible)
{
    TRY(check_position(x, y));
    if (visible == m_cursor_visible && x == m_cursor_x && y == m_cursor_y)
        return {}; /* a button's press or release where the pointer rests: nothing on the screen changes */
    if (m_cursor_visible)
        add_damage(surface::cursor_box(m_cursor_x, m_cursor_y));
    m_cursor_x = x;
    m_cursor_y = y;
    m_cursor_visible = visible;
    if (visible)
        add_damage(surface::cursor_box(x, y));
    return {};
}

void Compositor::retarget(surface::Target target)
{
    m_target = target;
    m_damage = surface::Region {};
    damage_screen();
}

ErrorOr<u32> Compositor::create(
    usize session, surface::Create const& request, std::optional<ReceivedCapability>& carried, SessionKind kind)
{
    if (request.transient > 1 || (request.transient == 1 && kind != SessionKind::Privileged))
        return Error(SurfaceError::TransientRefused, "only a privileged session creates transient surfaces");
    TRY(check_size(request.width, request.height, request.stride));
    TRY(check_position(request.x, request.y));
    usize allowed = kind == SessionKind::Privileged ? surface::surfaces_per_privileged_session : surface::surfaces_per_session;
    if (surface_count(session) >= allowed)
        return Error(SurfaceError::TooManySurfaces, "a session has at most 4 surfaces (a privileged one 8)");
    usize free = maximum_surfaces;
    for (usize index = 0; index < maximum_surfaces; ++index) {
        if (!m_surfaces[index].used) {
            free = index;
            break;
        }
    }
    if (free == maximum_surfaces)
        return Error(SurfaceError::TooManySurfaces, "compositord holds 16 surfaces");
    auto lent = TRY(take_memory(carried, surface::bytes_needed(request.width, request.height, request.stride)));
    auto& made = m_surfaces[free];
    m_generation = (m_generation + 1) & 0xffffff;
    made.used = true;
    made.id = (m_generation << slot_bits) | u32(free + 1);
    made.session = session;
    made.frame = Box::of(request.x, request.y, request.width, request.height);
    made.stride = request.stride;
    made.carried = *carried;
    made.memory = std::move(lent.memory);
    made.memory_size = lent.size;
    made.transient = request.transient == 1;
    carried.reset();
    place_on_top(free);
    add_damage(made.frame);
    return made.id;
}

ErrorOr<void> Compositor::resize(usize session, surface::Resize const& request, std::optional<ReceivedCapability>& carried)
{
    auto* resized = TRY(find(session, request.surface));
    TRY(check_size(request.width, request.height, request.stride));
    auto lent = TRY(take_memory(carried, surface::bytes_needed(request.width, request.height, request.stride)));
    endpoint::discard(resized->carried);
    add_damage(resized->frame);
    resized->frame = Box::of(resized->frame.left, resized->frame.top, request.width, request.height);
    resized->stride = request.stride;
    resized->carried = *carried;
    resized->memory = std::move(lent.memory);
    resized->memory_size = lent.size;
    carried.reset();
    add_damage(resized->frame);
    return {};
}

ErrorOr<void> Compositor::damage(usize session, surface::Damage const& request)
{
    auto* damaged = TRY(find(session, request.surface));
    Box whole = Box::of(0, 0, damaged->frame.width(), damaged->frame.height());
    /* Every rectangle checked before any is added. */
    for (auto const& rectangle : request.rectangles) {
        if (rectangle.width == 0 || rectangle.height == 0 || u64(rectangle.x) + rectangle.width > whole.width()
            || u64(rectangle.y) + rectangle.height > whole.height())
            return Error(SurfaceError::OutsideSurface, "a damage rectangle is empty or reaches outside its surface");
    }
    for (auto const& rectangle : request.rectangles) {
        add_damage(Box::of(damaged->frame.left + i32(rectangle.x), damaged->frame.top + i32(rectangle.y), rectangle.width,
            rectangle.height));
    }
    return {};
}

ErrorOr<void> Compositor::move(usize session, u32 id, i32 x, i32 y)
{
    auto* moved = TRY(find(session, id));
    TRY(check_position(x, y));
    add_damage(moved->frame);
    moved->frame = Box::of(x, y, moved->frame.width(), moved->frame.height());
    add_damage(moved->frame);
    return {};
}

void Compositor::remove_from_order(usize index)
{
    usize kept = 0;
    for (usize position = 0; position < m_order_count; ++position) {
        if (m_order[position] != index)
            m_order[kept++] = m_order[position];
    }
    m_order_count = kept;
}

ErrorOr<void> Compositor::raise(usize session, u32 id)
{
    auto* raised = TRY(find(session, id));
    raise_slot(usize(raised - m_surfaces));
    return {};
}

void Compositor::place_on_top(usize index)
{
    usize position = m_order_count;
    if (!m_surfaces[index].transient) {
        while (position > 0 && m_surfaces[m_order[position - 1]].transient)
            --position;
    }
    for (usize moved = m_order_count; moved > position; --moved)
        m_order[moved] = m_order[moved - 1];
    m_order[position] = u8(index);
    ++m_order_count;
}

void Compositor::raise_slot(usize index)
{
    if (index >= maximum_surfaces || !m_surfaces[index].used)
        return;
    usize before = 0;
    while (before < m_order_count && m_order[before] != index)
        ++before;
    remove_from_order(index);
    place_on_top(index);
    /* Already where raising puts it (a click on the top surface): the screen is unchanged, nothing to compose. */
    if (before < m_order_count && m_order[before] == index)
        return;
    add_damage(m_surfaces[index].frame);
}

void Compositor::focus_slot(usize index)
{
    if (index < maximum_surfaces && m_surfaces[index].used && !m_surfaces[index].transient)
        m_focused = m_surfaces[index].id;
}

std::optional<usize> Compositor::surface_at(i32 x, i32 y) const
{
    for (usize position = m_order_count; position > 0; --position) {
        usize index = m_order[position - 1];
        auto const& frame = m_surfaces[index].frame;
        if (x >= frame.left && x < frame.right && y >= frame.top && y < frame.bottom)
            return index;
    }
    return std::nullopt;
}

std::optional<usize> Compositor::slot_of(u32 id) const
{
    u32 slot = id & ((1u << slot_bits) - 1);
    if (slot == 0 || slot > maximum_surfaces || !m_surfaces[slot - 1].used || m_surfaces[slot - 1].id != id)
        return std::nullopt;
    return slot - 1;
}

ErrorOr<void> Compositor::lower(usize session, u32 id)
{
    auto* lowered = TRY(find(session, id));
    usize index = usize(lowered - m_surfaces);
    remove_from_order(index);
    /* A transient surface goes below the other transient ones only: it stays above every other. */
    usize bottom = 0;
    if (lowered->transient) {
        while (bottom < m_order_count && !m_surfaces[m_order[bottom]].transient)
            ++bottom;
    }
    for (usize position = m_order_count; position > bottom; --position)
        m_order[position] = m_order[position - 1];
    m_order[bottom] = u8(index);
    ++m_order_count;
    add_damage(lowered->frame);
    return {};
}

ErrorOr<void> Compositor::focus(usize session, u32 id)
{
    auto* focused = TRY(find(session, id));
    if (focused->transient)
        return Error(SurfaceError::TransientUnfocusable, "a transient surface never takes the focus");
    if (auto owner = focused_session(); owner && *owner != session)
        return Error(SurfaceError::NotFocused, "the focus is another session's");
    m_focused = focused->id;
    return {};
}

void Compositor::end(usize index)
{
    auto& ended = m_surfaces[index];
    add_damage(ended.frame);
    endpoint::discard(ended.carried);
    if (m_focused == ended.id)
        m_focused = 0;
    remove_from_order(index);
    ended = Surface();
}

ErrorOr<void> Compositor::destroy(usize session, u32 id)
{
    auto* destroyed = TRY(find(session, id));
    end(usize(destroyed - m_surfaces));
    return {};
}

void Compositor::close_session(usize session)
{
    for (usize index = 0; index < maximum_surfaces; ++index) {
        if (m_surfaces[index].used && m_surfaces[index].session == session)
            end(index);
    }
}

Frame Compositor::compose()
{
    Frame frame;
    surface::Layer layers[maximum_surfaces];
    usize layer_count = 0;
    /* Each lent MemCap mapped again: a revoked one ends its surface before anything is read. */
    for (usize position = 0; position < m_order_count;) {
        usize index = m_order[position];
        auto& shown = m_surfaces[index];
        auto view = system::map_memory_read_only(shown.memory);
        if (view.is_error() || view.value().size() < surface::bytes_needed(shown.frame.width(), shown.frame.height(), shown.stride)) {
            end(index);
            ++frame.surfaces_ended;
            continue; /* end() removed it from the order */
        }
        layers[layer_count++] = { shown.frame, view.value(), shown.stride };
        ++position;
    }
    frame.damage = m_damage;
    m_damage.clear();
    frame.composed = surface::compose(m_target, m_background, std::span<surface::Layer const>(layers, layer_count), frame.damage);
    if (m_cursor_visible)
        frame.cursor_pixels = surface::draw_cursor(m_target, m_cursor_x, m_cursor_y, frame.damage);
    return frame;
}

u32 Compositor::focused_for(usize session) const
{
    auto owner = focused_session();
    return owner && *owner == session ? m_focused : 0;
}

std::optional<usize> Compositor::focused_session() const
{
    if (m_focused == 0)
        return std::nullopt;
    auto const& focused = m_surfaces[(m_focused & 0xff) - 1];
    if (!focused.used || focused.id != m_focused)
        return std::nullopt;
    return focused.session;
}

usize Compositor::surface_count(usize session) const
{
    usize count = 0;
    for (auto const& each : m_surfaces)
        count += each.used && each.session == session;
    return count;
}

usize Compositor::surface_count() const
{
    usize count = 0;
    for (auto const& each : m_surfaces)
        count += each.used;
    return count;
}

}
