/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The hosted platform's fault handlers when the kernel contains faults: cpu_fault leaves the
 * signal handler for good (jump_fcontext to the scheduler), and the next fault, in another
 * fiber, must be reported just the same.
 */

#include "ChildProcess.h"
#include "HostedKernelStub.h"
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/mman.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/hosted/Faults.h>

using namespace vectra;

namespace {

constexpr usize fiber_stack_size = 256 * KiB;

/* A fiber stack above a guard page, in memory of its own. */
struct GuardedStack {
    uptr guard { 0 };
    uptr bottom { 0 };
};

/* A page that stays mapped but inaccessible for the rest of the process. */
uptr inaccessible_page()
{
    void* page = mmap(nullptr, platform::page_size(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        _exit(102);
    return reinterpret_cast<uptr>(page);
}

GuardedStack map_guarded_stack()
{
    usize page = platform::page_size();
    void* memory = mmap(nullptr, page + fiber_stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        _exit(100);
    auto guard = reinterpret_cast<uptr>(memory);
    if (!platform::set_page_guard(guard, true))
        _exit(101);
    return { guard, guard + page };
}

uptr s_inaccessible_address = 0;
/* Deeper than any fiber stack here: the recursion ends in the guard page. */
u32 volatile s_recursion_limit = 1'000'000'000;

[[gnu::noinline]] u32 recurse(u32 depth)
{
    u8 volatile frame[256];
    frame[0] = static_cast<u8>(depth);
    if (depth == s_recursion_limit)
        return frame[0];
    return recurse(depth + 1) + frame[0];
}

void overflow_the_stack() { (void)recurse(0); }
void execute_a_trap() { __builtin_trap(); }
void write_inaccessible_memory() { *reinterpret_cast<u64 volatile*>(s_inaccessible_address) = 1; }
void return_normally() { }

/* Signals the next fault needs, as the fiber left them. */
bool fault_signals_deliverable()
{
    sigset_t blocked;
    sigprocmask(SIG_BLOCK, nullptr, &blocked);
    for (int signal_number : { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP }) {
        if (sigismember(&blocked, signal_number))
            return false;
    }
    return true;
}

bool alternate_stack_free()
{
    stack_t stack {};
    sigaltstack(nullptr, &stack);
    return (stack.ss_flags & SS_ONSTACK) == 0 && (stack.ss_flags & SS_DISABLE) == 0;
}

}

TEST_CASE("Faults in fibers one after another are each reported, and the process carries on", "[platform][hosted]")
{
    auto result = test::run_in_child([] {
        platform::hosted::install_fault_handlers();
        GuardedStack first = map_guarded_stack();
        GuardedStack second = map_guarded_stack();
        GuardedStack third = map_guarded_stack();
        s_inaccessible_address = inaccessible_page();

        /* 1: a stack overflow into the guard page. */
        if (!test::run_fiber(overflow_the_stack, first.bottom, fiber_stack_size))
            _exit(1);
        auto const& overflow = test::last_fault();
        if (overflow.fault_address < first.guard || overflow.fault_address >= first.bottom)
            _exit(2);
        if (!fault_signals_deliverable() || !alternate_stack_free())
            _exit(3);

        /* 2: another fiber, another signal. */
        if (!test::run_fiber(execute_a_trap, second.bottom, fiber_stack_size))
            _exit(4);
        if (test::last_fault().vector != SIGILL && test::last_fault().vector != SIGTRAP)
            _exit(5);
        if (!fault_signals_deliverable() || !alternate_stack_free())
            _exit(6);

        /* 3: SIGSEGV again, now that a SIGSEGV handler has been left without returning. */
        if (!test::run_fiber(write_inaccessible_memory, third.bottom, fiber_stack_size))
            _exit(7);
        if (test::last_fault().fault_address != s_inaccessible_address)
            _exit(8);

        /* 4: the first fiber's stack, reused: overflows into the same guard page again. */
        if (!test::run_fiber(overflow_the_stack, first.bottom, fiber_stack_size))
            _exit(9);
        if (test::last_fault().fault_address < first.guard || test::last_fault().fault_address >= first.bottom)
            _exit(10);

        /* A well-behaved fiber still runs to its end. */
        if (test::run_fiber(return_normally, second.bottom, fiber_stack_size))
            _exit(11);
        _exit(test::faults_reported() == 4 && fault_signals_deliverable() ? 0 : 12);
    });
    INFO(result.output);
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == 0);
}

TEST_CASE("A fault while a fault is being reported is reported by the platform itself", "[platform][hosted]")
{
    /* The kernel's reporting path faults: the second signal arrives on the alternate stack,
       which the platform recognises; it prints the nested fault and ends the process. */
    auto result = test::run_in_child([] {
        platform::hosted::install_fault_handlers();
        test::fault_inside_next_report(inaccessible_page());
        __builtin_trap();
    });
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == static_cast<int>(platform::ExitStatus::CpuFault));
    REQUIRE(result.output.find("hosted: fault while handling a fault: page fault (protection)") != std::string::npos);
    REQUIRE(result.output.find("FAULT:") == std::string::npos);
}
