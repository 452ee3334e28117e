/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Interrupt lines on the hosted platform: 0 is the deadline timer, 1 the software line. The
 * software line is a real POSIX signal, SIGUSR1, sent by the process's thread to itself. It is
 * blocked at all times except inside wait_for_interrupt() while the line is unmasked, so like
 * an interrupt on bare metal it stays pending (in the kernel's pending-signal set) while the
 * line is masked or the "CPU" runs Tasks, and is delivered, in order, when the executor idles.
 *
 * Line 2 is the window's input (ADR 0040 §6, HostInput.cpp): the SDL window's thread sets it
 * pending and wakes the boot CPU's sleep with its wake-up signal; it is delivered like the
 * software line, when the executor idles with the line unmasked, or sooner when the executor's
 * scheduler passes between Tasks (deliver_host_lines). Line 3 is the host's sockets
 * (ADR 0024, amendment "netd woken by the host"; HostSockets.cpp): raised the same way by the
 * thread that watches the host-sockets table's descriptors.
 *
 * Lines 64-79 are message lines (ADR 0016) handed out for MSI-X entries: a Linux process has no
 * device to send them, so only host tests raise them, by calling kernel::interrupt_arrived.
 */

#include "Hosted.h"
#include <atomic>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <vectra/Panic.h>
#include <vectra/platform/Pci.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/hosted/HostInput.h>
#include <vectra/platform/hosted/HostSockets.h>
#include <vectra/platform/hosted/IntxLines.h>
#include <vectra/platform/hosted/Processors.h>

namespace vectra::platform::hosted {

namespace {

constexpr u32 software_line = 1;
constexpr int software_signal = SIGUSR1;
constexpr u64 longest_idle_nanoseconds = 100'000'000;

struct SoftwareLine {
    bool installed { false };
    bool masked { true };
};
SoftwareLine s_software_line;
/* A line a host thread raises (raise_input_line, raise_sockets_line): pending until the boot CPU idles with it unmasked. */
struct HostLine {
    u32 number;
    std::atomic<bool> masked { true };
    std::atomic<bool> pending { false };

    [[nodiscard]] bool waiting() const
    {
        /* seq_cst: the idler's look pairs with the raiser's store then look (know_boot_thread, wake_boot_thread). */
        return !masked.load(std::memory_order_acquire) && pending.load(std::memory_order_seq_cst);
    }
    /* Delivers the line if it is pending and unmasked (the pending flag taken once). */
    void deliver()
    {
        if (!masked.load(std::memory_order_acquire) && pending.exchange(false, std::memory_order_acq_rel))
            kernel::interrupt_arrived(number);
    }
};
HostLine s_host_lines[] { { input_line }, { sockets_line } };
constexpr u32 first_message_line = 64;
constexpr u32 message_line_count = 16;
u32 s_message_lines_taken = 0; /* bit n: line 64 + n */
u32 s_intx_lines_unmasked = 0;  /* bit n: line 80 + n */
u32 s_slot_lines_unmasked = 0;  /* bit n: line 84 + n */
bool s_i8042_model_line_masked = true;

[[nodiscard]] bool is_slot_line(u32 line) { return line >= first_slot_line && line < first_slot_line + slot_line_count; }

[[nodiscard]] bool is_intx_line(u32 line) { return line >= first_intx_line && line < first_intx_line + intx_line_count; }

[[nodiscard]] bool is_message_line(u32 line)
{
    return line >= first_message_line && line < first_message_line + message_line_count;
}

volatile sig_atomic_t s_software_signal_arrived = 0;

void on_software_signal(int) { s_software_signal_arrived = 1; }

/* Blocks the signal, then installs its handler; done on first use of anything here. */
void install_software_line()
{
    if (s_software_line.installed)
        return;
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, software_signal);
    sigprocmask(SIG_BLOCK, &blocked, nullptr);
    struct sigaction action { };
    action.sa_handler = on_software_signal;
    sigfillset(&action.sa_mask);
    sigaction(software_signal, &action, nullptr);
    s_software_line.installed = true;
}

void set_line_masked(u32 line, bool masked)
{
    install_software_line();
    if (line == timer_line)
        set_timer_masked(masked);
    else if (line == software_line)
        s_software_line.masked = masked;
    else if (line == input_line || line == sockets_line) {
        HostLine& host_line = s_host_lines[line == input_line ? 0 : 1];
        host_line.masked.store(masked, std::memory_order_release);
        if (!masked && host_line.pending.load(std::memory_order_seq_cst))
            kernel::host_line_raised(); /* raised while masked: the switch path's hint was taken back since */
    }
    else if (is_intx_line(line))
        s_intx_lines_unmasked = masked ? s_intx_lines_unmasked & ~(1u << (line - first_intx_line))
                                       : s_intx_lines_unmasked | (1u << (line - first_intx_line));
    else if (is_slot_line(line))
        s_slot_lines_unmasked = masked ? s_slot_lines_unmasked & ~(1u << (line - first_slot_line))
                                       : s_slot_lines_unmasked | (1u << (line - first_slot_line));
    else if (line == i8042_model_line)
        s_i8042_model_line_masked = masked;
    else if (!is_message_line(line))
        PANIC("hosted: no such interrupt line (lines: 0 timer, 1 software, 2 input, 3 host sockets, 64-79 messages, 80-83 INTx, 84-91 slots, 92 a modelled i8042)");
}

timespec as_timespec(u64 nanoseconds)
{
    return { static_cast<time_t>(nanoseconds / 1'000'000'000ull), static_cast<long>(nanoseconds % 1'000'000'000ull) };
}

}

}

