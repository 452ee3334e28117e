/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Helpers shared by the host benchmarks: raw Boost.Context fibers for baselines, thread pinning,
 * spin hints and byte views. Benchmark code may use the host's heap and threads; the code under
 * measurement is the real component code.
 */

#pragma once

#include <boost/context/detail/fcontext.hpp>
#include <cstdlib>
#include <pthread.h>
#include <sched.h>
#include <span>
#include <unistd.h>
#include <vector>
#include <vectra/Types.h>

namespace vectra::bench {

namespace fcontext = boost::context::detail;

/* A bare fcontext fiber with a heap stack: what the executor's Tasks are built on, with nothing else. */
class Fiber {
public:
    using Entry = void (*)(fcontext::transfer_t);

    explicit Fiber(Entry entry, usize stack_size = 64 * KiB)
        : m_stack(static_cast<u8*>(std::aligned_alloc(4096, stack_size)))
        , m_context(fcontext::make_fcontext(m_stack + stack_size, stack_size, entry))
    {
    }
    /* The fiber is abandoned where it last jumped from; it must hold nothing that needs destroying. */
    ~Fiber() { std::free(m_stack); }
    Fiber(Fiber const&) = delete;
    Fiber& operator=(Fiber const&) = delete;

    /* Jumps into the fiber; returns when it jumps back. The first resume hands `data` to its entry. */
    void* resume(void* data = nullptr)
    {
        auto transfer = fcontext::jump_fcontext(m_context, data);
        m_context = transfer.fctx;
        return transfer.data;
    }

private:
    u8* m_stack;
    fcontext::fcontext_t m_context;
};

/* A pause hint for spin loops (both sides of a comparison use the same one). */
inline void cpu_relax()
{
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

/* The CPUs this process may run on, in order; pinned benchmarks use the first two. */
inline int allowed_cpu(int index)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0)
        return -1;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &set) && index-- == 0)
            return cpu;
    }
    return -1;
}

/* Pins the calling thread to one CPU for its lifetime, then restores its previous affinity. */
class ScopedPin {
public:
    explicit ScopedPin(int cpu)
    {
        m_saved = pthread_getaffinity_np(pthread_self(), sizeof(m_previous), &m_previous) == 0;
        if (cpu < 0)
            return;
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        m_pinned = pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
    }
    ~ScopedPin()
    {
        if (m_pinned && m_saved)
            (void)pthread_setaffinity_np(pthread_self(), sizeof(m_previous), &m_previous);
    }
    ScopedPin(ScopedPin const&) = delete;
    ScopedPin& operator=(ScopedPin const&) = delete;

    [[nodiscard]] bool pinned() const { return m_pinned; }

private:
    cpu_set_t m_previous {};
    bool m_saved { false };
    bool m_pinned { false };
};

template<typename Value>
[[nodiscard]] std::span<u8 const> bytes_of(Value const& value)
{
    return { reinterpret_cast<u8 const*>(&value), sizeof(value) };
}

template<typename Value>
[[nodiscard]] std::span<u8> writable_bytes_of(Value& value)
{
    return { reinterpret_cast<u8*>(&value), sizeof(value) };
}

/* A host file of `bytes` (sparse) made from `name_template` (mkstemp's XXXXXX); the caller removes it. */
inline void make_temporary_disk(char* name_template, usize bytes)
{
    int descriptor = mkstemp(name_template);
    if (descriptor < 0 || ftruncate(descriptor, off_t(bytes)) != 0)
        abort();
    close(descriptor);
}

/* One 1 MiB chunk of the bytes the file benchmarks write: a pattern, not zeros a filesystem could skip. */
inline std::vector<u8> const& file_payload()
{
    static std::vector<u8> bytes = [] {
        std::vector<u8> filled(1 * MiB);
        for (usize index = 0; index < filled.size(); ++index)
            filled[index] = u8(index * 131 + (index >> 12));
        return filled;
    }();
    return bytes;
}

}
