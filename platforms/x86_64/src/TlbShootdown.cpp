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
 *
 * A CPU parked in `hlt` (wait_for_interrupt) is not sent the NMI (ADR 0026 §10): it runs no Task
 * while parked, so a stale translation there can do nothing until it leaves the park, and it
 * flushes then, before returning to the executor. Dekker's handshake, on the slot's `parked` flag
 * and its request count: the changer bumps the count, fences (seq_cst) and reads the flag; the
 * CPU stores the flag (seq_cst) before it parks and clears it (seq_cst) after, then reads the
 * count. In the single order of the four, either the changer sees the flag clear (and sends the
 * NMI and waits for the answer, as before), or the CPU reads the count after the bump and
 * flushes before it does anything else. A CPU excused that way answers its own request, so the
 * changer need not wait for it; one that leaves the park between the changer's read and the NMI
 * may answer the request itself before the NMI lands, so the handler counts NMIs against those
 * sent (`nmis_sent`, `nmis_taken`) and only an NMI nobody sent is reported as before
 * ("non-maskable interrupt"). x86 holds one NMI pending, so two sent before either lands may be
 * taken as one: taken stays at or below sent, and a stray NMI arriving while it is below goes
 * unreported (it flushes, which is harmless).
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
    std::atomic<bool> parked { false };
    std::atomic<u64> nmis_sent { 0 };
    u64 nmis_taken { 0 }; /* its own CPU's NMI handler only */
};

ShootdownSlot s_slots[CONFIG_CPUS_MAX];
std::atomic<bool> s_busy { false };
u64 s_sent = 0;    /* written only by the holder of s_busy */
u64 s_excused = 0; /* likewise: parked CPUs not sent an NMI */

/* Flushes and answers what was asked of this CPU, if anything (the NMI handler, a park's end). */
void answer_requests(ShootdownSlot& slot)
{
    /* seq_cst: at a park's end this is the load after the flag's store (Dekker's handshake). */
    u64 requested = slot.requested.load(std::memory_order_seq_cst);
    if (requested == slot.answered.load(std::memory_order_relaxed))
        return;
    invalidate_everything();
    slot.answered.store(requested, std::memory_order_release);
}

