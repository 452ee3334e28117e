/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CPUs on the hosted platform (ADR 0020): one thread per CPU besides the process's main thread
 * (CPU 0), its index in a thread_local. A CPU's wake-up is a futex word: wake_processor bumps it
 * and wakes the thread; idle_processor sleeps while the word still holds the value its last
 * return saw, so a wake-up sent while the CPU was busy makes the next idle return at once, as a
 * pending interrupt would.
 */

#include <atomic>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <vectra/Panic.h>
#include <vectra/config.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/hosted/Processors.h>

namespace vectra::platform {

namespace {

struct HostedProcessor {
    std::atomic<u32> doorbell { 0 };
    std::atomic<bool> arrived { false };
    u32 seen { 0 }; /* only the CPU's own thread reads and writes it */
};

HostedProcessor s_processors[CONFIG_CPUS_MAX];
/* The boot CPU idles in ppoll (Interrupts.cpp), so its wake-up is a signal to its thread. */
pthread_t s_boot_thread;
void on_boot_wakeup_signal(int) { }
u32 s_processors_requested = CONFIG_HOSTED_CPUS;
u32 s_processors_online = 1;
thread_local u32 t_processor_index = 0;

constexpr u64 report_in_timeout_nanoseconds = 1'000'000'000;

void* processor_thread(void* argument)
{
    auto index = static_cast<u32>(reinterpret_cast<uptr>(argument));
    t_processor_index = index;
    s_processors[index].arrived.store(true, std::memory_order_release);
    kernel::processor_started(index);
}

long futex(std::atomic<u32>* word, int operation, u32 value, timespec const* timeout)
{
    return syscall(SYS_futex, reinterpret_cast<u32*>(word), operation, value, timeout, nullptr, 0);
}

}

namespace hosted {

void request_processors(u32 count) { s_processors_requested = count; }

}

u32 start_processors()
{
    u32 wanted = s_processors_requested < CONFIG_CPUS_MAX ? s_processors_requested : CONFIG_CPUS_MAX;
    /* The threads inherit the caller's signal mask; block the software line's signal besides, so
       only CPU 0 ever takes it (Interrupts.cpp). */
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    sigaddset(&blocked, hosted::boot_wakeup_signal);
    sigset_t previous;
    pthread_sigmask(SIG_BLOCK, &blocked, &previous);
    /* The boot CPU's wake-up signal stays blocked on every thread, the boot CPU's too: its
       wait_for_interrupt unblocks it only while it sleeps, so one sent meanwhile stays pending. */
    if (wanted > 1) {
        s_boot_thread = pthread_self();
        struct sigaction action { };
        action.sa_handler = on_boot_wakeup_signal;
        sigfillset(&action.sa_mask);
        sigaction(hosted::boot_wakeup_signal, &action, nullptr);
        sigaddset(&previous, hosted::boot_wakeup_signal);
    }
    for (u32 index = 1; index < wanted; ++index) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int created = pthread_create(&thread, &attributes, processor_thread, reinterpret_cast<void*>(uptr(index)));
        pthread_attr_destroy(&attributes);
        if (created != 0)
            break;
        u64 start = monotonic_nanoseconds();
        while (!s_processors[index].arrived.load(std::memory_order_acquire)) {
            if (monotonic_nanoseconds() - start > report_in_timeout_nanoseconds)
                PANIC("hosted: a CPU thread did not report in within 1 s");
            sched_yield();
        }
        s_processors_online = index + 1;
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return s_processors_online;
}

u32 current_processor() { return t_processor_index; }

void wake_processor(u32 index)
{
    VERIFY(index < s_processors_online && index != t_processor_index);
    if (index == 0) {
        (void)pthread_kill(s_boot_thread, hosted::boot_wakeup_signal);
        return;
    }
    HostedProcessor& target = s_processors[index];
    target.doorbell.fetch_add(1, std::memory_order_seq_cst);
    (void)futex(&target.doorbell, FUTEX_WAKE_PRIVATE, 1, nullptr);
}

void idle_processor() { hosted::idle_processor_until(0); }

void hosted::idle_processor_until(u64 deadline)
{
    HostedProcessor& self = s_processors[t_processor_index];
    VERIFY(t_processor_index != 0);
    u32 value = self.doorbell.load(std::memory_order_seq_cst);
    if (value == self.seen) {
        /* Sleeps only while the word still holds `value`: a bump before the call returns at once.
           No timeout without a deadline: a lost wake-up would hang this CPU, which the host test
           would see. */
        timespec remaining {};
        timespec const* timeout = nullptr;
        if (deadline != 0) {
            u64 now = monotonic_nanoseconds();
            u64 left = deadline > now ? deadline - now : 0;
            remaining = { static_cast<time_t>(left / 1'000'000'000ull), static_cast<long>(left % 1'000'000'000ull) };
            timeout = &remaining;
        }
        if (timeout == nullptr || remaining.tv_sec != 0 || remaining.tv_nsec != 0)
            (void)futex(&self.doorbell, FUTEX_WAIT_PRIVATE, value, timeout);
        value = self.doorbell.load(std::memory_order_seq_cst);
    }
    self.seen = value;
}

void spin_pause(u32 spins)
{
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" : : : "memory");
#endif
    /* A CPU here is a thread: after a short spin, let the host run the lock's holder. */
    if (spins % 64 == 63)
        sched_yield();
}

/* Each thread has its own deadline (Time.cpp) and idles on its own futex. */
bool other_processors_run_tasks() { return true; }

}
