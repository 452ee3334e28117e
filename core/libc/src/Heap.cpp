/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * First fit over an address-ordered free list. Every block starts with a 16-byte header: its
 * size (header included, a multiple of 16) and, while live, that size mixed with a tag (so a
 * stray or repeated release is caught); free blocks keep the next free block there instead and
 * are merged with their free neighbours when given back.
 */

#include <vectra/Panic.h>
#include <vectra/libc/Heap.h>

namespace vectra::libc {

namespace {

constexpr usize header_size = Heap::alignment;
constexpr usize live_tag = 0x4c495645'48454150ull; /* "LIVEHEAP" */
/* The smallest block worth splitting off: a header and one aligned unit. */
constexpr usize smallest_block = header_size + Heap::alignment;

}

struct Heap::FreeBlock {
    usize size;
    FreeBlock* next;
};

Heap::Heap(std::span<u8> memory)
{
    auto start = align_up(reinterpret_cast<uptr>(memory.data()), alignment);
    auto end = reinterpret_cast<uptr>(memory.data()) + memory.size();
    if (memory.empty() || start >= end || end - start < smallest_block)
        return;
    m_base = reinterpret_cast<u8*>(start);
    m_size = (end - start) & ~(alignment - 1);
    m_free = reinterpret_cast<FreeBlock*>(m_base);
    *m_free = { m_size, nullptr };
}

void* Heap::allocate(usize size)
{
    if (size > m_size) {
        ++m_refusals;
        return nullptr;
    }
    usize needed = header_size + align_up(size == 0 ? 1 : size, alignment);
    FreeBlock** link = &m_free;
    for (FreeBlock* block = m_free; block != nullptr; link = &block->next, block = block->next) {
        if (block->size < needed)
            continue;
        usize taken = block->size;
        if (block->size - needed >= smallest_block) {
            auto* rest = reinterpret_cast<FreeBlock*>(reinterpret_cast<u8*>(block) + needed);
            *rest = { block->size - needed, block->next };
            *link = rest;
            taken = needed;
        } else {
            *link = block->next;
        }
        auto* header = reinterpret_cast<usize*>(block);
        header[0] = taken;
        header[1] = taken ^ live_tag;
        m_in_use += taken;
        if (m_in_use > m_peak)
            m_peak = m_in_use;
        ++m_live_blocks;
        return reinterpret_cast<u8*>(block) + header_size;
    }
    ++m_refusals;
    return nullptr;
}

bool Heap::owns(void const* block) const
{
    auto address = reinterpret_cast<uptr>(block);
    auto base = reinterpret_cast<uptr>(m_base);
    return m_base != nullptr && address >= base + header_size && address < base + m_size
        && (address - base) % alignment == 0;
}

usize& Heap::checked_header(void const* block) const
{
    if (!owns(block))
        PANIC("libc heap: a block this heap did not hand out was given back or measured");
    auto* header = reinterpret_cast<usize*>(const_cast<u8*>(static_cast<u8 const*>(block)) - header_size);
    auto offset = reinterpret_cast<uptr>(header) - reinterpret_cast<uptr>(m_base);
    if ((header[0] ^ live_tag) != header[1] || header[0] < smallest_block || header[0] > m_size - offset)
        PANIC("libc heap: a block was given back twice, or its header was overwritten");
    return header[0];
}

usize Heap::usable_size(void const* block) const { return checked_header(block) - header_size; }

void Heap::release(void* pointer)
{
    usize size = checked_header(pointer);
    auto* block = reinterpret_cast<FreeBlock*>(static_cast<u8*>(pointer) - header_size);
    auto volatile* bytes = reinterpret_cast<u8 volatile*>(block);
    for (usize index = 0; index < size; ++index)
        bytes[index] = 0;
    m_in_use -= size;
    --m_live_blocks;

    FreeBlock* previous = nullptr;
    FreeBlock* next = m_free;
    while (next != nullptr && next < block) {
        previous = next;
        next = next->next;
    }
    *block = { size, next };
    if (next != nullptr && reinterpret_cast<u8*>(block) + block->size == reinterpret_cast<u8*>(next)) {
        block->size += next->size;
        block->next = next->next;
        next->size = 0;
        next->next = nullptr;
    }
    if (previous != nullptr && reinterpret_cast<u8*>(previous) + previous->size == reinterpret_cast<u8*>(block)) {
        previous->size += block->size;
        previous->next = block->next;
        block->size = 0;
        block->next = nullptr;
    } else if (previous != nullptr) {
        previous->next = block;
    } else {
        m_free = block;
    }
}

}
