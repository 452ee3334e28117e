/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Boxes and disjoint regions (Region.h).
 */

#include <vectra/surface/Region.h>

namespace vectra::surface {

namespace {

i32 larger(i32 left, i32 right) { return left > right ? left : right; }
i32 smaller(i32 left, i32 right) { return left < right ? left : right; }

}

Box Box::intersected(Box const& other) const
{
    Box box { larger(left, other.left), larger(top, other.top), smaller(right, other.right), smaller(bottom, other.bottom) };
    return box.is_empty() ? Box {} : box;
}

Box Box::united(Box const& other) const
{
    if (is_empty())
        return other.is_empty() ? Box {} : other;
    if (other.is_empty())
        return *this;
    return { smaller(left, other.left), smaller(top, other.top), larger(right, other.right), larger(bottom, other.bottom) };
}

usize subtract(Box const& from, Box const& cut, Box (&out)[4])
{
    if (from.is_empty())
        return 0;
    Box overlap = from.intersected(cut);
    if (overlap.is_empty()) {
        out[0] = from;
        return 1;
    }
    usize count = 0;
    /* Full-width bands above and below the overlap, then the parts left and right of it. */
    if (from.top < overlap.top)
        out[count++] = { from.left, from.top, from.right, overlap.top };
    if (overlap.bottom < from.bottom)
        out[count++] = { from.left, overlap.bottom, from.right, from.bottom };
    if (from.left < overlap.left)
        out[count++] = { from.left, overlap.top, overlap.left, overlap.bottom };
    if (overlap.right < from.right)
        out[count++] = { overlap.right, overlap.top, from.right, overlap.bottom };
    return count;
}

void Region::coalesce(Box const& extra)
{
    Box all = bounds().united(extra);
    m_boxes[0] = all;
    m_count = all.is_empty() ? 0 : 1;
    m_coalesced = true;
}

void Region::add(Box const& box)
{
    if (box.is_empty())
        return;
    /* The pieces of `box` no box of the region covers: at most 4 per box cut, so bounded. */
    constexpr usize working_capacity = 4 * maximum_boxes;
    Box pieces[working_capacity];
    usize piece_count = 1;
    pieces[0] = box;
    for (usize existing = 0; existing < m_count && piece_count > 0; ++existing) {
        Box next[working_capacity];
        usize next_count = 0;
        for (usize index = 0; index < piece_count; ++index) {
            Box parts[4];
            usize part_count = subtract(pieces[index], m_boxes[existing], parts);
            if (next_count + part_count > working_capacity) {
                coalesce(box);
                return;
            }
            for (usize part = 0; part < part_count; ++part)
                next[next_count++] = parts[part];
        }
        for (usize index = 0; index < next_count; ++index)
            pieces[index] = next[index];
        piece_count = next_count;
    }
    if (m_count + piece_count > maximum_boxes) {
        coalesce(box);
        return;
    }
    for (usize index = 0; index < piece_count; ++index)
        m_boxes[m_count++] = pieces[index];
}

void Region::add(Region const& other)
{
    for (auto const& box : other.boxes())
        add(box);
}

void Region::clip(Box const& bounds)
{
    usize kept = 0;
    for (usize index = 0; index < m_count; ++index) {
        Box box = m_boxes[index].intersected(bounds);
        if (!box.is_empty())
            m_boxes[kept++] = box;
    }
    m_count = kept;
}

u64 Region::area() const
{
    u64 total = 0;
    for (usize index = 0; index < m_count; ++index)
        total += m_boxes[index].area();
    return total;
}

Box Region::bounds() const
{
    Box all {};
    for (usize index = 0; index < m_count; ++index)
        all = all.united(m_boxes[index]);
    return all;
}

bool Region::contains(i32 x, i32 y) const
{
    for (usize index = 0; index < m_count; ++index) {
        auto const& box = m_boxes[index];
        if (x >= box.left && x < box.right && y >= box.top && y < box.bottom)
            return true;
    }
    return false;
}

}
