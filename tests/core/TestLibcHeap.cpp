/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/libc's Heap (malloc with free over a caller's memory): blocks aligned, disjoint and
 * intact under a random workload checked against a model, memory zeroed when given back, free
 * neighbours merged (everything freed gives one block of the whole heap again; an allocation
 * is refused only when no gap between live blocks fits it), exhaustion refused with null, and
 * a stray or repeated release panics, also after the block was merged with its neighbours.
 */

#include "../platforms/ChildProcess.h"
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>
#include <vectra/libc/Heap.h>
#include <vectra/libc/Libc.h>

using namespace vectra;

namespace {

/* The largest block a heap of this memory can still hand out in one piece. */
usize largest_block(libc::Heap& heap)
{
    usize low = 0;
    usize high = heap.capacity();
    while (low < high) {
        usize middle = (low + high + 1) / 2;
        void* block = heap.allocate(middle);
        if (block != nullptr) {
            heap.release(block);
            low = middle;
        } else {
            high = middle - 1;
        }
    }
    return low;
}

}

TEST_CASE("heap: a random workload keeps blocks aligned, disjoint and intact, and frees back to one block", "[libc]")
{
    alignas(16) static u8 memory[256 * 1024];
    libc::Heap heap(memory);
    REQUIRE(heap.capacity() == sizeof(memory));
    usize whole = largest_block(heap);
    REQUIRE(whole == sizeof(memory) - libc::Heap::alignment);

    std::mt19937 random(3);
    struct Live {
        usize size;
        u8 fill;
    };
    std::map<u8*, Live> live;
    for (int step = 0; step < 20000; ++step) {
        bool allocate = live.empty() || random() % 100 < 55;
        if (allocate) {
            usize size = random() % 4 == 0 ? random() % 8192 : random() % 200;
            auto* block = static_cast<u8*>(heap.allocate(size));
            if (block == nullptr)
                continue;
            REQUIRE(reinterpret_cast<uptr>(block) % libc::Heap::alignment == 0);
            REQUIRE(heap.usable_size(block) >= size);
            REQUIRE(block >= memory);
            REQUIRE(block + size <= memory + sizeof(memory));
            auto after = live.lower_bound(block);
            if (after != live.end())
                REQUIRE(block + size <= after->first);
            if (after != live.begin()) {
                auto before = std::prev(after);
                REQUIRE(before->first + before->second.size <= block);
            }
            u8 fill = static_cast<u8>(random());
            std::memset(block, fill, size);
            live[block] = { size, fill };
        } else {
            auto chosen = live.begin();
            std::advance(chosen, random() % live.size());
            for (usize index = 0; index < chosen->second.size; ++index)
                REQUIRE(chosen->first[index] == chosen->second.fill);
            usize usable = heap.usable_size(chosen->first);
            heap.release(chosen->first);
            /* Given back zeroed (beyond the free-list links at its start and the size at its end). */
            for (usize index = 16; index + 8 < usable; ++index)
                REQUIRE(chosen->first[index] == 0);
            live.erase(chosen);
        }
        REQUIRE(heap.live_blocks() == live.size());
    }
    for (auto& [block, entry] : live)
        heap.release(block);
    REQUIRE(heap.in_use() == 0);
    REQUIRE(heap.peak_in_use() > 0);
    REQUIRE(largest_block(heap) == whole);
}

TEST_CASE("heap: exhaustion is a null pointer, counted, and the heap works on", "[libc]")
{
    alignas(16) static u8 memory[4096];
    libc::Heap heap(memory);
    std::vector<void*> blocks;
    for (void* block; (block = heap.allocate(100)) != nullptr;)
        blocks.push_back(block);
    REQUIRE(blocks.size() == 4096 / (16 + 112));
    REQUIRE(heap.allocate(1) == nullptr);
    REQUIRE(heap.allocate(SIZE_MAX) == nullptr);
    REQUIRE(heap.allocate(SIZE_MAX - 8) == nullptr);
    REQUIRE(heap.refusals() == 4);
    REQUIRE(heap.in_use() == heap.peak_in_use());
    heap.release(blocks[3]);
    REQUIRE(heap.allocate(100) == blocks[3]);
}

TEST_CASE("heap: allocate(0) gives distinct blocks, as glibc's malloc(0) does", "[libc]")
{
    alignas(16) static u8 memory[256];
    libc::Heap heap(memory);
    void* first = heap.allocate(0);
    void* second = heap.allocate(0);
    REQUIRE(first != nullptr);
    REQUIRE(second != nullptr);
    REQUIRE(first != second);
}

