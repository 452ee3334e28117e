/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * CPUs on the hosted platform (ADR 0020): one thread per CPU besides the process's main thread
 * (CPU 0), its index in a thread_local. A CPU's wake-up is a futex word: wake_processor bumps it
 * and wakes the thread; idle_processor sleeps while the word still holds the value its last
 * return saw, so a wake-up sent while the CPU was busy makes the next idle return at once, as a
 * pending interrupt would.
 *
 * Poll before park (ADR 0026 §7): an idle CPU first watches its word for
 * CONFIG_HOSTED_IDLE_POLL_MICROSECONDS (never past its deadline), and only then sleeps in the
 * host kernel. A wake-up that lands in the poll costs neither side a system call: the waker makes
 * the futex call only when the CPU says it sleeps — the same Dekker handshake as the executor's
 * idle flag (the sleeper: `sleeping` set, full fence, word read again; the waker: word bumped by
 * a sequentially consistent read-modify-write, `sleeping` read), and a bump the sleeper did not
 * see makes its futex wait return at once (the host kernel compares the word).
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
    std::atomic<bool> sleeping { false }; /* in (or about to enter) its futex wait: wakers must call the host */
    u32 seen { 0 }; /* only the CPU's own thread reads and writes it */
    /* Counted for the tests and diagnostics: how idles ended, and how many wakes called the host. */
    std::atomic<u64> polled_wakeups { 0 };
    std::atomic<u64> sleeps { 0 };
    std::atomic<u64> futex_wakes { 0 };
};

HostedProcessor s_processors[CONFIG_CPUS_MAX];
/* The boot CPU idles in ppoll (Interrupts.cpp), so its wake-up is a signal to its thread. */
pthread_t s_boot_thread;
std::atomic<bool> s_boot_thread_known { false };
void on_boot_wakeup_signal(int) { }
u32 s_processors_requested = CONFIG_HOSTED_CPUS;
u32 s_processors_online = 1;
thread_local u32 t_processor_index = 0;
/* The process's main thread is CPU 0 (static initialisation runs on it; a forked child's keeps its identity).
   Not a thread_local set here: the compiler may fold such a store into every thread's initial value. */
pthread_t const s_main_thread = pthread_self();
u64 s_idle_poll_nanoseconds = u64(CONFIG_HOSTED_IDLE_POLL_MICROSECONDS) * 1000;

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

void set_idle_poll_nanoseconds(u64 nanoseconds) { s_idle_poll_nanoseconds = nanoseconds; }

IdleCounts idle_counts(u32 index)
{
    VERIFY(index < CONFIG_CPUS_MAX);
    HostedProcessor const& processor = s_processors[index];
    return { processor.polled_wakeups.load(std::memory_order_relaxed), processor.sleeps.load(std::memory_order_relaxed),
        processor.futex_wakes.load(std::memory_order_relaxed) };
}

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
       wait_for_interrupt unblocks it only while it sleeps, so one sent meanwhile stays pending.
       Set up with one CPU too: the window's thread wakes the boot CPU with it (wake_boot_thread). */
    s_boot_thread = pthread_self();
    struct sigaction action { };
    action.sa_handler = on_boot_wakeup_signal;
    sigfillset(&action.sa_mask);
    sigaction(hosted::boot_wakeup_signal, &action, nullptr);
    sigaddset(&previous, hosted::boot_wakeup_signal);
    s_boot_thread_known.store(true, std::memory_order_release);
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

u32 processor_running_this()
{
    if (t_processor_index != 0)
        return t_processor_index;
    return pthread_equal(pthread_self(), s_main_thread) ? 0 : no_processor;
}

void hosted::wake_boot_thread()
{
    /* Sequentially consistent with know_boot_thread's store: a raiser that reads "not known" raised
       before the idler looked at its lines (the idler's look follows that store). */
    if (s_boot_thread_known.load(std::memory_order_seq_cst))
        (void)pthread_kill(s_boot_thread, hosted::boot_wakeup_signal);
}

void hosted::know_boot_thread()
{
    if (s_boot_thread_known.load(std::memory_order_acquire))
        return;
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, hosted::boot_wakeup_signal);
    pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
    struct sigaction action { };
    action.sa_handler = on_boot_wakeup_signal;
    sigfillset(&action.sa_mask);
    sigaction(hosted::boot_wakeup_signal, &action, nullptr);
    s_boot_thread = pthread_self();
    s_boot_thread_known.store(true, std::memory_order_seq_cst);
}