namespace vectra::platform {

using namespace hosted;

void unmask_interrupt(u32 line) { set_line_masked(line, false); }

void mask_interrupt(u32 line) { set_line_masked(line, true); }

bool pci_intx_line(u8, u8 device, u8, u8 pin, u32& line)
{
    if (pin < 1 || pin > 4)
        return false;
    line = first_intx_line + (u32(device) + pin - 1) % intx_line_count;
    return true;
}

u32 software_interrupt_line() { return software_line; }

bool host_lines_raised()
{
    bool raised = false;
    for (auto const& host_line : s_host_lines)
        raised |= host_line.waiting();
    return raised;
}

void deliver_host_lines()
{
    for (auto& host_line : s_host_lines)
        host_line.deliver();
}

bool allocate_message_interrupt(MessageInterrupt& message)
{
    for (u32 index = 0; index < message_line_count; ++index) {
        if (s_message_lines_taken & (1u << index))
            continue;
        s_message_lines_taken |= 1u << index;
        message.line = first_message_line + index;
        message.address = 0xfee0'0000;
        message.data = message.line;
        return true;
    }
    return false;
}

void free_message_interrupt(u32 line)
{
    if (is_message_line(line))
        s_message_lines_taken &= ~(1u << (line - first_message_line));
}

void trigger_software_interrupt()
{
    install_software_line();
    raise(software_signal);
}

void wait_for_interrupt()
{
    install_software_line();
    u64 start = monotonic_nanoseconds();
    u64 until = armed_deadline() != 0 ? armed_deadline() : start + longest_idle_nanoseconds;
    if (until > start + longest_idle_nanoseconds)
        until = start + longest_idle_nanoseconds;
    /* Another CPU (ADR 0026) sleeps on its wake-up futex until its own deadline: only the boot
       CPU takes the software line's signal. */
    if (current_processor() != 0) {
        idle_processor_until(until);
        if (take_expired_deadline())
            kernel::interrupt_arrived(timer_line);
        return;
    }

    /* Sleep with the software signal unblocked (when its line is): ppoll swaps the mask in and
       out atomically, so a signal already pending ends the sleep at once. */
    know_boot_thread(); /* a host test's or benchmark's boot thread: no start_processors() made it known */
    sigset_t while_idle;
    sigprocmask(SIG_BLOCK, nullptr, &while_idle);
    if (!s_software_line.masked)
        sigdelset(&while_idle, software_signal);
    sigdelset(&while_idle, boot_wakeup_signal); /* another CPU's wake-up (wake_processor(0)) */
    /* Returns at the deadline or with a signal; the executor looks again either way. A host line
       raised before the mask was swapped in is not slept through: its wake-up signal is pending. */
    if (u64 now = monotonic_nanoseconds(); now < until && !host_lines_raised()) {
        timespec remaining = as_timespec(until - now);
        (void)ppoll(nullptr, 0, &remaining, &while_idle);
    }

    if (s_software_signal_arrived) {
        s_software_signal_arrived = 0;
        kernel::interrupt_arrived(software_line);
    }
    deliver_host_lines();
    if (take_expired_deadline())
        kernel::interrupt_arrived(timer_line);
}

}

namespace vectra::platform::hosted {

namespace {

void raise_host_line(HostLine& line)
{
    line.pending.store(true, std::memory_order_seq_cst);
    kernel::host_line_raised(); /* after the flag: the scheduler takes the hint back before it looks */
    wake_boot_thread();
}

}

void raise_input_line() { raise_host_line(s_host_lines[0]); }

void raise_sockets_line() { raise_host_line(s_host_lines[1]); }

bool intx_line_masked(u32 line) { return !is_intx_line(line) || (s_intx_lines_unmasked & (1u << (line - first_intx_line))) == 0; }

bool slot_line_masked(u32 line) { return !is_slot_line(line) || (s_slot_lines_unmasked & (1u << (line - first_slot_line))) == 0; }

bool i8042_model_line_masked() { return s_i8042_model_line_masked; }

}