TEST_CASE("heap: memory too small for one block, or misaligned, still answers safely", "[libc]")
{
    alignas(16) static u8 memory[64];
    libc::Heap empty(std::span<u8>(memory, 16));
    REQUIRE(empty.allocate(0) == nullptr);
    REQUIRE(!empty.owns(memory + 16));
    libc::Heap shifted(std::span<u8>(memory + 1, 63));
    void* block = shifted.allocate(8);
    REQUIRE(block != nullptr);
    REQUIRE(reinterpret_cast<uptr>(block) % 16 == 0);
    REQUIRE(shifted.allocate(0) == nullptr);
}

namespace {

/* Runs `action` in a child process; returns what it printed, and requires that it did not exit 0. */
template<typename Action>
std::string panics(Action action)
{
    auto result = test::run_in_child([&] {
        dup2(STDOUT_FILENO, STDERR_FILENO);
        action();
    });
    REQUIRE(!(result.exited && result.exit_status == 0));
    return result.output;
}

}

TEST_CASE("heap: releasing a block twice, a foreign pointer or an overwritten header panics", "[libc]")
{
    alignas(16) static u8 memory[1024];
    alignas(16) static u8 elsewhere[64];
    auto twice = panics([] {
        libc::Heap heap(memory);
        void* block = heap.allocate(32);
        void* neighbour = heap.allocate(32);
        (void)neighbour;
        heap.release(block);
        heap.release(block);
    });
    REQUIRE(twice.find("given back twice") != std::string::npos);
    auto foreign = panics([] {
        libc::Heap heap(memory);
        heap.release(elsewhere + 16);
    });
    REQUIRE(foreign.find("did not hand out") != std::string::npos);
    auto inside = panics([] {
        libc::Heap heap(memory);
        auto* block = static_cast<u8*>(heap.allocate(64));
        heap.release(block + 32);
    });
    REQUIRE(inside.find("libc heap") != std::string::npos);
    auto overwritten = panics([] {
        libc::Heap heap(memory);
        auto* first = static_cast<u8*>(heap.allocate(16));
        auto* second = static_cast<u8*>(heap.allocate(16));
        std::memset(first, 0x41, 48); /* runs over into the second block's header */
        heap.release(second);
    });
    REQUIRE(overwritten.find("header was overwritten") != std::string::npos);
}

TEST_CASE("heap: made malloc's memory, it serves allocate and release outside arenas; an arena comes first", "[libc]")
{
    alignas(16) static u8 memory[4096];
    alignas(16) static u8 arena_memory[256];
    libc::Heap heap(memory);
    REQUIRE(libc::allocate(16) == nullptr);
    libc::use_heap(&heap);
    void* block = libc::allocate(100);
    REQUIRE(heap.owns(block));
    REQUIRE(heap.live_blocks() == 1);
    {
        libc::ScopedAllocationArena arena(arena_memory);
        REQUIRE(libc::allocate(16) == arena_memory);
        libc::release(arena_memory); /* an arena block: nothing to give back */
        REQUIRE(heap.live_blocks() == 1);
    }
    libc::release(block);
    REQUIRE(heap.live_blocks() == 0);
    libc::release(nullptr);
    libc::use_heap(nullptr);
    REQUIRE(libc::allocate(16) == nullptr);
}

namespace {

/*
 * The model of a heap whose free neighbours are always merged: the free ranges are exactly the
 * gaps between live blocks (each block's header included), so an allocation must succeed when
 * any gap holds its header and its aligned size, and only then.
 */
usize largest_gap(std::map<u8*, usize> const& live, u8* base, usize capacity)
{
    usize largest = 0;
    u8* cursor = base;
    for (auto const& [block, usable] : live) {
        u8* header = block - libc::Heap::alignment;
        largest = std::max(largest, usize(header - cursor));
        cursor = block + usable;
    }
    return std::max(largest, usize(base + capacity - cursor));
}

usize block_size_for(usize size) { return libc::Heap::alignment + ((size == 0 ? 1 : size) + 15) / 16 * 16; }

}