/* The boot check's page (a page of its own, never used for anything else) and its steps. */
struct alignas(4096) CheckPage {
    u8 bytes[4096];
};
CheckPage s_check_page;
enum CheckStep : u32 {
    Waiting,
    TargetRead,
    Guarded,
    TargetReached,
    TargetFaulted,
    ParkedRound,
    TargetReadAgain,
    GuardedWhileParked,
    ParkedTargetReached,
    ParkedTargetFaulted,
};
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
    bool excused[CONFIG_CPUS_MAX] {};
    for (u32 index = 0; index < online; ++index) {
        if (index == self)
            continue;
        /* Parked after the bump is visible to it: it flushes when it leaves the park. */
        if (s_slots[index].parked.load(std::memory_order_seq_cst)) {
            excused[index] = true;
            ++s_excused;
            continue;
        }
        s_slots[index].nmis_sent.fetch_add(1, std::memory_order_relaxed);
    }
    /* The count of NMIs sent is visible before the NMI lands (its handler checks it). */
    std::atomic_thread_fence(std::memory_order_seq_cst);
    for (u32 index = 0; index < online; ++index) {
        if (index != self && !excused[index])
            local_apic_send_non_maskable(apic_identifier_of(index));
    }
    u64 start = platform::monotonic_nanoseconds();
    for (u32 index = 0; index < online; ++index) {
        if (index == self || excused[index])
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

bool is_parked(u32 index) { return s_slots[index].parked.load(std::memory_order_seq_cst); }

void enter_park() { s_slots[platform::current_processor()].parked.store(true, std::memory_order_seq_cst); }

void leave_park()
{
    auto& slot = s_slots[platform::current_processor()];
    slot.parked.store(false, std::memory_order_seq_cst);
    answer_requests(slot);
}

/*
 * The boot check, in two rounds on cpu 1 while it starts. Running: it reads the page, spins (not
 * parked), the boot CPU guards the page, and the probe must fault — the NMI flushed it; a
 * shootdown that excused a CPU that is not parked fails here. Parked: it reads the page again,
 * says it is parked (enter_park, as wait_for_interrupt does) and spins the same way; the boot
 * CPU guards the page, which must excuse cpu 1 (no NMI: the count of excused CPUs moves — fails
 * if the park is not seen), then lets it go; it leaves the park (leave_park, as
 * wait_for_interrupt does after hlt) and the probe must fault — the park's end flushed it (fails
 * if leave_park() does not flush). The second round parks without hlt on purpose: under TCG the
 * wake-up interrupt's handler touches enough pages to evict the check page's entry from QEMU's
 * direct-mapped software TLB, so a real hlt would pass with the flush taken out (ADR 0033 §6's
 * earlier attempt failed that way); the spin touches nothing but the step word, and the first
 * round shows a translation survives it.
 */
void check_shootdown_as_target()
{
    auto page = reinterpret_cast<u8 volatile*>(&s_check_page.bytes[0]);
    /* Cache the page's translation, then wait (without touching the page tables) for the guard. */
    (void)*page;
    s_check_step.store(TargetRead, std::memory_order_release);
    if (!wait_for_step(Guarded, check_timeout_nanoseconds))
        return; /* the boot CPU reports it */
    bool reached = platform_x86_64_probe_read(reinterpret_cast<u64>(page));
    s_check_step.store(reached ? TargetReached : TargetFaulted, std::memory_order_release);
    /* The second round, once the boot CPU took the guard away again. */
    if (!wait_for_step(ParkedRound, check_timeout_nanoseconds))
        return;
    (void)*page;
    /* Parked by the flag alone, spinning as in the first round (see above: no hlt). */
    enter_park();
    s_check_step.store(TargetReadAgain, std::memory_order_release);
    bool guarded = wait_for_step(GuardedWhileParked, check_timeout_nanoseconds);
    leave_park();
    if (!guarded)
        return;
    reached = platform_x86_64_probe_read(reinterpret_cast<u64>(page));
    s_check_step.store(reached ? ParkedTargetReached : ParkedTargetFaulted, std::memory_order_release);
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

    s_check_step.store(ParkedRound, std::memory_order_release);
    if (!wait_for_step(TargetReadAgain, check_timeout_nanoseconds))
        PANIC("x86_64: the started CPU never read the shootdown check's page again");
    if (!is_parked(index))
        PANIC("x86_64: the started CPU did not say it was parked for the shootdown check");
    u64 excused_before = s_excused;
    start = platform::monotonic_nanoseconds();
    if (!change_page_guard(page, true))
        PANIC("x86_64: cannot guard the shootdown check's page");
    u64 excused_answer = platform::monotonic_nanoseconds() - start;
    bool excused = s_excused != excused_before;
    s_check_step.store(GuardedWhileParked, std::memory_order_release);
    ended = wait_for_step(ParkedTargetReached, check_timeout_nanoseconds);
    if (!change_page_guard(page, false))
        PANIC("x86_64: cannot unguard the shootdown check's page");
    if (!ended)
        PANIC("x86_64: the unparked CPU never probed the shootdown check's page");
    if (!excused)
        PANIC("x86_64: a parked CPU was sent a shootdown NMI (not excused)");
    if (s_check_step.load(std::memory_order_acquire) != ParkedTargetFaulted)
        PANIC("x86_64: a page guarded while a CPU was parked was still reachable there after its park (no flush on leaving it)");
    platform::console_format(
        "x86_64: TLB shootdown checked: a page guarded from cpu 0 faults on cpu {} (answered in {} us)", index,
        answered / 1000);
    platform::console_format(
        "x86_64: TLB shootdown checked: parked cpu {} excused (guarded in {} us) and flushed on leaving its park", index,
        excused_answer / 1000);
}

}

/*
 * vectors.S's non-maskable stub calls this on the NMI stack, on the kernel's page tables (the
 * stub saved the interrupted CR3 and puts it back), with the x87/SSE state saved. An NMI some
 * changer sent (its request may already be answered: the CPU left a park in between) flushes and
 * answers what is asked, and returns to the interrupted code. Any other is reported as an
 * exception and never returns.
 */
extern "C" void platform_x86_64_exception(vectra::x86_64::ExceptionFrame* frame);
extern "C" void platform_x86_64_non_maskable_interrupt(vectra::x86_64::ExceptionFrame* frame);

extern "C" void platform_x86_64_non_maskable_interrupt(vectra::x86_64::ExceptionFrame* frame)
{
    using namespace vectra::x86_64;
    auto& slot = s_slots[vectra::platform::current_processor()];
    if (++slot.nmis_taken > slot.nmis_sent.load(std::memory_order_acquire)) {
        --slot.nmis_taken;
        platform_x86_64_exception(frame);
        PANIC("x86_64: a non-maskable interrupt returned from its report");
    }
    answer_requests(slot);
}
