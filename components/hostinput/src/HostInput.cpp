/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * host_input_forward: inputd's driver for the hosted window's keyboard and mouse (ADR 0040 §6).
 * It holds the kernel's `input` DeviceCap (read), a console, its Reticle and a
 * vectra.input.device connection to inputd — nothing else. It describes the window as a
 * keyboard and pointer whose axes are the window's pixels, routes the platform's input line to
 * a bit of its own mask, and on each arrival drains the queue and forwards every event raw
 * (vectra/input/Forwarder.h, as virtio_input_forward does); keymaps, repeat and focus are
 * inputd's. It runs until inputd or the device fails (`not-described` after an inputd restart
 * ends it, for its supervisor to start again).
 */

#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/config.h>
#include <vectra/input/Forwarder.h>
#include <vectra/input/KeyStamps.h>

VECTRA_TASK_ENTRY(host_input_forward);

namespace vectra::task_entries {

namespace {

constexpr SignalBit arrival_bit { 8 };

/* Drains the queue into the forwarder until a drain comes back short, key presses stamped with `now`
 * (the arrival); prints the stamps due; how many events moved. */
ErrorOr<u64> forward_queued(DeviceCap const& input, input::device::Forwarder& forwarder, input::device::KeyStamps& stamps,
    ConsoleCap const& console, u64 now)
{
    HostInputEvent events[maximum_host_input_drain];
    u64 moved = 0;
    for (;;) {
        usize count = TRY(system::host_input_drain(input, events));
        for (usize index = 0; index < count; ++index) {
            input::device::RawEvent event { events[index].type, events[index].code, events[index].value };
            stamps.event(event, now);
            TRY(forwarder.add(event));
        }
        moved += count;
        if (count < maximum_host_input_drain)
            break;
    }
    TRY(forwarder.flush());
    for (auto const& stamp : stamps.after_batch())
        TRY(print_line(console, "host-input: key {} interrupt {} ns", stamp.key, stamp.nanoseconds));
    return moved;
}

}

ErrorOr<i32> host_input_forward(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto input = TRY(bundle.take<DeviceCap>("input"));
    auto inputd = TRY(input::device::bind_inputd(bundle));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto info = TRY(system::host_input_info(input));
    if (info.width == 0 || info.height == 0)
        return Error(ErrorCode::InvalidArgument, "the window has no size");
    [[maybe_unused]] auto arrival = TRY(system::host_input_interrupt(input, memory, arrival_bit));
    input::device::Forwarder forwarder(inputd);
    input::device::Describe describe;
    describe.kind = input::device::kind::all;
    describe.x_maximum = static_cast<i32>(info.width - 1);
    describe.y_maximum = static_cast<i32>(info.height - 1);
    TRY(forwarder.describe(describe));
    /* What arrived before the route (the window opened under the pointer) goes to inputd first. */
    input::device::KeyStamps stamps(CONFIG_INPUT_KEY_STAMPS);
    (void)TRY(forward_queued(input, forwarder, stamps, console, system::monotonic_nanoseconds()));
    TRY(print_line(console, "host-input: forwarding the window's keyboard and pointer ({}x{}) to inputd, ready",
        info.width, info.height));
    TRY(system::raise(ready));

    u64 arrivals = 0;
    u64 dropped = info.dropped;
    for (;;) {
        (void)system::wait(arrival_bit.mask());
        ++arrivals;
        (void)TRY(forward_queued(input, forwarder, stamps, console, system::monotonic_nanoseconds()));
        /* A queue that overflowed says so once per overflow, so a stalled driver is visible. */
        auto now = TRY(system::host_input_info(input));
        if (now.dropped != dropped) {
            TRY(print_line(console, "host-input: the window's queue dropped {} event groups ({} arrivals, {} events sent)",
                now.dropped - dropped, arrivals, forwarder.sent()));
            dropped = now.dropped;
        }
    }
}

}
