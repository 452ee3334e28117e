/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The debug snapshot writer (CONFIG_DEBUG_SNAPSHOT=y; the layout is in vectra/kernel/Snapshot.h).
 */

#include <atomic>
#include <vectra/kernel/Capability.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Snapshot.h>
#include <vectra/config.h>

namespace {

constexpr vectra::usize task_capacity = CONFIG_DEBUG_SNAPSHOT_TASKS;
constexpr vectra::usize total_bytes = vectra::snapshot::header_bytes + task_capacity * vectra::snapshot::record_bytes + 8;
constexpr vectra::u64 interval_nanoseconds = vectra::u64(CONFIG_DEBUG_SNAPSHOT_INTERVAL_MS) * 1'000'000;

}

/* Found by `./vectra top` through the ELF symbol table: kept by the linker, never read here. */
extern "C" {
[[gnu::used]] alignas(64) vectra::u8 vectra_debug_snapshot[total_bytes];
}

namespace vectra::snapshot {

/* Every class has its slot (raise class_slots, and the layout's version, before it runs out). */
static_assert(u8(CapabilityClass::VirtioMmioSlot) < class_slots);
static_assert(ring_ends_offset >= 76 + 2 * class_slots && ring_ends_offset + ring_ends_per_record * 12 <= record_bytes);

namespace {

u64 s_generation = 0;
u64 s_switches_written = 0;

void put(usize offset, void const* bytes, usize count)
{
    __builtin_memcpy(vectra_debug_snapshot + offset, bytes, count);
}

template<typename T>
void put_value(usize offset, T value)
{
    put(offset, &value, sizeof(T));
}

void put_generation(usize offset, u64 generation)
{
    __atomic_store_n(reinterpret_cast<u64*>(vectra_debug_snapshot + offset), generation, __ATOMIC_RELAXED);
}

void write_rings(usize at, Task& task)
{
    u8 count = 0;
    for (auto& binding : task.ring_bindings()) {
        Ring const* ring = nullptr;
        u8 end = 0;
        if (binding.kind == Task::RingBindingSlot::Kind::Producer && !binding.producer.check_binding().is_error()) {
            ring = binding.producer.ring();
            end = 1;
        } else if (binding.kind == Task::RingBindingSlot::Kind::Consumer && !binding.consumer.check_binding().is_error()) {
            ring = binding.consumer.ring();
            end = 2;
        }
        if (!ring)
            continue;
        usize entry = at + ring_ends_offset + usize(count) * 12;
        put_value<u8>(entry, end);
        put_value<u8>(entry + 1, 0);
        put_value<u16>(entry + 2, 0);
        put_value<u32>(entry + 4, ring->depth());
        put_value<u32>(entry + 8, ring->slot_count());
        ++count;
    }
    put_value<u8>(at + 39, count);
    static_assert(Task::ring_binding_capacity == ring_ends_per_record);
}

void write_task(usize at, Task& task)
{
    u8 name[name_bytes] = {};
    __builtin_memcpy(name, task.name().data(), task.name().size());
    put(at, name, name_bytes);
    put_value<u32>(at + 32, task.capabilities().id());
    put_value<u8>(at + 36, u8(task.state()));
    put_value<u8>(at + 37, u8(task.band()));
    put_value<u8>(at + 38, 0); /* one CPU until SMP exists */
    put_value<u64>(at + 40, task.time_used());
    put_value<u64>(at + 48, task.switches());
    put_value<u64>(at + 56, task.reticle().used());
    put_value<u64>(at + 64, task.reticle().size());
    u16 by_class[class_slots] = {};
    u32 total = 0;
    for (auto const& entry : task.capabilities().entries()) {
        if (!entry.used)
            continue;
        ++total;
        /* A class past the slots shows as a sum that disagrees with the total: the reader refuses it. */
        if (u8(entry.capability_class) < class_slots)
            ++by_class[u8(entry.capability_class)];
    }
    put_value<u32>(at + 72, total);
    put(at + 76, by_class, sizeof(by_class));
    write_rings(at, task);
}

}

void write(Executor& executor, u64 now)
{
    u64 generation = ++s_generation;
    /*
     * Trailer first, the header's generation (the table's first bytes) last: a reader copying
     * front to back sees the two equal only for a whole table.
     */
    put_generation(total_bytes - 8, generation);
    std::atomic_thread_fence(std::memory_order_release);
    u32 recorded = 0;
    u32 listed = 0;
    for (Task* task = executor.tasks(); task; task = task->next_listed()) {
        ++listed;
        if (recorded < task_capacity)
            write_task(header_bytes + usize(recorded++) * record_bytes, *task);
    }
    put(8, magic, sizeof(magic));
    put_value<u32>(16, version);
    put_value<u32>(20, record_bytes);
    put_value<u64>(24, now);
    put_value<u64>(32, executor.switches());
    put_value<u32>(40, recorded);
    put_value<u32>(44, task_capacity);
    put_value<u32>(48, listed);
    put_value<u32>(52, 1);
    put_value<u32>(56, ring_ends_per_record);
    put_value<u32>(60, class_slots);
    std::atomic_thread_fence(std::memory_order_release);
    put_generation(0, generation);
    next_due = platform::cycle_counter() + platform::nanoseconds_to_cycles(interval_nanoseconds);
    s_switches_written = executor.switches();
}

u64 next_due = 0;

void note_idle(Executor& executor, u64 now)
{
    if (executor.switches() != s_switches_written || s_generation == 0)
        write(executor, now);
}

u8 const* table() { return vectra_debug_snapshot; }
usize table_bytes() { return total_bytes; }

}
