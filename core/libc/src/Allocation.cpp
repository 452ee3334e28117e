/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * malloc/calloc/free from a caller's buffer. The innermost live ScopedAllocationArena is the one
 * pointer of state here; ported code runs to completion inside the call that set it up (Tasks
 * are cooperative and ported code never waits), so no other Task can see it.
 */

#include <vectra/libc/Heap.h>
#include <vectra/libc/Libc.h>

namespace vectra::libc {

namespace {

ScopedAllocationArena* s_current_arena = nullptr;
Heap* s_heap = nullptr;

}

ScopedAllocationArena::ScopedAllocationArena(std::span<u8> memory)
    : m_memory(memory)
    , m_outer(s_current_arena)
{
    s_current_arena = this;
}

ScopedAllocationArena::~ScopedAllocationArena()
{
    /* What ported code left in its allocations (Argon2's memory holds password-derived blocks). */
    auto volatile* bytes = m_memory.data();
    for (usize index = 0; index < m_used; ++index)
        bytes[index] = 0;
    s_current_arena = m_outer;
}

void* ScopedAllocationArena::take(usize size)
{
    auto base = reinterpret_cast<uptr>(m_memory.data());
    u64 start = align_up(base + m_used, alignment) - base;
    /* malloc(0) gives a unique pointer, as glibc's does. */
    u64 length = align_up(size == 0 ? 1 : size, alignment);
    if (size > m_memory.size() || start > m_memory.size() || length > m_memory.size() - start)
        return nullptr;
    m_used = start + length;
    return m_memory.data() + start;
}

void use_heap(Heap* heap) { s_heap = heap; }

void* allocate(usize size)
{
    if (s_current_arena != nullptr)
        return s_current_arena->take(size);
    if (s_heap != nullptr)
        return s_heap->allocate(size);
    return nullptr;
}

void* allocate_zeroed(usize count, usize size)
{
    if (size != 0 && count > static_cast<usize>(-1) / size)
        return nullptr;
    auto* memory = static_cast<u8*>(allocate(count * size));
    if (memory != nullptr) {
        for (usize index = 0; index < count * size; ++index)
            memory[index] = 0;
    }
    return memory;
}

void release(void* pointer)
{
    /* Arena blocks go back with their arena; heap blocks now. */
    if (pointer != nullptr && s_heap != nullptr && s_heap->owns(pointer))
        s_heap->release(pointer);
}

}
