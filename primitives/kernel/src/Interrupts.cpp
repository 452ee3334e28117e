/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Interrupts arrive as Signal bits: the platform calls interrupt_arrived(line) from interrupt
 * context, and the kernel raises the bit a driver Task bound to that line. A route lives as
 * long as the binding Task, the IrqCap it was bound through, and the line's last IrqCap. An
 * MSI-X line (MessageInterrupts.cpp) is masked at each arrival until its Task acknowledges; an
 * INTx line (IntxLines.cpp), shared by functions, until every Task bound on it acknowledged.
 */

#include <atomic>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/KernelLock.h>
#include <vectra/Panic.h>
#include <vectra/Try.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Init.h>
#include <vectra/kernel/Kernel.h>
#include "MessageInterrupts.h"
#include <vectra/kernel/I8042.h>

namespace vectra::kernel {

namespace {

constexpr usize route_capacity = 32;
/* The routed lines, for dispatch from interrupt context. */
InterruptLine* s_routed[route_capacity];
std::atomic<usize> s_route_count { 0 };
std::atomic<u64> s_spurious_interrupts { 0 };

ErrorOr<void> initialise_interrupt_routing()
{
    s_route_count.store(0, std::memory_order_relaxed);
    Executor::current().note_interrupt_routes(0);
    platform::unmask_interrupt(platform::timer_interrupt_line());
    return {};
}

void finish_interrupt_routing()
{
    platform::cancel_deadline();
    platform::mask_interrupt(platform::timer_interrupt_line());
}

}

class InterruptRouting {
public:
    static ErrorOr<void> route(InterruptLine& line, CapabilitySpace& space, CapabilityEntry const& through,
        SignalMask& mask, SignalBit bit)
    {
        if (line.is_routed())
            return Error(ErrorCode::AlreadyExists, "interrupt line already routed");
        usize count = s_route_count.load(std::memory_order_relaxed);
        if (count == route_capacity)
            return Error(ErrorCode::Full, "interrupt route table is full");
        auto& route = line.m_route;
        route.mask = &mask;
        route.bit = bit;
        route.through = &through;
        mask.retain();
        space.attach(route);
        line.retain();
        s_routed[count] = &line;
        s_route_count.store(count + 1, std::memory_order_release);
        Executor::current().note_interrupt_routes(count + 1);
        if (line.is_level())
            settle_level(line.line());
        else
            platform::unmask_interrupt(line.line());
        return {};
    }

    /*
     * A shared level line (INTx, ADR 0021) is unmasked only while it has bound holders and none
     * of them awaits its acknowledge; otherwise it stays masked.
     */
    static void settle_level(u32 number)
    {
        bool bound = false;
        usize count = s_route_count.load(std::memory_order_relaxed);
        for (usize index = 0; index < count; ++index) {
            InterruptLine* routed = s_routed[index];
            if (routed->line() != number || !routed->is_level())
                continue;
            if (routed->m_message.awaiting)
                return;
            bound = true;
        }
        if (bound)
            platform::unmask_interrupt(number);
    }

    /* Whether a line that is not an INTx pin (a platform line, an MSI-X entry) is routed as `number`. */
    static bool routed_exclusively(u32 number)
    {
        usize count = s_route_count.load(std::memory_order_relaxed);
        for (usize index = 0; index < count; ++index) {
            if (s_routed[index]->line() == number && !s_routed[index]->is_level())
                return true;
        }
        return false;
    }

    /* Mask the line and forget its route; nothing may raise into a Task that no longer asked. */
    static void unroute(InterruptLine& line)
    {
        auto& route = line.m_route;
        if (auto* space = route.attached_space())
            space->detach(route);
        finish(line);
    }

    /*
     * From interrupt context: raise the bit the line is routed to, if any. A level line (INTx)
     * raises the bit of every function bound on it — the kernel cannot tell which one asserted
     * it — and stays masked until each of them acknowledged.
     */
    static bool dispatch(u32 line)
    {
        bool level = false;
        usize count = s_route_count.load(std::memory_order_acquire);
        for (usize index = 0; index < count; ++index) {
            InterruptLine* routed = s_routed[index];
            if (routed->line() != line || !routed->m_route.mask)
                continue;
            if (routed->is_level()) {
                if (!level)
                    platform::mask_interrupt(line);
                level = true;
                ++routed->m_deliveries;
                routed->m_message.awaiting = true;
                routed->m_route.mask->raise(routed->m_route.bit);
                continue;
            }
            ++routed->m_deliveries;
            if (routed->is_message())
                MessageInterrupts::arrived(*routed);
            routed->m_route.mask->raise(routed->m_route.bit);
            return true;
        }
        return level;
    }

