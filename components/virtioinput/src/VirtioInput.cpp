/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio_input: a driver Task for one virtio-input PCI function — virtio-keyboard-pci or
 * virtio-tablet-pci — holding only its PciDevice capability, a console and its Reticle
 * (README.md). It resets the device, reads its name and event bits from the configuration
 * space, keeps the event queue full of 8-byte DMA buffers and sleeps on MSI-X entry 0 (the INTx
 * pin where the function has no MSI-X, ADR 0021). Each event goes through core/input: a keyboard's
 * keys to characters through CONFIG_VIRTIO_INPUT_KEYMAP with key repeat by the monotonic clock,
 * a tablet's reports to pointer positions. The status queue (LEDs) is not used.
 *
 * virtio_input_forward: the same driver for inputd (docs/adr/0040-inputd.md): it describes the
 * device over its vectra.input.device connection and forwards every event raw, a batch per
 * interrupt (keymaps, repeat and focus are inputd's); it runs until the device or inputd fails.
 */

#include <cstring>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/config.h>
#include <vectra/Try.h>
#include <vectra/driver/VirtioPci.h>
#include <vectra/Connection.h>
#include <vectra/input/DeviceProtocol.h>
#include <vectra/input/Forwarder.h>
#include <vectra/input/KeyStamps.h>
#include <vectra/input/Keyboard.h>
#include <vectra/input/Pointer.h>

VECTRA_TASK_ENTRY(virtio_input);
VECTRA_TASK_ENTRY(virtio_input_forward);

namespace vectra::task_entries {

namespace {

constexpr u16 queue_size = 64;
constexpr usize event_bytes = 8;
constexpr u64 idle_timeout_nanoseconds = 30'000'000'000; /* nothing typed for this long: the check fails */
constexpr u16 queue_entry = 0;
constexpr SignalBit queue_bit { 8 };
constexpr SignalBit timeout_bit { 9 };
constexpr u32 surface_width = 1024; /* the pointer is scaled to the boot display's usual mode */
constexpr u32 surface_height = 768;
constexpr usize line_capacity = 128;

/* virtio-input configuration selectors (virtio 1.2 §5.8.5). */
constexpr u8 select_name = 0x01;
constexpr u8 select_event_bits = 0x11;
constexpr u8 select_absolute_info = 0x12;
constexpr usize configuration_data = 8; /* offset of the union after select, subsel, size, reserved[5] */
constexpr usize configuration_bytes = configuration_data + 128;

/* One configuration query: write select and subsel, read size, copy up to `into.size()` bytes. */
ErrorOr<usize> query(driver::MappedRegion const& region, u8 select, u8 subselect, std::span<u8> into)
{
    if (region.length < configuration_bytes)
        return Error(ErrorCode::MalformedMessage, "the device configuration is smaller than virtio-input's");
    region.base[0] = select;
    region.base[1] = subselect;
    usize size = region.base[2];
    if (size > 128)
        return Error(ErrorCode::MalformedMessage, "a configuration answer larger than its union");
    usize copied = size < into.size() ? size : into.size();
    for (usize index = 0; index < copied; ++index)
        into[index] = region.base[configuration_data + index];
    return size;
}

usize count_bits(std::span<u8 const> bytes)
{
    usize count = 0;
    for (u8 byte : bytes)
        count += static_cast<usize>(__builtin_popcount(byte));
    return count;
}

bool has_bit(std::span<u8 const> bytes, usize size, usize bit) { return bit / 8 < size && (bytes[bit / 8] >> (bit % 8)) & 1; }

/* UTF-8 of one code point into `out` (4 bytes at most); returns the length. */
usize encode_utf8(u32 code_point, char* out)
{
    if (code_point < 0x80) {
        out[0] = static_cast<char>(code_point);
        return 1;
    }
    if (code_point < 0x800) {
        out[0] = static_cast<char>(0xc0 | (code_point >> 6));
        out[1] = static_cast<char>(0x80 | (code_point & 0x3f));
        return 2;
    }
    if (code_point < 0x10000) {
        out[0] = static_cast<char>(0xe0 | (code_point >> 12));
        out[1] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
        out[2] = static_cast<char>(0x80 | (code_point & 0x3f));
        return 3;
    }
    out[0] = static_cast<char>(0xf0 | (code_point >> 18));
    out[1] = static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
    out[2] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out[3] = static_cast<char>(0x80 | (code_point & 0x3f));
    return 4;
}

/* The line typed so far, UTF-8, with Backspace taking back one code point. */
class TypedLine {
public:
    void add(u32 code_point)
    {
        if (code_point == 0x08) {
            while (m_length > 0 && (static_cast<u8>(m_text[--m_length]) & 0xc0) == 0x80) { }
        } else if (code_point >= 0x20 && m_length + 4 < line_capacity) {
            m_length += encode_utf8(code_point, m_text + m_length);
        }
        m_text[m_length] = 0;
    }
    [[nodiscard]] char const* text() const { return m_text; }

private:
    char m_text[line_capacity] {};
    usize m_length { 0 };
};

char const* action_name(input::KeyAction action)
{
    switch (action) {
    case input::KeyAction::Press:
        return "press";
    case input::KeyAction::Repeat:
        return "repeat";
    case input::KeyAction::Release:
        return "release";
    }
    return "?";
}

/* One decoded key as a console line; returns true when it was Enter's press (the line is done). */
ErrorOr<bool> report_key(ConsoleCap const& console, input::KeyEvent const& event, TypedLine& line)
{
    char characters[12] {};
    usize length = 0;
    for (u8 index = 0; index < event.character_count; ++index) {
        u32 character = event.characters[index];
        if (character >= 0x20 && character != 0x7f)
            length += encode_utf8(character, characters + length);
        else {
            /* A control character as ^ and two hex digits (Enter is ^0a, Ctrl+C ^03). */
            char const* digits = "0123456789abcdef";
            characters[length++] = '^';
            characters[length++] = digits[(character >> 4) & 0xf];
            characters[length++] = digits[character & 0xf];
        }
        line.add(character);
    }
    characters[length] = 0;
    TRY(print_line(console, "virtio-input: key {} {} modifiers {:#04x} \"{}\"", event.code, action_name(event.action),
        event.modifiers, characters));
    return event.action == input::KeyAction::Press && event.character_count == 1 && event.characters[0] == '\n';
}

struct EventBuffers {
    u8* bytes;
    u64 device_address;
};

ErrorOr<void> offer(driver::VirtioQueue& queue, EventBuffers const& buffers, u16 index)
{
    virtio::Segment segment { buffers.device_address + index * event_bytes, event_bytes, true };
    return queue.ring.submit({ &segment, 1 }, index);
}

/* What the device is, once brought up. */
struct Description {
    bool is_pointer { false };
    input::AxisRange ranges[2];
    u16 offered { 0 };
};

/* Where a driver's events go: decoded and printed (the check), or forwarded raw to inputd. */
class Sink {
public:
    virtual ~Sink() = default;
    [[nodiscard]] virtual ErrorOr<void> ready(ConsoleCap const&, Description const&) = 0;
    /* One event read at `now`; true when the Task is done. */
    [[nodiscard]] virtual ErrorOr<bool> event(input::Event const&, u64 now) = 0;
    /* After each interrupt's events. */
    [[nodiscard]] virtual ErrorOr<void> flush() { return {}; }
    /* When to come back without an interrupt; and what to do then (true: done). */
    [[nodiscard]] virtual u64 deadline() const { return ~u64(0); }
    [[nodiscard]] virtual ErrorOr<bool> timeout(u64) { return false; }
    /* Once done, the device reset, before the driver's counts. */
    [[nodiscard]] virtual ErrorOr<void> finished(ConsoleCap const&) { return {}; }
};

/* The check: keys decoded through the configured keymap, pointer reports scaled, each printed. */
class PrintingSink final : public Sink {
public:
    PrintingSink(ConsoleCap const& console, input::Keymap const& keymap)
        : m_console(console)
        , m_keyboard(keymap, { CONFIG_VIRTIO_INPUT_REPEAT_DELAY_MS, CONFIG_VIRTIO_INPUT_REPEAT_RATE })
        , m_idle_deadline(system::monotonic_nanoseconds() + idle_timeout_nanoseconds)
    {
    }

    ErrorOr<void> ready(ConsoleCap const& console, Description const& description) override
    {
        m_is_pointer = description.is_pointer;
        m_pointer = TRY(input::Pointer::create(description.is_pointer ? description.ranges[0] : input::AxisRange {},
            description.is_pointer ? description.ranges[1] : input::AxisRange {}, surface_width, surface_height));
        auto const& ranges = description.ranges;
        if (m_is_pointer)
            TRY(print_line(console, "virtio-input: pointer x {}..{}, y {}..{} scaled to {}x{}; {} event buffers, ready", ranges[0].minimum,
                ranges[0].maximum, ranges[1].minimum, ranges[1].maximum, surface_width, surface_height, description.offered));
        else
            TRY(print_line(console, "virtio-input: keymap {}, repeat after {} ms at {}/s; {} event buffers, ready", m_keyboard.keymap().name,
                CONFIG_VIRTIO_INPUT_REPEAT_DELAY_MS, CONFIG_VIRTIO_INPUT_REPEAT_RATE, description.offered));
        return {};
    }

    ErrorOr<bool> event(input::Event const& event, u64 now) override
    {
        m_idle_deadline = now + idle_timeout_nanoseconds;
        if (m_is_pointer) {
            auto moved = m_pointer->handle(event);
            if (moved.is_error())
                return false;
            TRY(print_line(m_console, "virtio-input: pointer {} {} buttons {:#x}", moved.value().x, moved.value().y, moved.value().buttons));
            /* The check ends at the report that releases the left button. */
            bool left_down = (moved.value().buttons & input::button::left) != 0;
            bool done = m_left_was_down && !left_down;
            m_left_was_down = left_down;
            return done;
        }
        if (event.type != input::event_type::key)
            return false;
        auto decoded = m_keyboard.handle(event.code, event.value, now);
        if (decoded.is_error())
            return false;
        return report_key(m_console, decoded.value(), m_line);
    }

    u64 deadline() const override
    {
        u64 deadline = m_idle_deadline;
        if (auto repeat_due = m_keyboard.next_repeat(); !repeat_due.is_error() && repeat_due.value() < deadline)
            deadline = repeat_due.value();
        return deadline;
    }

    ErrorOr<bool> timeout(u64 now) override
    {
        if (auto repeated = m_keyboard.repeat(now); !repeated.is_error())
            return report_key(m_console, repeated.value(), m_line);
        if (now >= m_idle_deadline)
            return Error(ErrorCode::TimedOut, "no input for 30 seconds");
        return false;
    }

    ErrorOr<void> finished(ConsoleCap const& console) override
    {
        if (!m_is_pointer)
            TRY(print_line(console, "virtio-input: typed \"{}\"", m_line.text()));
        return {};
    }

private:
    ConsoleCap const& m_console;
    input::Keyboard m_keyboard;
    std::optional<input::Pointer> m_pointer;
    TypedLine m_line;
    u64 m_idle_deadline;
    bool m_is_pointer { false };
    bool m_left_was_down { false };
};

/* inputd's driver: the device described once, then its events forwarded raw, a batch per interrupt (vectra/input/Forwarder.h). */
class ForwardingSink final : public Sink {
public:
    ForwardingSink(Client<input::device::Protocol>& inputd, SignalCap const& ready, u64 stamped_keys)
        : m_forwarder(inputd)
        , m_ready(ready)
        , m_stamps(stamped_keys)
    {
    }

    ErrorOr<void> ready(ConsoleCap const& console, Description const& description) override
    {
        input::device::Describe describe;
        describe.kind = description.is_pointer ? input::device::kind::pointer : input::device::kind::keyboard;
        describe.x_minimum = description.ranges[0].minimum;
        describe.x_maximum = description.ranges[0].maximum;
        describe.y_minimum = description.ranges[1].minimum;
        describe.y_maximum = description.ranges[1].maximum;
        TRY(m_forwarder.describe(describe));
        TRY(print_line(console, "virtio-input: forwarding to inputd as a {}; {} event buffers, ready",
            description.is_pointer ? "pointer" : "keyboard", description.offered));
        m_console = &console;
        return system::raise(m_ready);
    }

    ErrorOr<bool> event(input::Event const& event, u64 now) override
    {
        input::device::RawEvent raw { event.type, event.code, static_cast<i32>(event.value) };
        m_stamps.event(raw, now);
        TRY(m_forwarder.add(raw));
        return false;
    }

    ErrorOr<void> flush() override
    {
        TRY(m_forwarder.flush());
        for (auto const& stamp : m_stamps.after_batch())
            TRY(print_line(*m_console, "virtio-input: key {} interrupt {} ns", stamp.key, stamp.nanoseconds));
        return {};
    }

private:
    input::device::Forwarder m_forwarder;
    SignalCap const& m_ready;
    input::device::KeyStamps m_stamps;
    ConsoleCap const* m_console { nullptr };
};

/* Brings the function up, then feeds `sink` until it is done; returns the interrupts counted. */
ErrorOr<u64> run_device(ConsoleCap const& console, ReticleCap const& memory, PciDeviceCap const& pci, Sink& sink)
{
    auto info = TRY(system::pci_describe(pci));
    auto device = TRY(driver::VirtioPciDevice::open(pci, memory, 0));
    auto const* configuration = TRY(device.device_configuration());

    /* What the device is: its name, and which event types and keys it reports. */
    u8 answer[129] {};
    usize name_size = TRY(query(*configuration, select_name, 0, { answer, 128 }));
    answer[name_size < 128 ? name_size : 128] = 0;
    u8 key_bits[128] {};
    usize key_bits_size = TRY(query(*configuration, select_event_bits, input::event_type::key, key_bits));
    u8 absolute_bits[128] {};
    usize absolute_bits_size = TRY(query(*configuration, select_event_bits, input::event_type::absolute, absolute_bits));
    Description description;
    description.is_pointer = has_bit(absolute_bits, absolute_bits_size, input::absolute_x) && has_bit(absolute_bits, absolute_bits_size, input::absolute_y);
    TRY(print_line(console, "virtio-input: {:04x}:{:04x} \"{}\", {} keys, {} absolute axes", info.vendor_id, info.device_id,
        reinterpret_cast<char const*>(answer), count_bits({ key_bits, key_bits_size < 128 ? key_bits_size : 128 }),
        count_bits({ absolute_bits, absolute_bits_size < 128 ? absolute_bits_size : 128 })));

    /* MSI-X entry 0 where the function has MSI-X; its INTx pin where it has not. */
    u16 entry = device.has_msix() ? queue_entry : pci_interrupt_intx;
    auto queue = TRY(device.set_up_queue(memory, 0, queue_size, entry, queue_bit, false));
    auto shared = TRY(system::create_memory(memory, 4096));
    auto bytes = TRY(system::map_memory(shared));
    EventBuffers buffers { bytes.data(), TRY(device.dma_address(shared)) };
    description.offered = queue.ring.layout().size;
    for (u16 index = 0; index < description.offered; ++index)
        TRY(offer(queue, buffers, index));
    device.start();
    if (queue.ring.publish())
        device.notify(0);
    for (u8 axis = 0; axis < 2 && description.is_pointer; ++axis) {
        u8 absolute_info[20] {};
        if (TRY(query(*configuration, select_absolute_info, axis, absolute_info)) < 8)
            return Error(ErrorCode::MalformedMessage, "an absolute axis without its range");
        std::memcpy(&description.ranges[axis].minimum, absolute_info, 4);
        std::memcpy(&description.ranges[axis].maximum, absolute_info + 4, 4);
    }
    TRY(sink.ready(console, description));

    u64 events = 0;
    u64 interrupts = 0;
    bool done = false;
    while (!done) {
        u64 deadline = sink.deadline();
        u64 woken = deadline == ~u64(0) ? system::wait(queue_bit.mask()) : system::wait_until(queue_bit.mask(), deadline, timeout_bit);
        u64 now = system::monotonic_nanoseconds();
        if (!(woken & queue_bit.mask())) {
            done = TRY(sink.timeout(now));
            continue;
        }
        /* Reading the ISR deasserts INTx (harmless with MSI-X); acknowledge before looking at the ring. */
        (void)device.interrupt_status();
        interrupts = TRY(system::acknowledge_interrupt(queue.interrupt));
        for (;;) {
            auto completion = queue.ring.take_used();
            if (completion.is_error()) {
                if (completion.error().code() != ErrorCode::NotFound)
                    return completion.release_error();
                break;
            }
            u64 token = completion.value().token;
            if (token >= description.offered || completion.value().written < event_bytes)
                return Error(ErrorCode::MalformedMessage, "the device used an event buffer it was not given, or part of one");
            input::Event event;
            std::memcpy(&event.type, buffers.bytes + token * event_bytes, 2);
            std::memcpy(&event.code, buffers.bytes + token * event_bytes + 2, 2);
            std::memcpy(&event.value, buffers.bytes + token * event_bytes + 4, 4);
            TRY(offer(queue, buffers, static_cast<u16>(token)));
            ++events;
            done = TRY(sink.event(event, now)) || done;
        }
        TRY(sink.flush());
        if (queue.ring.publish())
            device.notify(0);
    }
    TRY(device.reset());
    TRY(sink.finished(console));
    if (entry == pci_interrupt_intx)
        TRY(print_line(console, "virtio-input: {} events, {} interrupts on INTx line {}", events, interrupts,
            TRY(system::interrupt_line(queue.interrupt))));
    else
        TRY(print_line(console, "virtio-input: {} events, {} interrupts on MSI-X entry {}", events, interrupts, entry));
    return interrupts;
}

}

ErrorOr<i32> virtio_input(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto pci = TRY(bundle.take<PciDeviceCap>("device"));
    auto keymap = TRY(input::find_keymap(CONFIG_VIRTIO_INPUT_KEYMAP));
    PrintingSink sink(console, *keymap);
    u64 interrupts = TRY(run_device(console, memory, pci, sink));
    return interrupts == 0 ? 1 : 0;
}

ErrorOr<i32> virtio_input_forward(Bundle& bundle)
{
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto pci = TRY(bundle.take<PciDeviceCap>("device"));
    auto inputd = TRY(input::device::bind_inputd(bundle));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    ForwardingSink sink(inputd, ready, CONFIG_INPUT_KEY_STAMPS);
    TRY(run_device(console, memory, pci, sink));
    return 0;
}

}
