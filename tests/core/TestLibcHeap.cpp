/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/libc's Heap (malloc with free over a caller's memory): blocks aligned, disjoint and
 * intact under a random workload checked against a model, memory zeroed when given back, free
 * neighbours merged (everything freed gives one block of the whole heap again), exhaustion
 * refused with null, and a stray or repeated release panics.
 */

#include "../platforms/ChildProcess.h"
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
            /* Given back zeroed (beyond the free-list header that now occupies its start). */
            for (usize index = 16; index < usable; ++index)
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