TEST_CASE("heap: a random sequence against a model: refused only when no gap between live blocks fits", "[libc]")
{
    alignas(16) static u8 memory[128 * 1024];
    for (u32 seed = 1; seed <= 4; ++seed) {
        libc::Heap heap(memory);
        std::mt19937 random(seed);
        std::map<u8*, usize> live;
        usize refused = 0;
        for (int step = 0; step < 6000; ++step) {
            usize gap = largest_gap(live, memory, sizeof(memory));
            if (live.empty() || random() % 100 < 60) {
                usize size = random() % 8 == 0 ? random() % 24000 : random() % 700;
                if (random() % 50 == 0 && gap >= 32)
                    size = gap - libc::Heap::alignment; /* exactly the largest gap */
                auto* block = static_cast<u8*>(heap.allocate(size));
                if (block == nullptr) {
                    REQUIRE(gap < block_size_for(size));
                    ++refused;
                    continue;
                }
                usize usable = heap.usable_size(block);
                REQUIRE(usable >= size);
                auto after = live.lower_bound(block);
                if (after != live.end())
                    REQUIRE(block + usable <= after->first - libc::Heap::alignment);
                if (after != live.begin())
                    REQUIRE(std::prev(after)->first + std::prev(after)->second <= block - libc::Heap::alignment);
                std::memset(block, 0xA5, usable);
                live[block] = usable;
            } else {
                auto chosen = live.begin();
                std::advance(chosen, random() % live.size());
                heap.release(chosen->first);
                live.erase(chosen);
            }
            REQUIRE(heap.live_blocks() == live.size());
        }
        REQUIRE(refused > 0); /* the workload reaches exhaustion, so the refusals were checked */
        for (auto& [block, usable] : live)
            heap.release(block);
        REQUIRE(heap.in_use() == 0);
        REQUIRE(heap.allocate(sizeof(memory) - libc::Heap::alignment) != nullptr);
    }
}

TEST_CASE("heap: fragmented into small blocks, then freed in any order, the whole heap fits one allocation", "[libc]")
{
    alignas(16) static u8 memory[64 * 1024];
    libc::Heap heap(memory);
    std::vector<void*> blocks;
    for (void* block; (block = heap.allocate(48)) != nullptr;)
        blocks.push_back(block);
    REQUIRE(blocks.size() > 1000);
    /* Every other block free: much memory free, but no range larger than one small block. */
    for (usize index = 0; index < blocks.size(); index += 2)
        heap.release(blocks[index]);
    REQUIRE(heap.allocate(200) == nullptr);
    REQUIRE(heap.allocate(48) != nullptr);
    std::mt19937 random(7);
    std::vector<void*> rest;
    for (usize index = 1; index < blocks.size(); index += 2)
        rest.push_back(blocks[index]);
    std::shuffle(rest.begin(), rest.end(), random);
    for (void* block : rest)
        heap.release(block);
    REQUIRE(heap.live_blocks() == 1);
    /* What is left is the block taken above and the merged ranges on both sides of it. */
    REQUIRE(heap.allocate(sizeof(memory) / 2 - 1024) != nullptr);
}

TEST_CASE("heap: a block given back again after merging with its neighbours still panics", "[libc]")
{
    alignas(16) static u8 memory[1024];
    auto merged_with_both = panics([] {
        libc::Heap heap(memory);
        void* first = heap.allocate(32);
        void* middle = heap.allocate(32);
        void* last = heap.allocate(32);
        heap.release(first);
        heap.release(last);
        heap.release(middle); /* merged with both neighbours and the rest of the heap */
        heap.release(middle);
    });
    REQUIRE(merged_with_both.find("given back twice") != std::string::npos);
    auto merged_into_previous = panics([] {
        libc::Heap heap(memory);
        void* first = heap.allocate(32);
        void* second = heap.allocate(32);
        void* guard = heap.allocate(32);
        (void)guard;
        heap.release(first);
        heap.release(second);
        heap.release(second);
    });
    REQUIRE(merged_into_previous.find("given back twice") != std::string::npos);
    auto inside_free = panics([] {
        libc::Heap heap(memory);
        auto* block = static_cast<u8*>(heap.allocate(200));
        void* guard = heap.allocate(32);
        (void)guard;
        heap.release(block);
        heap.release(block + 64);
    });
    REQUIRE(inside_free.find("libc heap") != std::string::npos);
}

TEST_CASE("heap: a block given back is zeroed before it is handed out again", "[libc]")
{
    alignas(16) static u8 memory[8192];
    libc::Heap heap(memory);
    auto* secret = static_cast<u8*>(heap.allocate(1000));
    void* guard = heap.allocate(16);
    (void)guard;
    std::memset(secret, 0x5A, 1000);
    heap.release(secret);
    /* The same range comes back: nothing of what it held may remain (the first 16 bytes held links). */
    auto* again = static_cast<u8*>(heap.allocate(1000));
    REQUIRE(again == secret);
    for (usize index = 16; index < 1000; ++index)
        REQUIRE(again[index] == 0);
}