    /* The route's space was cleared (its Task exited): it is already detached. */
    static void finish(InterruptLine& line)
    {
        auto& route = line.m_route;
        if (!route.mask)
            return;
        platform::mask_interrupt(line.line());
        usize count = s_route_count.load(std::memory_order_relaxed);
        for (usize index = 0; index < count; ++index) {
            if (s_routed[index] != &line)
                continue;
            s_routed[index] = s_routed[count - 1];
            s_route_count.store(count - 1, std::memory_order_release);
            Executor::current().note_interrupt_routes(count - 1);
            break;
        }
        SignalMask* mask = route.mask;
        route.mask = nullptr;
        route.through = nullptr;
        if (line.is_level()) {
            line.m_message.awaiting = false;
            settle_level(line.line()); /* the functions still bound on a shared line */
        }
        mask->release();
        line.release();
    }
};

void interrupt_arrived(u32 line)
{
    if (line == platform::timer_interrupt_line()) {
        Executor::current().note_timer_interrupt();
        return;
    }
    kernel_lock::Entry lock; /* the routes are kernel state (ADR 0026) */
    if (!InterruptRouting::dispatch(line))
        s_spurious_interrupts.fetch_add(1, std::memory_order_relaxed);
}

void host_line_raised() { Executor::note_host_line_raised(); }

void interrupted_user_mode()
{
    /* Taken here, held across a preemption's switch, let go when this Task resumes and returns. */
    kernel_lock::Entry lock;
    Executor& here = Executor::current();
    /* Only a Task in a domain runs in user mode (ADR 0018); kernel mode takes interrupts only
       while it idles, and its entry path must not come here. */
    if (!here.in_task() || here.current_task().domain() == nullptr)
        PANIC("an interrupt from kernel mode taken as one from user mode");
    here.preemption_point();
}

ErrorOr<void> bind_interrupt(CapabilitySpace& space, IrqCap const& capability, SignalBit bit)
{
    InterruptLine* interrupt = TRY(space.lookup(capability, RightReceive));
    if (interrupt->is_message())
        return Error(ErrorCode::AlreadyExists, "an MSI-X line is routed when it is made (pci_interrupt)");
    if (interrupt->line() == platform::timer_interrupt_line())
        return Error(ErrorCode::Busy, "the timer line belongs to the executor");
    usize count = s_route_count.load(std::memory_order_relaxed);
    for (usize index = 0; index < count; ++index) {
        if (s_routed[index]->line() == interrupt->line())
            return Error(ErrorCode::AlreadyExists, "interrupt line already routed");
    }
    auto& self = Executor::current().current_task();
    if (&self.capabilities() != &space)
        return Error(ErrorCode::ForeignHandle, "a Task routes interrupts only into its own Signal Mask");
    return InterruptRouting::route(*interrupt, space, *TRY(space.entry_of(capability)), self.signals(), bit);
}

ErrorOr<u32> interrupt_line(CapabilitySpace& space, IrqCap const& capability)
{
    InterruptLine* interrupt = TRY(space.lookup(capability, RightRead));
    if (interrupt->is_message() && interrupt->is_released())
        return Error(ErrorCode::Revoked, "the PciDevice capability this line was made through is gone");
    return interrupt->line();
}

ErrorOr<u64> acknowledge_interrupt(CapabilitySpace& space, IrqCap const& capability)
{
    InterruptLine* interrupt = TRY(space.lookup(capability, RightReceive));
    if (!interrupt->is_message())
        return Error(ErrorCode::InvalidArgument, "this line is not masked until acknowledged");
    if (interrupt->is_level())
        TRY(MessageInterrupts::acknowledge_intx(*interrupt));
    else
        TRY(MessageInterrupts::acknowledge(*interrupt));
    return interrupt->deliveries();
}

void settle_level_line(u32 number) { InterruptRouting::settle_level(number); }

bool interrupt_line_routed_exclusively(u32 number) { return InterruptRouting::routed_exclusively(number); }

bool interrupt_line_routed(u32 number)
{
    usize count = s_route_count.load(std::memory_order_relaxed);
    for (usize index = 0; index < count; ++index) {
        if (s_routed[index]->line() == number)
            return true;
    }
    return false;
}

ErrorOr<void> route_interrupt(InterruptLine& line, CapabilitySpace& space, CapabilityEntry const& through,
    SignalMask& mask, SignalBit bit)
{
    return InterruptRouting::route(line, space, through, mask, bit);
}

void unroute_interrupt(InterruptLine& line) { InterruptRouting::unroute(line); }

bool interrupt_routes_full() { return s_route_count.load(std::memory_order_relaxed) == route_capacity; }

}

namespace vectra {

void InterruptLine::Route::space_cleared()
{
    kernel::InterruptRouting::finish(m_line);
}

void InterruptLine::tear_down()
{
    kernel::InterruptRouting::unroute(*this);
    if (is_message())
        kernel::MessageInterrupts::release(*this);
}

void InterruptLine::retired()
{
    if (!is_message())
        return;
    kernel::MessageInterrupts::release(*this);
    if (m_message.slot)
        m_message.slot->release();
    else if (m_message.controller)
        m_message.controller->release();
    else
        m_message.device->release();
}

void InterruptLine::capability_deleted(CapabilityEntry const& entry)
{
    if (m_route.through == &entry)
        kernel::InterruptRouting::unroute(*this);
}

void InterruptLine::capability_moved(CapabilityEntry const& from, CapabilityEntry const& to)
{
    if (m_route.through == &from)
        m_route.through = &to;
}

}

VECTRA_INIT(interrupt_routing, Early, 0, vectra::kernel::initialise_interrupt_routing,
    vectra::kernel::finish_interrupt_routing);
