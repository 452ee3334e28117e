/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Reticle.h>
#include <vectra/Try.h>

namespace vectra {

Reticle::Reticle(uptr base, usize size, Reticle* parent)
    : m_base(base)
    , m_size(size)
    , m_parent(parent)
{
    if (m_parent)
        ++m_parent->m_live_children;
}

Reticle::~Reticle()
{
    VERIFY(m_live_children == 0);
    VERIFY(m_live_objects == 0);
    if (m_parent)
        --m_parent->m_live_children;
}

ErrorOr<void*> Reticle::try_retype(usize size, usize alignment)
{
    if (size == 0 || !is_power_of_two(alignment))
        return Error(ErrorCode::InvalidArgument, "retype needs a non-zero size and a power-of-two alignment");
    uptr start = align_up(m_base + m_watermark, alignment);
    if (start < m_base || start - m_base > m_size || size > m_size - (start - m_base))
        return Error(ErrorCode::OutOfMemory, "Reticle exhausted");
    m_watermark = (start - m_base) + size;
    return reinterpret_cast<void*>(start);
}

ErrorOr<Reticle*> Reticle::try_carve(usize size, usize alignment)
{
    /* The child's descriptor lives in this Reticle, just before its range. */
    void* descriptor = TRY(try_retype(sizeof(Reticle), alignof(Reticle)));
    auto range = try_retype(size, alignment);
    if (range.is_error()) {
        m_watermark = reinterpret_cast<uptr>(descriptor) - m_base;
        return range.release_error();
    }
    return new (descriptor) Reticle(reinterpret_cast<uptr>(range.value()), size, this);
}

void Reticle::note_object_retired()
{
    VERIFY(m_live_objects > 0);
    --m_live_objects;
}

void Reticle::detach_from_parent()
{
    if (!m_parent)
        return;
    VERIFY(m_parent->m_live_children > 0);
    --m_parent->m_live_children;
    m_parent = nullptr;
}

ErrorOr<void> Reticle::try_reclaim()
{
    if (m_live_children != 0)
        return Error(ErrorCode::Busy, "cannot reclaim a Reticle while child Reticles are alive");
    if (m_live_objects != 0)
        return Error(ErrorCode::Busy, "cannot reclaim a Reticle while objects retyped from it are alive");
    m_watermark = 0;
    return {};
}

}
