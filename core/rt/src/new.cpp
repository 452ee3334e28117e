/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Vectra refuses implicit allocators: memory comes from a Reticle the caller holds. Every
 * global operator new therefore panics, so any code path that would allocate is found at once
 * (and a symbol check of the final image shows whether any such path is linked at all).
 */

#include <new>
#include <vectra/Panic.h>

namespace {

[[noreturn]] void refuse_allocation()
{
    PANIC("implicit heap allocation refused: allocate from a Reticle");
}

}

void* operator new(std::size_t) { refuse_allocation(); }
void* operator new[](std::size_t) { refuse_allocation(); }
void* operator new(std::size_t, std::align_val_t) { refuse_allocation(); }
void* operator new[](std::size_t, std::align_val_t) { refuse_allocation(); }
void* operator new(std::size_t, std::nothrow_t const&) noexcept { return nullptr; }
void* operator new[](std::size_t, std::nothrow_t const&) noexcept { return nullptr; }
void* operator new(std::size_t, std::align_val_t, std::nothrow_t const&) noexcept { return nullptr; }
void* operator new[](std::size_t, std::align_val_t, std::nothrow_t const&) noexcept { return nullptr; }

/* Nothing was ever allocated, so deleting anything but null is a bug. */
void operator delete(void* pointer) noexcept
{
    if (pointer)
        refuse_allocation();
}
void operator delete[](void* pointer) noexcept { operator delete(pointer); }
void operator delete(void* pointer, std::size_t) noexcept { operator delete(pointer); }
void operator delete[](void* pointer, std::size_t) noexcept { operator delete(pointer); }
void operator delete(void* pointer, std::align_val_t) noexcept { operator delete(pointer); }
void operator delete[](void* pointer, std::align_val_t) noexcept { operator delete(pointer); }
void operator delete(void* pointer, std::size_t, std::align_val_t) noexcept { operator delete(pointer); }
void operator delete[](void* pointer, std::size_t, std::align_val_t) noexcept { operator delete(pointer); }

namespace std {
nothrow_t const nothrow {};
}
