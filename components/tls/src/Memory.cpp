/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * BoringSSL's allocator hooks (crypto/mem.c: weak OPENSSL_memory_alloc, _free and _get_size; a
 * program that defines them gets every OPENSSL_malloc, OPENSSL_free and OPENSSL_realloc) over
 * a heap on the memory the Task handed over. BoringSSL never passes null to the free hook and
 * expects it to zero what it frees: core/libc's Heap does.
 */

#include <new>
#include <stddef.h>
#include <vectra/libc/Heap.h>
#include <vectra/libc/Libc.h>
#include <vectra/tls/Runtime.h>

namespace vectra::tls {

namespace {

/* Placed, not a static object: the heap is made when the Task hands its memory over. */
alignas(libc::Heap) u8 s_heap_storage[sizeof(libc::Heap)];
libc::Heap* s_heap = nullptr;

}

ErrorOr<void> use_memory(std::span<u8> memory)
{
    if (s_heap != nullptr && s_heap->live_blocks() != 0)
        return Error(ErrorCode::Busy, "BoringSSL still holds allocations in the memory it was given before");
    s_heap = new (s_heap_storage) libc::Heap(memory);
    /* libssl allocates its record buffers with plain malloc: the same heap serves them. */
    libc::use_heap(s_heap);
    return {};
}

MemoryUse memory_use()
{
    if (s_heap == nullptr)
        return {};
    return { s_heap->capacity(), s_heap->in_use(), s_heap->peak_in_use(), s_heap->refusals() };
}

}

extern "C" void* OPENSSL_memory_alloc(size_t size)
{
    if (vectra::tls::s_heap == nullptr)
        return nullptr;
    return vectra::tls::s_heap->allocate(size);
}

extern "C" void OPENSSL_memory_free(void* block) { vectra::tls::s_heap->release(block); }

extern "C" size_t OPENSSL_memory_get_size(void* block) { return vectra::tls::s_heap->usable_size(block); }
