/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ps2_keyboard_forward: inputd's driver for the PS/2 keyboard on x86_64 (ADR 0031 amendment). It
 * holds the kernel's `i8042` DeviceCap (read, write: ports 0x60 and 0x64 and the keyboard line,
 * nothing else), a console, its Reticle and a vectra.input.device connection to inputd. It sets
 * the controller up — both ports disabled, its output flushed, the self-test, a configuration
 * byte with the first port's interrupt and translation to scancode set 1 on, the second port's
 * off, then the first port enabled — describes a keyboard, and on each arrival acknowledges the
 * line first (an edge while it was masked is lost), then drains the controller's output,
 * decoding set 1 (vectra/ps2keyboard/Scancodes.h) and forwarding each key raw with a SYN_REPORT,
 * a batch per arrival (vectra/input/Forwarder.h, as virtio_input_forward does). The keyboard's
 * own repeats are dropped: inputd repeats by its clock. Unknown and broken bytes are counted
 * and dropped.
 */

#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/input/Event.h>
#include <vectra/input/Forwarder.h>
#include <vectra/ps2keyboard/Scancodes.h>

VECTRA_TASK_ENTRY(ps2_keyboard_forward);

namespace vectra::task_entries {

namespace {

constexpr u16 data_port = 0x60;
constexpr u16 command_port = 0x64;
constexpr u8 status_output_full = 1 << 0;
constexpr u8 status_input_full = 1 << 1;
constexpr u8 status_from_second_port = 1 << 5;
constexpr u8 command_read_configuration = 0x20;
constexpr u8 command_write_configuration = 0x60;
constexpr u8 command_disable_second_port = 0xa7;
constexpr u8 command_self_test = 0xaa;
constexpr u8 command_disable_first_port = 0xad;
constexpr u8 command_enable_first_port = 0xae;
constexpr u8 self_test_passed = 0x55;
constexpr u8 configuration_first_interrupt = 1 << 0;
constexpr u8 configuration_second_interrupt = 1 << 1;
constexpr u8 configuration_first_clock_off = 1 << 4;
constexpr u8 configuration_translation = 1 << 6;
constexpr u32 poll_limit = 100'000;
/* At most this many bytes per arrival: a controller that never empties cannot hold the Task. */
constexpr u32 drain_limit = 256;
constexpr SignalBit arrival_bit { 8 };

class Controller {
public:
    explicit Controller(DeviceCap controller)
        : m_controller(std::move(controller))
    {
    }

    ErrorOr<u8> status() { return system::i8042_read(m_controller, command_port); }

    ErrorOr<void> command(u8 byte)
    {
        TRY(wait_until_writable());
        return system::i8042_write(m_controller, command_port, byte);
    }

    ErrorOr<void> write_data(u8 byte)
    {
        TRY(wait_until_writable());
        return system::i8042_write(m_controller, data_port, byte);
    }

    ErrorOr<u8> read_data()
    {
        for (u32 attempt = 0; attempt < poll_limit; ++attempt) {
            if (TRY(status()) & status_output_full)
                return system::i8042_read(m_controller, data_port);
        }
        return Error(ErrorCode::TimedOut, "the i8042 gave no byte");
    }

    /* Whatever the controller holds from before: read and dropped (bounded). */
    ErrorOr<u32> flush()
    {
        u32 flushed = 0;
        while (flushed < drain_limit && (TRY(status()) & status_output_full)) {
            (void)TRY(system::i8042_read(m_controller, data_port));
            ++flushed;
        }
        return flushed;
    }

    DeviceCap const& capability() const { return m_controller; }

private:
    ErrorOr<void> wait_until_writable()
    {
        for (u32 attempt = 0; attempt < poll_limit; ++attempt) {
            if (!(TRY(status()) & status_input_full))
                return {};
        }
        return Error(ErrorCode::TimedOut, "the i8042's input buffer stayed full");
    }

    DeviceCap m_controller;
};

/* Ports off, flushed, self-tested, set 1 with the first port's interrupt, the first port on; the configuration byte. */
ErrorOr<u8> set_up(Controller& controller)
{
    TRY(controller.command(command_disable_first_port));
    TRY(controller.command(command_disable_second_port));
    (void)TRY(controller.flush());
    TRY(controller.command(command_self_test));
    if (TRY(controller.read_data()) != self_test_passed)
        return Error(ErrorCode::InvalidArgument, "the i8042 failed its self-test");
    TRY(controller.command(command_read_configuration));
    u8 configuration = TRY(controller.read_data());
    configuration = static_cast<u8>((configuration | configuration_first_interrupt | configuration_translation)
        & ~(configuration_second_interrupt | configuration_first_clock_off));
    TRY(controller.command(command_write_configuration));
    TRY(controller.write_data(configuration));
    TRY(controller.command(command_enable_first_port));
    return configuration;
}

/* Every byte the controller holds now, decoded and forwarded; the keyboard's repeats dropped. */
ErrorOr<void> forward_bytes(Controller& controller, ps2keyboard::ScancodeDecoder& decoder,
    input::device::Forwarder& forwarder, u64& repeats)
{
    for (u32 count = 0; count < drain_limit; ++count) {
        u8 state = TRY(controller.status());
        if (!(state & status_output_full))
            break;
        u8 byte = TRY(system::i8042_read(controller.capability(), data_port));
        if (state & status_from_second_port)
            continue; /* the second port is off; a stray byte from it is no key */
        auto decoded = decoder.feed(byte);
        for (u8 index = 0; index < decoded.count; ++index) {
            auto const& change = decoded.changes[index];
            if (change.value == input::key_value::autorepeat) {
                ++repeats;
                continue;
            }
            TRY(forwarder.add({ input::event_type::key, change.code, static_cast<i32>(change.value) }));
            TRY(forwarder.add({ input::event_type::synchronise, input::synchronise_report, 0 }));
        }
    }
    return forwarder.flush();
}

}

ErrorOr<i32> ps2_keyboard_forward(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    Controller controller(TRY(bundle.take<DeviceCap>("i8042")));
    auto inputd = TRY(input::device::bind_inputd(bundle));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    u8 configuration = TRY(set_up(controller));
    auto arrival = TRY(system::i8042_interrupt(controller.capability(), memory, arrival_bit));
    input::device::Forwarder forwarder(inputd);
    input::device::Describe describe;
    describe.kind = input::device::kind::keyboard;
    TRY(forwarder.describe(describe));
    ps2keyboard::ScancodeDecoder decoder;
    u64 repeats = 0;
    /* Bytes that came before the route: no edge will announce them. */
    TRY(forward_bytes(controller, decoder, forwarder, repeats));
    TRY(print_line(console, "ps2-keyboard: i8042 self-test passed, configuration {:#04x}, scancode set 1; forwarding to inputd, ready",
        configuration));
    TRY(system::raise(ready));

    u64 reported = 0;
    for (;;) {
        (void)system::wait(arrival_bit.mask());
        /* Unmasked before the drain: a byte arriving during it raises the bit again. */
        (void)TRY(system::acknowledge_interrupt(arrival));
        TRY(forward_bytes(controller, decoder, forwarder, repeats));
        auto const& counts = decoder.counts();
        u64 dropped = counts.unknown + counts.malformed + counts.responses + counts.unmatched;
        if (dropped != reported) {
            TRY(print_line(console, "ps2-keyboard: dropped {} unknown, {} malformed, {} controller bytes, {} unmatched breaks",
                counts.unknown, counts.malformed, counts.responses, counts.unmatched));
            reported = dropped;
        }
    }
}

}