void wake_processor(u32 index)
{
    VERIFY(index < s_processors_online && index != processor_running_this()); /* a bare thread may wake CPU 0 */
    if (index == 0) {
        s_processors[0].futex_wakes.fetch_add(1, std::memory_order_relaxed); /* a signal: a call to the host too */
        (void)pthread_kill(s_boot_thread, hosted::boot_wakeup_signal);
        return;
    }
    HostedProcessor& target = s_processors[index];
    /* The waker's half: bump (a seq_cst read-modify-write), then ask whether it sleeps. A CPU
       still polling sees the bump; one that said it sleeps gets the host's wake-up. */
    target.doorbell.fetch_add(1, std::memory_order_seq_cst);
    if (!target.sleeping.load(std::memory_order_seq_cst))
        return;
    target.futex_wakes.fetch_add(1, std::memory_order_relaxed);
    (void)futex(&target.doorbell, FUTEX_WAKE_PRIVATE, 1, nullptr);
}

void idle_processor() { hosted::idle_processor_until(0); }

namespace {

/* The host CPU's spin-wait hint. */
void pause_hint()
{
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" : : : "memory");
#endif
}

/* Watches the word until it moves past `value`, for at most `nanoseconds`; whether it moved. */
bool poll_doorbell(HostedProcessor& self, u32 value, u64 nanoseconds)
{
    if (nanoseconds == 0)
        return false;
    u64 start = cycle_counter();
    u64 cycles = nanoseconds_to_cycles(nanoseconds);
    for (u32 spins = 0;; ++spins) {
        if (self.doorbell.load(std::memory_order_acquire) != value)
            return true;
        /* The counter only every few spins: it costs more than a look at the word. */
        if (spins % 16 == 15 && cycle_counter() - start >= cycles)
            return false;
        pause_hint();
    }
}

}

void hosted::idle_processor_until(u64 deadline)
{
    HostedProcessor& self = s_processors[t_processor_index];
    VERIFY(t_processor_index != 0);
    u32 value = self.doorbell.load(std::memory_order_seq_cst);
    if (value != self.seen) {
        self.seen = value;
        return;
    }
    /* Poll first, never past the deadline. */
    u64 poll = s_idle_poll_nanoseconds;
    u64 left = 0;
    if (deadline != 0) {
        u64 now = monotonic_nanoseconds();
        left = deadline > now ? deadline - now : 0;
        if (left == 0)
            return;
        if (poll > left)
            poll = left;
    }
    if (poll_doorbell(self, value, poll)) {
        self.polled_wakeups.fetch_add(1, std::memory_order_relaxed);
        self.seen = self.doorbell.load(std::memory_order_relaxed);
        return;
    }
    /* The sleeper's half of the handshake: say so, full fence (the seq_cst store and load), look again. */
    self.sleeping.store(true, std::memory_order_seq_cst);
    value = self.doorbell.load(std::memory_order_seq_cst);
    if (value == self.seen) {
        /* Sleeps only while the word still holds `value`: a bump before the call returns at once.
           No timeout without a deadline: a lost wake-up would hang this CPU, which the host test
           would see. */
        timespec remaining {};
        timespec const* timeout = nullptr;
        if (deadline != 0) {
            u64 now = monotonic_nanoseconds();
            left = deadline > now ? deadline - now : 0;
            remaining = { static_cast<time_t>(left / 1'000'000'000ull), static_cast<long>(left % 1'000'000'000ull) };
            timeout = &remaining;
        }
        if (timeout == nullptr || remaining.tv_sec != 0 || remaining.tv_nsec != 0) {
            self.sleeps.fetch_add(1, std::memory_order_relaxed);
            (void)futex(&self.doorbell, FUTEX_WAIT_PRIVATE, value, timeout);
        }
        value = self.doorbell.load(std::memory_order_seq_cst);
    }
    self.sleeping.store(false, std::memory_order_relaxed);
    self.seen = value;
}

void spin_pause(u32 spins)
{
    pause_hint();
    /* A CPU here is a thread: after a short spin, let the host run the lock's holder. */
    if (spins % 64 == 63)
        sched_yield();
}

/* Each thread has its own deadline (Time.cpp) and idles on its own futex. */
bool other_processors_run_tasks() { return true; }

}
