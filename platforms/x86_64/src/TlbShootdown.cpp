/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * TLB shootdown (ADR 0033). A CPU that set a guard page asks every other online CPU to flush its
 * TLB and waits until each has answered; only then is the page guarded everywhere.
 *
 * The request travels as an NMI, not as a fixed interrupt on vector 0x33 (ADR 0020's sketch):
 * Tasks without a protection domain, the kernel, and a CPU waiting for the kernel lock all run
 * with IF = 0, so a fixed interrupt to a CPU running such a Task that never calls the kernel (a
 * spinner) would wait as long as it spins, and one to a CPU waiting for the lock the changer holds
 * would wait forever. An NMI is taken in every one of those states. Its handler (vectors.S's
 * non-maskable stub, then platform_x86_64_non_maskable_interrupt) takes no lock and waits for
 * nothing: it compares the CPU's request count with its answer count, flushes, and answers. So
 * every answer comes in bounded time, whatever the target holds or waits for, and the changer
 * may wait under the kernel lock. Only a CPU already inside an NMI handler defers it, and that
 * handler either ends without waiting (a shootdown) or ends the image (an NMI that is not one).
 * One shootdown at a time (s_busy): a CPU waiting to send one still answers the one in flight.
 * An NMI that finds no request is reported as before ("non-maskable interrupt").
 */

#include "TlbShootdown.h"
#include "Exceptions.h"
#include "InterruptControllers.h"
#include "Paging.h"
#include "Processors.h"
#include <atomic>
#include <vectra/Panic.h>
#include <vectra/config.h>
#include <vectra/platform/ConsoleLine.h>
#include <vectra/platform/Platform.h>
#include <vectra/x86_64/Cpu.h>

namespace vectra::x86_64 {

namespace {

constexpr u64 answer_timeout_nanoseconds = 1'000'000'000;
constexpr u64 check_timeout_nanoseconds = 1'000'000'000;

struct alignas(64) ShootdownSlot {
    std::atomic<u64> requested { 0 };
    std::atomic<u64> answered { 0 };
};

ShootdownSlot s_slots[CONFIG_CPUS_MAX];
std::atomic<bool> s_busy { false };
u64 s_sent = 0; /* written only by the holder of s_busy */

/* The boot check's page (a page of its own, never used for anything else) and its steps. */
struct alignas(4096) CheckPage {
    u8 bytes[4096];
};
CheckPage s_check_page;
enum CheckStep : u32 { Waiting, TargetRead, Guarded, TargetReached, TargetFaulted };
std::atomic<u32> s_check_step { Waiting };

[[nodiscard]] bool wait_for_step(u32 at_least, u64 timeout_nanoseconds)
{
    u64 end = platform::monotonic_nanoseconds() + timeout_nanoseconds;
    while (s_check_step.load(std::memory_order_acquire) < at_least) {
        if (platform::monotonic_nanoseconds() >= end)
            return false;
        asm volatile("pause");
    }
    return true;
}

}

void shoot_down_translations()
{
    u32 online = processors_online();
    if (online == 1)
        return;
    u32 self = platform::current_processor();
    while (s_busy.exchange(true, std::memory_order_acquire))
        asm volatile("pause");
    u64 requested[CONFIG_CPUS_MAX] {};
    for (u32 index = 0; index < online; ++index) {
        if (index != self)
            requested[index] = s_slots[index].requested.fetch_add(1, std::memory_order_relaxed) + 1;
    }
    /* The changed entry and the requests are visible before any NMI can arrive (an x2APIC ICR
       write is not serializing). */
    std::atomic_thread_fence(std::memory_order_seq_cst);
    for (u32 index = 0; index < online; ++index) {
        if (index != self)
            local_apic_send_non_maskable(apic_identifier_of(index));
    }
    u64 start = platform::monotonic_nanoseconds();
    for (u32 index = 0; index < online; ++index) {
        if (index == self)
            continue;
        while (s_slots[index].answered.load(std::memory_order_acquire) < requested[index]) {
            if (platform::monotonic_nanoseconds() - start > answer_timeout_nanoseconds)
                PANIC("x86_64: a CPU did not answer a TLB shootdown within 1 s");
            asm volatile("pause");
        }
    }
    ++s_sent;
    s_busy.store(false, std::memory_order_release);
}

u64 shootdowns_sent() { return s_sent; }

void check_shootdown_as_target()
{
    /* Cache the page's translation, then wait (without touching the page tables) for the guard. */
    (void)*reinterpret_cast<u8 volatile*>(&s_check_page.bytes[0]);
    s_check_step.store(TargetRead, std::memory_order_release);
    if (!wait_for_step(Guarded, check_timeout_nanoseconds))
        return; /* the boot CPU reports it */
    bool reached = platform_x86_64_probe_read(reinterpret_cast<u64>(&s_check_page.bytes[0]));
    s_check_step.store(reached ? TargetReached : TargetFaulted, std::memory_order_release);
}

void check_shootdown_from_boot_processor(u32 index)
{
    auto page = reinterpret_cast<u64>(&s_check_page.bytes[0]);
    if (!wait_for_step(TargetRead, check_timeout_nanoseconds))
        PANIC("x86_64: the started CPU never read the shootdown check's page");
    u64 start = platform::monotonic_nanoseconds();
    if (!change_page_guard(page, true))
        PANIC("x86_64: cannot guard the shootdown check's page");
    u64 answered = platform::monotonic_nanoseconds() - start;
    s_check_step.store(Guarded, std::memory_order_release);
    bool ended = wait_for_step(TargetReached, check_timeout_nanoseconds);
    if (!change_page_guard(page, false))
        PANIC("x86_64: cannot unguard the shootdown check's page");
    if (!ended)
        PANIC("x86_64: the started CPU never probed the shootdown check's page");
    if (s_check_step.load(std::memory_order_acquire) != TargetFaulted)
        PANIC("x86_64: a page guarded from cpu 0 was still reachable on another CPU (no TLB shootdown)");
    platform::console_format(
        "x86_64: TLB shootdown checked: a page guarded from cpu 0 faults on cpu {} (answered in {} us)", index,
        answered / 1000);
}

}

/*
 * vectors.S's non-maskable stub calls this on the NMI stack, on the kernel's page tables (the
 * stub saved the interrupted CR3 and puts it back), with the x87/SSE state saved. True: it was a
 * shootdown, answered; the stub returns to the interrupted code. Otherwise it is reported as an
 * exception and never returns.
 */
extern "C" void platform_x86_64_exception(vectra::x86_64::ExceptionFrame* frame);
extern "C" void platform_x86_64_non_maskable_interrupt(vectra::x86_64::ExceptionFrame* frame);

extern "C" void platform_x86_64_non_maskable_interrupt(vectra::x86_64::ExceptionFrame* frame)
{
    using namespace vectra::x86_64;
    auto& slot = s_slots[vectra::platform::current_processor()];
    vectra::u64 requested = slot.requested.load(std::memory_order_acquire);
    if (requested == slot.answered.load(std::memory_order_relaxed)) {
        platform_x86_64_exception(frame);
        PANIC("x86_64: a non-maskable interrupt returned from its report");
    }
    invalidate_everything();
    slot.answered.store(requested, std::memory_order_release);
}
