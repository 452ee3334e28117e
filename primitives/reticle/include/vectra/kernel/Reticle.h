/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <new>
#include <utility>
#include <vectra/Error.h>
#include <vectra/kernel/KernelObject.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * A Reticle is untyped memory: a range [base, base + size) its holder may carve into child
 * Reticles or retype into typed objects (Task blocks, stacks, Ring storage). Placement is a
 * bump pointer; memory never returns object by object, only by reclaiming the whole Reticle
 * once nothing derived from it is alive. There is no other allocator in the kernel.
 *
 * Running out of memory is an error value (ErrorCode::OutOfMemory), never a crash.
 */
class Reticle final : public KernelObject {
public:
    Reticle(uptr base, usize size, Reticle* parent = nullptr);
    ~Reticle() = default;

    Reticle(Reticle const&) = delete;
    Reticle& operator=(Reticle const&) = delete;

    /* Carve a child Reticle of `size` bytes aligned to `alignment` (a power of two). */
    [[nodiscard]] ErrorOr<Reticle*> try_carve(usize size, usize alignment = 4096);

    /* Retype `size` bytes at `alignment` into raw storage for a typed object. */
    [[nodiscard]] ErrorOr<void*> try_retype(usize size, usize alignment);

    template<typename T, typename... Arguments>
    [[nodiscard]] ErrorOr<T*> try_create(Arguments&&... arguments)
    {
        void* storage = ({ auto _storage = try_retype(sizeof(T), alignof(T)); if (_storage.is_error()) return _storage.release_error(); _storage.release_value(); });
        return new (storage) T(std::forward<Arguments>(arguments)...);
    }

    /*
     * Return every byte to this Reticle. Refused (ErrorCode::Busy) while anything retyped or
     * carved from it has not retired (vectra/KernelObject.h: a Task, Ring, Timer, MemCap object
     * or child Reticle retires only once nothing names it any more).
     */
    [[nodiscard]] ErrorOr<void> try_reclaim();

    /* Objects and child Reticles from this Reticle that have not retired. */
    [[nodiscard]] u32 live_contents() const { return reference_count(); }

    [[nodiscard]] uptr base() const { return m_base; }
    [[nodiscard]] usize size() const { return m_size; }
    [[nodiscard]] usize used() const { return m_watermark; }
    [[nodiscard]] usize available() const { return m_size - m_watermark; }
    [[nodiscard]] Reticle* parent() const { return static_cast<Reticle*>(origin()); }
    [[nodiscard]] bool contains(uptr address, usize length) const
    {
        return address >= m_base && length <= m_size && address - m_base <= m_size - length;
    }

private:
    uptr m_base { 0 };
    usize m_size { 0 };
    usize m_watermark { 0 };
};

}
