/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Rectangles and rectangle sets for composition (docs/adr/0041-compositord.md §2). A Box is
 * half-open in signed screen coordinates (a surface may lie partly off the screen); a Region is
 * a set of at most `maximum_boxes` disjoint boxes, so its area is the sum of theirs and no pixel
 * is composed twice. Adding a box adds only the parts not covered yet; when the pieces would not
 * fit, the region coalesces into its bounding box — never less than what was added, so damage
 * is over-approximated and bounded, never lost.
 */

#pragma once

#include <span>
#include <vectra/Display.h>
#include <vectra/Types.h>

namespace vectra::surface {

/* Coordinates are held to ±maximum_coordinate so every sum and product below fits. */
inline constexpr i32 maximum_coordinate = 1 << 20;

struct Box {
    i32 left { 0 };
    i32 top { 0 };
    i32 right { 0 };
    i32 bottom { 0 };

    [[nodiscard]] static constexpr Box of(i32 x, i32 y, u32 width, u32 height)
    {
        return { x, y, i32(i64(x) + width), i32(i64(y) + height) };
    }
    [[nodiscard]] static constexpr Box of(Rectangle const& rectangle)
    {
        return of(i32(rectangle.x), i32(rectangle.y), rectangle.width, rectangle.height);
    }
    [[nodiscard]] constexpr bool is_empty() const { return right <= left || bottom <= top; }
    [[nodiscard]] constexpr u32 width() const { return is_empty() ? 0 : u32(right - left); }
    [[nodiscard]] constexpr u32 height() const { return is_empty() ? 0 : u32(bottom - top); }
    [[nodiscard]] constexpr u64 area() const { return u64(width()) * height(); }
    [[nodiscard]] Box intersected(Box const&) const;
    /* The smallest box holding both (an empty one adds nothing). */
    [[nodiscard]] Box united(Box const&) const;
    [[nodiscard]] constexpr bool contains(Box const& other) const
    {
        return other.is_empty() || (left <= other.left && top <= other.top && right >= other.right && bottom >= other.bottom);
    }
    [[nodiscard]] constexpr bool operator==(Box const&) const = default;
    /* As a display rectangle (the box must be non-empty and have no negative coordinate). */
    [[nodiscard]] constexpr Rectangle rectangle() const { return { u32(left), u32(top), width(), height() }; }
};

/* `from` without `cut`: up to four disjoint boxes written to `out`; returns how many. */
usize subtract(Box const& from, Box const& cut, Box (&out)[4]);

class Region {
public:
    static constexpr usize maximum_boxes = 32;

    /* Adds `box`: the parts of it not covered yet, or the bounding box of everything when they do not fit. */
    void add(Box const& box);
    void add(Region const&);
    /* Keeps only what lies inside `bounds`. */
    void clip(Box const& bounds);
    void clear()
    {
        m_count = 0;
        m_coalesced = false;
    }

    [[nodiscard]] bool is_empty() const { return m_count == 0; }
    [[nodiscard]] std::span<Box const> boxes() const { return { m_boxes, m_count }; }
    [[nodiscard]] u64 area() const;
    [[nodiscard]] Box bounds() const;
    [[nodiscard]] bool contains(i32 x, i32 y) const;
    /* Whether an add ever fell back to the bounding box since the last clear. */
    [[nodiscard]] bool coalesced() const { return m_coalesced; }

private:
    void coalesce(Box const& extra);

    Box m_boxes[maximum_boxes];
    usize m_count { 0 };
    bool m_coalesced { false };
};

}
