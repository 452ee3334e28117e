/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/kernel/Reticle.h>
#include <vectra/Try.h>

namespace vectra {

Reticle::Reticle(uptr base, usize size, Reticle* parent)
    : KernelObject(CapabilityClass::Reticle, parent)
    , m_base(base)
    , m_size(size)
{
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

ErrorOr<void> Reticle::try_reclaim()
{
    if (is_torn_down())
        return Error(ErrorCode::StaleHandle, "the Reticle's last capability is gone");
    if (live_contents() != 0)
        return Error(ErrorCode::Busy, "cannot reclaim a Reticle while something retyped or carved from it is still named");
    m_watermark = 0;
    return {};
}

}
