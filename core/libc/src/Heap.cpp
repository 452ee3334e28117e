/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Segregated free lists with boundary tags. Every block starts with a 16-byte header: its size
 * (header included, a multiple of 16) with two flags in the low bits (the block is live; the
 * block before it is free), then, while live, that word mixed with a tag (so a stray or
 * repeated release is caught); while free, the next free block of its size class. A free block
 * also holds the previous block of its class after the header and its size in its last 8
 * bytes, so a release merges with both neighbours in constant time. An allocation takes the
 * first fitting block of its size class, else the first block of the next non-empty class (a
 * bitmap finds it; every block there is larger than asked), splitting off what it does not use.
 */

#include <vectra/Panic.h>
#include <vectra/libc/Heap.h>

namespace vectra::libc {

namespace {

constexpr usize header_size = Heap::alignment;
constexpr usize live_tag = 0x4c495645'48454150ull; /* "LIVEHEAP" */
/* The smallest block: a header, the previous-in-class link and the size at its end. */
constexpr usize smallest_block = header_size + Heap::alignment;
constexpr usize live_flag = 1;
constexpr usize previous_free_flag = 2;
constexpr usize flag_mask = Heap::alignment - 1;

usize& word_at(u8* address) { return *reinterpret_cast<usize*>(address); }

/* `count` (a multiple of 8) bytes from the 8-aligned `bytes` become zero, whatever the optimiser sees of their use. */
void wipe(u8* bytes, usize count)
{
    auto* words = reinterpret_cast<u64*>(bytes);
    for (usize index = 0; index < count / sizeof(u64); ++index)
        words[index] = 0;
    /* Nothing reads these bytes again here; the barrier keeps the stores (they may have held key material). */
    asm volatile("" : : "r"(bytes) : "memory");
}

void mark_live(u8* block, usize head)
{
    word_at(block) = head;
    word_at(block + sizeof(usize)) = head ^ live_tag;
}

}

struct Heap::FreeBlock {
    usize head;
    FreeBlock* next;
    FreeBlock* previous;
};

Heap::Heap(std::span<u8> memory)
{
    auto start = align_up(reinterpret_cast<uptr>(memory.data()), alignment);
    auto end = reinterpret_cast<uptr>(memory.data()) + memory.size();
    if (memory.empty() || start >= end || end - start < smallest_block)
        return;
    m_base = reinterpret_cast<u8*>(start);
    m_size = (end - start) & ~(alignment - 1);
    word_at(m_base) = m_size;
    word_at(m_base + m_size - sizeof(usize)) = m_size;
    insert(reinterpret_cast<FreeBlock*>(m_base), m_size);
}

usize Heap::class_of(usize size)
{
    usize units = size / alignment;
    if (units < exact_classes)
        return units;
    usize power = 63 - static_cast<usize>(__builtin_clzll(units));
    if (power > 31)
        return class_count - 1;
    usize fraction = (units >> (power - 2)) & (classes_per_power - 1);
    return exact_classes + (power - 5) * classes_per_power + fraction;
}

void Heap::insert(FreeBlock* block, usize size)
{
    usize index = class_of(size);
    block->next = m_classes[index];
    block->previous = nullptr;
    if (block->next != nullptr)
        block->next->previous = block;
    m_classes[index] = block;
    m_nonempty[index / 64] |= u64(1) << (index % 64);
}

void Heap::unlink(FreeBlock* block, usize size)
{
    usize index = class_of(size);
    if (block->previous != nullptr)
        block->previous->next = block->next;
    else
        m_classes[index] = block->next;
    if (block->next != nullptr)
        block->next->previous = block->previous;
    if (m_classes[index] == nullptr)
        m_nonempty[index / 64] &= ~(u64(1) << (index % 64));
}

void* Heap::allocate(usize size)
{
    if (size > m_size) {
        ++m_refusals;
        return nullptr;
    }
    usize needed = header_size + align_up(size == 0 ? 1 : size, alignment);
    usize index = class_of(needed);
    FreeBlock* block = m_classes[index];
    while (block != nullptr && (block->head & ~flag_mask) < needed)
        block = block->next;
    if (block == nullptr) {
        /* Every block of a later class is larger than any size of this one. */
        usize later = index + 1;
        for (usize word = later / 64; word < bitmap_words && block == nullptr; ++word) {
            u64 bits = m_nonempty[word];
            if (word == later / 64)
                bits &= ~u64(0) << (later % 64);
            if (bits != 0)
                block = m_classes[word * 64 + static_cast<usize>(__builtin_ctzll(bits))];
        }
    }
    if (block == nullptr) {
        ++m_refusals;
        return nullptr;
    }
    auto* start = reinterpret_cast<u8*>(block);
    usize taken = block->head & ~flag_mask;
    unlink(block, taken);
    if (taken - needed >= smallest_block) {
        /* The rest stays free; the block after it still follows a free block. */
        usize rest = taken - needed;
        word_at(start + needed) = rest;
        word_at(start + taken - sizeof(usize)) = rest;
        insert(reinterpret_cast<FreeBlock*>(start + needed), rest);
        taken = needed;
    } else if (start + taken < end()) {
        u8* after = start + taken;
        mark_live(after, word_at(after) & ~previous_free_flag);
    }
    /* A free block never follows another free one: this one's predecessor is live. */
    mark_live(start, taken | live_flag);
    m_in_use += taken;
    if (m_in_use > m_peak)
        m_peak = m_in_use;
    ++m_live_blocks;
    return start + header_size;
}

bool Heap::owns(void const* block) const
{
    auto address = reinterpret_cast<uptr>(block);
    auto base = reinterpret_cast<uptr>(m_base);
    return m_base != nullptr && address >= base + header_size && address < base + m_size
        && (address - base) % alignment == 0;
}

usize Heap::checked_header(void const* block) const
{
    if (!owns(block))
        PANIC("libc heap: a block this heap did not hand out was given back or measured");
    auto* header = const_cast<u8*>(static_cast<u8 const*>(block)) - header_size;
    auto offset = static_cast<usize>(header - m_base);
    usize head = word_at(header);
    usize size = head & ~flag_mask;
    if (!(head & live_flag) || (head ^ live_tag) != word_at(header + sizeof(usize)) || size < smallest_block
        || size > m_size - offset)
        PANIC("libc heap: a block was given back twice, or its header was overwritten");
    return size;
}

usize Heap::usable_size(void const* block) const { return checked_header(block) - header_size; }

void Heap::release(void* pointer)
{
    usize size = checked_header(pointer);
    auto* start = static_cast<u8*>(pointer) - header_size;
    usize head = word_at(start);
    wipe(start + header_size, size - header_size);
    m_in_use -= size;
    --m_live_blocks;

    if (start + size < end() && !(word_at(start + size) & live_flag)) {
        u8* after = start + size;
        usize after_size = word_at(after) & ~flag_mask;
        if (after_size < smallest_block || after_size > static_cast<usize>(end() - after))
            PANIC("libc heap: a free block's header was overwritten");
        unlink(reinterpret_cast<FreeBlock*>(after), after_size);
        wipe(after, sizeof(FreeBlock));
        size += after_size;
    }
    if (head & previous_free_flag) {
        usize before_size = word_at(start - sizeof(usize));
        if (before_size < smallest_block || before_size > static_cast<usize>(start - m_base)
            || before_size % alignment != 0 || word_at(start - before_size) != before_size)
            PANIC("libc heap: a free block's size was overwritten");
        u8* before = start - before_size;
        unlink(reinterpret_cast<FreeBlock*>(before), before_size);
        wipe(start - sizeof(usize), sizeof(usize) + header_size);
        start = before;
        size += before_size;
    }
    word_at(start) = size;
    word_at(start + size - sizeof(usize)) = size;
    insert(reinterpret_cast<FreeBlock*>(start), size);
    if (start + size < end()) {
        u8* after = start + size;
        mark_live(after, word_at(after) | previous_free_flag);
    }
}

}
