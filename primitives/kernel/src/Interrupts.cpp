/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Interrupts arrive as Signal bits: the platform calls interrupt_arrived(line) from interrupt
 * context, and the kernel raises the bit a driver Task bound to that line.
 */

#include <atomic>
#include <vectra/Executor.h>
#include <vectra/Try.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Init.h>
#include <vectra/kernel/Kernel.h>

namespace vectra::kernel {

namespace {

struct InterruptRoute {
    u32 line { 0 };
    SignalMask* mask { nullptr };
    SignalBit bit { 0 };
};

constexpr usize route_capacity = 32;
InterruptRoute s_routes[route_capacity];
std::atomic<usize> s_route_count { 0 };
std::atomic<u64> s_spurious_interrupts { 0 };

ErrorOr<void> initialise_interrupt_routing()
{
    s_route_count.store(0, std::memory_order_relaxed);
    platform::unmask_interrupt(platform::timer_interrupt_line());
    return {};
}

void finish_interrupt_routing()
{
    platform::cancel_deadline();
    platform::mask_interrupt(platform::timer_interrupt_line());
}

}

void interrupt_arrived(u32 line)
{
    if (line == platform::timer_interrupt_line()) {
        Executor::current().note_timer_interrupt();
        return;
    }
    usize count = s_route_count.load(std::memory_order_acquire);
    for (usize index = 0; index < count; ++index) {
        if (s_routes[index].line == line) {
            s_routes[index].mask->raise(s_routes[index].bit);
            return;
        }
    }
    s_spurious_interrupts.fetch_add(1, std::memory_order_relaxed);
}

ErrorOr<void> bind_interrupt(CapabilitySpace& space, IrqCap const& capability, SignalBit bit)
{
    InterruptLine* interrupt = TRY(space.lookup(capability, RightReceive));
    u32 line = interrupt->line();
    if (line == platform::timer_interrupt_line())
        return Error(ErrorCode::Busy, "the timer line belongs to the executor");
    usize count = s_route_count.load(std::memory_order_relaxed);
    for (usize index = 0; index < count; ++index) {
        if (s_routes[index].line == line)
            return Error(ErrorCode::AlreadyExists, "interrupt line already routed");
    }
    if (count == route_capacity)
        return Error(ErrorCode::Full, "interrupt route table is full");
    s_routes[count] = { line, &Executor::current().current_task().signals(), bit };
    s_route_count.store(count + 1, std::memory_order_release);
    platform::unmask_interrupt(line);
    return {};
}

ErrorOr<u32> interrupt_line(CapabilitySpace& space, IrqCap const& capability)
{
    InterruptLine* interrupt = TRY(space.lookup(capability, RightRead));
    return interrupt->line();
}

void task_finished(Task& task)
{
    /* Lines routed to the Task's mask are masked and forgotten: nothing may raise into a dead Task. */
    usize count = s_route_count.load(std::memory_order_relaxed);
    for (usize index = 0; index < count;) {
        if (s_routes[index].mask != &task.signals()) {
            ++index;
            continue;
        }
        platform::mask_interrupt(s_routes[index].line);
        s_routes[index] = s_routes[count - 1];
        --count;
        s_route_count.store(count, std::memory_order_release);
    }
}

bool interrupt_lines_bound()
{
    return s_route_count.load(std::memory_order_acquire) != 0;
}

}

VECTRA_INIT(interrupt_routing, Early, 0, vectra::kernel::initialise_interrupt_routing,
    vectra::kernel::finish_interrupt_routing);
