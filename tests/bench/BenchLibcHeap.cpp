/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * core/libc's Heap against glibc's malloc/free on the same sequence, shaped like BoringSSL's in
 * tlsd: 300 long-lived blocks of 16-2,000 bytes scattered through the heap, then per round a
 * ~16 KiB record buffer and four small blocks taken and given back in another order. Ours also
 * zeroes every block it takes back (its contract); glibc's free does not.
 */

#include <algorithm>
#include <array>
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <random>
#include <vector>
#include <vectra/libc/Heap.h>

using namespace vectra;

namespace {

struct Workload {
    std::vector<usize> resident;
    /* Per round: five sizes, taken in order and given back in `order`. */
    std::vector<std::array<usize, 5>> rounds;
    std::vector<std::array<u8, 5>> orders;
};

Workload const& workload()
{
    static Workload const made = [] {
        Workload work;
        std::mt19937 random(12);
        for (int index = 0; index < 300; ++index)
            work.resident.push_back(16 + random() % 1985);
        for (int round = 0; round < 256; ++round) {
            work.rounds.push_back({ 16384 + random() % 330, 32 + random() % 480, 32 + random() % 480, 200 + random() % 900,
                64 + random() % 64 });
            std::array<u8, 5> order { 0, 1, 2, 3, 4 };
            std::shuffle(order.begin(), order.end(), random);
            work.orders.push_back(order);
        }
        return work;
    }();
    return made;
}

/* The resident blocks with every other one given back: holes all through the heap. */
template<typename Take, typename Give>
std::vector<void*> scatter(Take take, Give give)
{
    std::vector<void*> kept;
    for (usize index = 0; index < workload().resident.size(); ++index) {
        void* block = take(workload().resident[index]);
        if (index % 2 == 0)
            give(block);
        else
            kept.push_back(block);
    }
    return kept;
}

template<typename Take, typename Give>
void run_rounds(benchmark::State& state, Take take, Give give)
{
    auto const& work = workload();
    usize round = 0;
    void* blocks[5];
    for (auto _ : state) {
        for (usize index = 0; index < 5; ++index)
            blocks[index] = take(work.rounds[round][index]);
        benchmark::DoNotOptimize(blocks);
        for (u8 index : work.orders[round])
            give(blocks[index]);
        round = (round + 1) % work.rounds.size();
    }
    state.SetItemsProcessed(i64(state.iterations()));
}

void churn_ours(benchmark::State& state)
{
    static std::vector<u8> memory(4 * MiB);
    libc::Heap heap(memory);
    auto take = [&](usize size) {
        void* block = heap.allocate(size);
        if (block == nullptr)
            std::abort();
        return block;
    };
    auto give = [&](void* block) { heap.release(block); };
    auto kept = scatter(take, give);
    run_rounds(state, take, give);
    for (void* block : kept)
        give(block);
}

void churn_glibc(benchmark::State& state)
{
    auto take = [](usize size) {
        void* block = std::malloc(size);
        if (block == nullptr)
            std::abort();
        return block;
    };
    auto give = [](void* block) { std::free(block); };
    auto kept = scatter(take, give);
    run_rounds(state, take, give);
    for (void* block : kept)
        give(block);
}

}

BENCHMARK(churn_ours)->Name("BM_libc_heap_record_churn/ours");
BENCHMARK(churn_glibc)->Name("BM_libc_heap_record_churn/baseline_glibc");
