/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: random kernel-call sequences from three Tasks (and whatever they spawn),
 * interleaved by yields. Each call's number and argument words come from the input; handles
 * and Ring bindings are drawn from what the calling Task was given or got back, or made up, so
 * calls reach deep into the kernel's state (derivation trees, Bundles, bindings, Reticles).
 * Pointers are the one thing kept honest — a Task without a protection domain is trusted with
 * its own address space (kernel::caller_memory) — so pointer arguments always name a
 * buffer of the calling Task, with lengths that stay inside it. ASan and UBSan watch every
 * step; at the end every Task is ended and reaped and every kernel object must be retired,
 * or the Arena is not returned whole (which is checked).
 */

#include "../TestSupport.h"
#include "../primitives/MmioSlotModel.h"
#include "../primitives/PciModel.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vectra/Ring.h>
#include <vectra/System.h>
#include <vectra/CallFrame.h>
#include <vectra/kernel/Display.h>
#include <vectra/kernel/Entropy.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/HostInput.h>
#include <vectra/kernel/I8042.h>
#include <vectra/kernel/Snapshot.h>
#include <vectra/kernel/SnapshotDevice.h>
#include <vectra/kernel/PciDevice.h>
#include <vectra/platform/hosted/HostInput.h>
#include <vectra/platform/hosted/IntxLines.h>

using namespace vectra;
using kernel::Call;

namespace {

constexpr u64 schema = schema_id_of("schema kernel-call-fuzz version 1\n");

ErrorOr<i32> fuzzing_task(Bundle&);

/* The input, shared by every fuzzing Task: each takes bytes from where the last left off. */
struct Input {
    u8 const* data { nullptr };
    usize size { 0 };
    usize offset { 0 };

    bool exhausted() const { return offset >= size; }
    u8 byte() { return offset < size ? data[offset++] : 0; }
    u64 word()
    {
        u64 value = 0;
        for (int index = 0; index < 8; ++index)
            value = (value << 8) | byte();
        return value;
    }
};
Input s_input;

/* What one Task has to name things with: handles and bindings it was given or got back. */
struct Pool {
    static constexpr usize capacity = 32;
    RawHandle handles[capacity] {};
    u64 bindings[8] {};
    usize handle_count { 0 };
    usize binding_count { 0 };

    void add(RawHandle handle) { handles[handle_count++ % capacity] = handle; }
    void add_binding(u64 binding) { bindings[binding_count++ % 8] = binding; }
    RawHandle pick(u8 selector) const
    {
        if (handle_count == 0 || selector >= 240)
            return { static_cast<u32>(selector), static_cast<u16>(selector % 64), selector };
        return handles[selector % (handle_count < capacity ? handle_count : capacity)];
    }
    u64 binding(u8 selector) const
    {
        if (binding_count == 0 || selector >= 240)
            return kernel::binding_word(selector % 40, selector / 40);
        return bindings[selector % (binding_count < 8 ? binding_count : 8)];
    }
};

constexpr char const* slot_names[] = { "memory", "tasks", "ring", "partner", "pci", "display", "virtio-mmio", "entropy", "input", "snapshot", "i8042", "" };
constexpr usize slot_name_count = sizeof(slot_names) / sizeof(slot_names[0]);

/* PCI matches: the modelled virtio device, a class with three functions, and whatever the input says. */
u64 match_word()
{
    switch (s_input.byte() % 3) {
    case 0: return PciMatch::by_id(0x1af4, 0x1005).word();
    case 1: return PciMatch::by_class(0x02, 0x00).word();
    default: return s_input.word();
    }
}

/*
 * A rule the kernel must keep. A VERIFY in a fuzzing Task (or in kernel code called from one) ends
 * only that Task — a panic's rule — so every check of the harness aborts the run instead, and
 * libFuzzer sees it (ADR 0006, amendment of 2026-12-06).
 */
void require(bool holds, char const* rule)
{
    if (holds)
        return;
    std::fprintf(stderr, "kernel_calls: broken: %s\n", rule);
    std::abort();
}

/*
 * A fuzzing Task never panics of its own accord: the Panic call is never made (shape_arguments turns
 * it into a number that names no call) and the Task's code has no VERIFY or MUST. So a Task that
 * ended Panicked met a VERIFY or MUST in kernel code it called, or in a model the kernel drove — a
 * rule broken, which would otherwise end only that Task. Each Task is looked at before it goes: the
 * three and whatever is left after them at the end, and a child just before a fuzzing Task reaps it.
 */
void require_not_panicked(ExitCause cause, TaskState state)
{
    require(!(state == TaskState::Exited && cause == ExitCause::Panicked), "a Task panicked inside the kernel (a VERIFY or MUST failed)");
}

void require_reaped_not_panicked(kernel::CallFrame const& reap)
{
    kernel::CallFrame status;
    status.number = u64(Call::TaskStatus);
    status.arguments[0] = reap.arguments[0];
    status.arguments[1] = reap.arguments[1];
    TaskStatus answer;
    status.arguments[2] = reinterpret_cast<uptr>(&answer);
    kernel::system_call(status);
    if (status.error == 0)
        require_not_panicked(answer.exit_cause, answer.state);
}

/* The i8042 calls answered (82-84), said at exit: the success path is reached, not only the refusals. */
usize s_i8042_answered[3] {};

/* The i8042's two ports: the kernel must never pass another, nor a value past a byte. */
struct ModelI8042 final : kernel::I8042Access {
    u8 read(u16 port) override
    {
        require(port == 0x60 || port == 0x64, "the kernel read an i8042 port other than 0x60 and 0x64");
        return port == 0x64 ? 0x01 : 0x1e;
    }
    void write(u16 port, u8) override { require(port == 0x60 || port == 0x64, "the kernel wrote an i8042 port other than 0x60 and 0x64"); }
};

void count_i8042_answer(Call call)
{
    bool first = s_i8042_answered[0] + s_i8042_answered[1] + s_i8042_answered[2] == 0;
    ++s_i8042_answered[u64(call) - u64(Call::I8042Read)];
    if (first)
        std::atexit([] {
            std::fprintf(stderr, "kernel_calls: the i8042 answered %zu reads, %zu writes, %zu interrupt lines\n",
                s_i8042_answered[0], s_i8042_answered[1], s_i8042_answered[2]);
        });
}

/* Fills the frame's arguments per the call's shape (vectra/CallFrame.h, vectra/System.h). */
/* Room for the debug snapshot's table (ADR 0045): a read is whole or TooLarge, never past the length given. */
alignas(64) u8 s_snapshot_buffer[64 * KiB];

/* A rights word over the ten defined rights, now and then with a bit beyond them. */
u64 rights_word()
{
    return s_input.byte() | (u64(s_input.byte() & 7) << 8);
}

/*
 * A move into another Task's space (a Bundle give, a Ring slot's move) needs RightMove (ADR 0006,
 * amendment): the source's rights are read before the call and after it. A move that went through
 * had the right; one refused as NotMovable lacked it and changed nothing — the caller still holds
 * the capability with the same rights. Refusals are counted and the count said at exit.
 */
usize s_moves_refused = 0;

bool is_move(kernel::CallFrame const& frame)
{
    auto call = static_cast<Call>(frame.number);
    return call == Call::BundleGive || (call == Call::RingSendCapability && ((frame.arguments[5] >> 8) & 1) == 0);
}

/* The rights the caller holds on the capability the move names, or nothing when it names none of that class. */
std::optional<Rights> source_rights(kernel::CallFrame const& frame)
{
    kernel::CallFrame describe;
    describe.number = u64(Call::Describe);
    if (static_cast<Call>(frame.number) == Call::BundleGive) {
        auto const* placement = reinterpret_cast<kernel::BundlePlacement const*>(frame.arguments[0]);
        describe.arguments[0] = placement->source[0];
        describe.arguments[1] = placement->source[1];
        describe.arguments[2] = placement->capability_class;
    } else {
        describe.arguments[0] = frame.arguments[3];
        describe.arguments[1] = frame.arguments[4];
        describe.arguments[2] = frame.arguments[5] & 0xff;
    }
    kernel::system_call(describe);
    if (describe.error != 0)
        return std::nullopt;
    return static_cast<Rights>(describe.results[1]);
}

void check_move(kernel::CallFrame const& frame, std::optional<Rights> before)
{
    if (frame.error == 0)
        require(before.has_value() && (*before & RightMove) != 0, "a capability without RightMove was moved");
    if (frame.error != u64(ErrorCode::NotMovable))
        return;
    require(before.has_value() && (*before & RightMove) == 0 && source_rights(frame) == before,
        "a move refused as not-movable was not left as it was");
    if (s_moves_refused++ == 0)
        std::atexit([] { std::fprintf(stderr, "kernel_calls: %zu moves refused without RightMove, each left with its holder\n", s_moves_refused); });
}

void shape_arguments(kernel::CallFrame& frame, Pool const& pool, u8* buffer, usize buffer_size)
{
    auto handle = [&](usize first) {
        auto chosen = pool.pick(s_input.byte());
        frame.arguments[first] = kernel::handle_word(chosen);
        frame.arguments[first + 1] = chosen.generation;
    };
    auto small = [&](usize at, u64 limit) { frame.arguments[at] = s_input.byte() % limit; };
    auto bytes = [&](usize at) {
        usize length = s_input.byte() % 128;
        frame.arguments[at] = reinterpret_cast<uptr>(buffer);
        frame.arguments[at + 1] = length;
    };
    auto name = [&](usize at) {
        char const* chosen = slot_names[s_input.byte() % slot_name_count];
        frame.arguments[at] = reinterpret_cast<uptr>(chosen);
        frame.arguments[at + 1] = std::strlen(chosen);
    };
    u8* out = buffer + 1024; /* results land in the buffer's second half, aligned */
    switch (static_cast<Call>(frame.number)) {
    case Call::ConsoleWrite:
        handle(0);
        bytes(2);
        break;
    case Call::Wait:
        frame.arguments[0] = s_input.word();
        frame.arguments[1] = 1; /* only take what is pending: a Task parked forever would end the run */
        break;
    case Call::Raise:
    case Call::Reclaim:
    case Call::Reap:
    case Call::ResetRing:
    case Call::CancelTimer:
    case Call::InterruptLine:
        handle(0);
        break;
    case Call::SignalCapability:
        small(0, 70);
        break;
    case Call::Attenuate:
        handle(0);
        small(2, 13);
        frame.arguments[3] = rights_word();
        break;
    case Call::Revoke:
    case Call::Remove:
    case Call::Describe:
        handle(0);
        small(2, 13);
        break;
    case Call::BundleTake:
        name(0);
        small(2, 13);
        break;
    case Call::BundleGrant:
    case Call::BundleGive: {
        auto* placement = reinterpret_cast<kernel::BundlePlacement*>(out);
        auto child = pool.pick(s_input.byte());
        auto source = pool.pick(s_input.byte());
        char const* chosen = slot_names[s_input.byte() % slot_name_count];
        *placement = { { kernel::handle_word(child), child.generation }, chosen, std::strlen(chosen),
            { kernel::handle_word(source), source.generation }, u64(s_input.byte() % 13), rights_word() };
        frame.arguments[0] = reinterpret_cast<uptr>(placement);
        break;
    }
    case Call::BundleDescribe:
        frame.arguments[0] = reinterpret_cast<uptr>(out);
        frame.arguments[1] = s_input.byte() % ((buffer_size - 1024) / sizeof(Bundle::SlotDescription) + 1);
        break;
    case Call::Carve:
    case Call::CreateMemory:
        handle(0);
        frame.arguments[2] = u64(s_input.byte()) * 256;
        break;
    case Call::Spawn: {
        handle(0);
        handle(2);
        auto* request = reinterpret_cast<SpawnRequest*>(out);
        *request = SpawnRequest {};
        request->name = slot_names[s_input.byte() % slot_name_count];
        request->entry = fuzzing_task;
        request->stack_size = 16 * KiB + (s_input.byte() % 4) * 4 * KiB;
        request->notify_on_exit = (s_input.byte() & 1) != 0;
        request->exit_bit = SignalBit(s_input.byte());
        frame.arguments[4] = reinterpret_cast<uptr>(request);
        break;
    }
    case Call::TaskStatus:
        handle(0);
        frame.arguments[2] = reinterpret_cast<uptr>(out);
        break;
    case Call::SelfStatus:
        frame.arguments[0] = reinterpret_cast<uptr>(out);
        break;
    case Call::CreateRing:
        handle(0);
        frame.arguments[2] = u64(1) << (s_input.byte() % 5);
        frame.arguments[3] = 16 + s_input.byte();
        frame.arguments[4] = (s_input.byte() & 1) ? schema : s_input.word();
        break;
    case Call::RingBind:
        handle(0);
        frame.arguments[2] = (s_input.byte() & 7) ? schema : s_input.word();
        frame.arguments[3] = s_input.byte() | (u64(s_input.byte() & 1) << 8);
        break;
    case Call::RingUnbind:
    case Call::RingState:
        frame.arguments[0] = pool.binding(s_input.byte());
        break;
    case Call::RingSend:
        frame.arguments[0] = pool.binding(s_input.byte());
        bytes(1);
        break;
    case Call::RingSendCapability: {
        frame.arguments[0] = pool.binding(s_input.byte());
        bytes(1);
        auto chosen = pool.pick(s_input.byte());
        frame.arguments[3] = kernel::handle_word(chosen);
        frame.arguments[4] = chosen.generation;
        frame.arguments[5] = (s_input.byte() % 13) | (u64(s_input.byte() & 1) << 8) | (rights_word() << 16);
        break;
    }
    case Call::RingSendBurst: {
        frame.arguments[0] = pool.binding(s_input.byte());
        auto* spans = reinterpret_cast<std::span<u8 const>*>(out);
        usize count = s_input.byte() % 9;
        for (usize index = 0; index < count; ++index)
            spans[index] = std::span<u8 const>(buffer, s_input.byte() % 128);
        frame.arguments[1] = reinterpret_cast<uptr>(spans);
        frame.arguments[2] = count;
        break;
    }
    case Call::RingReceive:
        frame.arguments[0] = pool.binding(s_input.byte());
        frame.arguments[1] = reinterpret_cast<uptr>(buffer);
        frame.arguments[2] = s_input.byte() * 4;
        frame.arguments[3] = reinterpret_cast<uptr>(out);
        break;
    case Call::RingReceiveBurst:
        frame.arguments[0] = pool.binding(s_input.byte());
        frame.arguments[1] = reinterpret_cast<uptr>(buffer);
        frame.arguments[2] = s_input.byte() * 4;
        frame.arguments[3] = s_input.byte();
        break;
    case Call::CreateTimer:
    case Call::BindInterrupt:
        handle(0);
        small(2, 70);
        break;
    case Call::ArmTimer:
        handle(0);
        frame.arguments[2] = system::monotonic_nanoseconds() + s_input.byte() * 1000;
        break;
    case Call::MapMemory:
        handle(0);
        small(2, 2);
        break;
    case Call::DisplayMode:
        handle(0);
        break;
    case Call::DisplayMemory:
        handle(0);
        small(2, 3);
        break;
    case Call::DisplayPresent:
        /* Rectangles near the edges of the 64x32 display, and anywhere at all. */
        handle(0);
        frame.arguments[2] = s_input.byte() < 200 ? (u64(s_input.byte() % 80) | (u64(s_input.byte() % 48) << 32)) : s_input.word();
        frame.arguments[3] = s_input.byte() < 200 ? (u64(s_input.byte() % 80) | (u64(s_input.byte() % 48) << 32)) : s_input.word();
        break;
    case Call::Entropy:
        bytes(0);
        break;
    case Call::PciOpen:
        handle(0);
        handle(2);
        frame.arguments[4] = match_word();
        small(5, 4);
        break;
    case Call::PciDescribe:
        handle(0);
        break;
    case Call::PciConfigRead:
    case Call::PciConfigWrite:
        handle(0);
        /* Mostly the registers that matter (header, BARs, capabilities), sometimes anywhere. */
        frame.arguments[2] = s_input.byte() % 4 == 0 ? s_input.word() % 8192 : s_input.byte() % 0x60;
        small(3, 9);
        frame.arguments[4] = s_input.byte() % 2 ? s_input.byte() : s_input.word();
        break;
    case Call::PciBar:
        handle(0);
        small(2, 8);
        break;
    case Call::DeviceMemoryOpen:
        handle(0);
        handle(2);
        small(4, 7);
        break;
    case Call::DeviceMemoryMap:
        handle(0);
        small(2, 2);
        break;
    case Call::DmaAddress:
        handle(0);
        handle(2);
        break;
    case Call::PciInterrupt:
        /* Entries inside the four-entry table, just past it, the INTx pin (ADR 0021), or anywhere; bits in range or not. */
        handle(0);
        handle(2);
        switch (s_input.byte() % 4) {
        case 0:
            frame.arguments[4] = s_input.word();
            break;
        case 1:
            frame.arguments[4] = pci_interrupt_intx;
            break;
        default:
            frame.arguments[4] = s_input.byte() % 6;
            break;
        }
        small(5, 70);
        break;
    case Call::AcknowledgeInterrupt:
    case Call::MmioSlotDescribe:
        handle(0);
        break;
    case Call::MmioSlotOpen:
        /* The modelled device ids (rng 4, blk 2), the empty id 0, or anything; indexes 0-2. */
        handle(0);
        handle(2);
        frame.arguments[4] = s_input.byte() % 4 == 0 ? s_input.word() : (s_input.byte() % 2 ? 4 : s_input.byte() % 3 * 2);
        small(5, 3);
        break;
    case Call::MmioSlotRead:
    case Call::MmioSlotWrite:
        /* Mostly registers inside the 512-byte window (Status among them), sometimes past it or unaligned. */
        handle(0);
        frame.arguments[2] = s_input.byte() % 4 == 0 ? s_input.word() : (s_input.byte() % 2 ? 0x70 : s_input.byte() * 4 % 0x240);
        frame.arguments[3] = s_input.byte() % 2 ? s_input.byte() : s_input.word();
        break;
    case Call::MmioSlotInterrupt:
        handle(0);
        handle(2);
        small(4, 70);
        break;
    case Call::MmioSlotDmaAddress:
        handle(0);
        handle(2);
        break;
    case Call::EntropyFeed:
        handle(0);
        bytes(2);
        frame.arguments[4] = s_input.byte() % 2 ? s_input.byte() : s_input.word();
        break;
    case Call::HostInputInfo:
        handle(0);
        break;
    case Call::SnapshotSize:
        handle(0);
        break;
    case Call::SnapshotRead:
        handle(0);
        frame.arguments[2] = reinterpret_cast<uptr>(s_snapshot_buffer);
        frame.arguments[3] = s_input.byte() % 2 ? sizeof(s_snapshot_buffer) : s_input.word() % sizeof(s_snapshot_buffer);
        break;
    case Call::HostInputDrain:
        /* Room for up to 69 events (past the bound of 64), now and then misaligned. */
        handle(0);
        frame.arguments[2] = reinterpret_cast<uptr>(buffer) + (s_input.byte() % 8 == 0 ? 1 : 0);
        small(3, 70);
        break;
    case Call::HostInputInterrupt:
    case Call::I8042Interrupt:
    case Call::HostSocketsInterrupt:
        handle(0);
        handle(2);
        small(4, 70);
        break;
    case Call::I8042Read:
    case Call::I8042Write:
        /* Mostly its two ports, sometimes a neighbour or any word; a byte or a wider value. */
        handle(0);
        frame.arguments[2] = s_input.byte() % 4 == 0 ? s_input.word() : (s_input.byte() % 2 ? 0x60 : 0x5f + s_input.byte() % 8);
        frame.arguments[3] = s_input.byte() % 2 ? s_input.byte() : s_input.word();
        break;
    default: /* blocking, ending or interrupt-raising calls, and numbers that name no call */
        frame.number = s_input.byte() % 2 ? 999 : 0;
        break;
    }
}

ErrorOr<i32> fuzzing_task(Bundle&)
{
    Pool pool;
    for (char const* name : { "memory", "tasks", "ring", "partner", "pci", "display", "virtio-mmio", "entropy", "input", "i8042" }) {
        for (auto capability_class : { CapabilityClass::Reticle, CapabilityClass::Task, CapabilityClass::Ring,
                 CapabilityClass::Signal, CapabilityClass::Device }) {
            auto taken = system::take(name, capability_class);
            if (!taken.is_error())
                pool.add(taken.value());
        }
    }
    alignas(64) u8 buffer[4096] {};
    for (usize step = 0; step < 64 && !s_input.exhausted(); ++step) {
        kernel::CallFrame frame;
        u8 selector = s_input.byte();
        frame.number = selector < 224 ? 1 + selector % u64(Call::AcknowledgeInterrupt)
                                      : u64(Call::MmioSlotOpen) + selector % 16; /* the virtio-mmio slot calls, entropy_feed (ADR 0025), host input, the snapshot, the i8042, the host-sockets line */
        shape_arguments(frame, pool, buffer, sizeof(buffer));
        auto before_move = is_move(frame) ? source_rights(frame) : std::nullopt;
        if (static_cast<Call>(frame.number) == Call::Reap)
            require_reaped_not_panicked(frame);
        kernel::system_call(frame);
        if (is_move(frame))
            check_move(frame, before_move);
        /* Now and then a modelled INTx wire (hosted lines 80-83) arrives, shared by the Tasks' functions. */
        if (s_input.byte() % 8 == 0)
            kernel::interrupt_arrived(platform::hosted::first_intx_line + s_input.byte() % platform::hosted::intx_line_count);
        /* ... or a modelled virtio-mmio slot's line (hosted lines 84-88). */
        if (s_input.byte() % 8 == 0)
            kernel::interrupt_arrived(platform::hosted::first_slot_line + s_input.byte() % test::MmioSlotModel::slot_count);
        /* ... or the modelled i8042's keyboard line (hosted line 92). */
        if (s_input.byte() % 8 == 0)
            kernel::interrupt_arrived(platform::hosted::i8042_model_line);
        /* ... or the window queues a group and its line arrives (ADR 0040 §6). */
        if (s_input.byte() % 8 == 0) {
            platform::hosted::WindowEvent event { platform::hosted::WindowEvent::Kind(s_input.byte() % 3), s_input.byte(),
                s_input.byte(), s_input.byte() % 2 == 0, false, i32(s_input.word()), i32(s_input.word()) };
            HostInputEvent group[platform::hosted::maximum_group];
            usize count = platform::hosted::translate(event, 64, 32, group);
            (void)platform::hosted::host_input_push({ group, count });
            kernel::interrupt_arrived(platform::hosted::input_line);
        }
        if (frame.error == 0) {
            auto call = static_cast<Call>(frame.number);
            /* A drain moves at most what was asked and at most the bound. */
            if (call == Call::HostInputDrain)
                require(frame.results[0] <= frame.arguments[3] && frame.results[0] <= maximum_host_input_drain,
                    "a host input drain moved more than asked or more than its bound");
            /* A feed is credited at most what it carried and at most 64 bytes (ADR 0025 §3). */
            if (call == Call::EntropyFeed)
                require(frame.results[0] <= frame.arguments[3] && frame.results[0] <= frame.arguments[4]
                        && frame.results[0] <= EntropyPool::maximum_credit_per_feed,
                    "an entropy feed was credited more than it carried or more than 64 bytes");
            /* The i8042's calls reach its two ports only, one byte at a time (ADR 0031 amendment). */
            if (call == Call::I8042Read || call == Call::I8042Write)
                require((frame.arguments[2] == 0x60 || frame.arguments[2] == 0x64) && frame.results[0] <= 0xff,
                    "an i8042 call answered for another port or with more than a byte");
            if (call == Call::I8042Write)
                require(frame.arguments[3] <= 0xff, "an i8042 write of more than a byte was answered");
            if (call == Call::I8042Read || call == Call::I8042Write || call == Call::I8042Interrupt)
                count_i8042_answer(call);
            /* A snapshot read copies the whole table, into a buffer at least that large. */
            if (call == Call::SnapshotRead)
                require(frame.results[0] == snapshot::table_bytes() && frame.results[0] <= frame.arguments[3],
                    "a snapshot read answered other than the whole table, or more than its buffer");
            if (call == Call::RingBind)
                pool.add_binding(frame.results[0]);
            else if (call == Call::Carve || call == Call::Spawn || call == Call::CreateRing || call == Call::CreateTimer
                || call == Call::CreateMemory || call == Call::SignalCapability || call == Call::Attenuate
                || call == Call::BundleTake || call == Call::PciOpen || call == Call::DeviceMemoryOpen
                || call == Call::DisplayMemory || call == Call::PciInterrupt || call == Call::MmioSlotOpen
                || call == Call::MmioSlotInterrupt || call == Call::HostInputInterrupt || call == Call::I8042Interrupt
                || call == Call::HostSocketsInterrupt)
                pool.add(kernel::handle_from_words(frame.results[0], frame.results[1]));
        }
        system::yield();
    }
    return 0;
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    s_input = { data, size, 0 };
    test::Arena arena(8 * MiB);
    auto& executor = Executor::current();
    /* A machine with PCI: the modelled functions, the bus capability in every Task's Bundle. */
    test::ConfigModel model; /* fresh for every input: writes of one run never leak into the next */
    alignas(4096) static u32 msix_table[1024]; /* the modelled function's MSI-X table, written by the kernel */
    test::populate(model, true, msix_table);
    platform::PciHostBridge bridge;
    bridge.last_bus = 0;
    (void)kernel::pci_install(model, bridge);
    /* And virtio-mmio slots (ADR 0025): the modelled windows, refilled for every input. */
    static test::MmioSlotModel slots;
    (void)slots.install();
    /* And an i8042 (ADR 0031 amendment): a model that checks every port the kernel lets through. */
    static ModelI8042 controller;
    kernel::i8042_install(&controller, platform::hosted::i8042_model_line);
    {
        SignalMask spare; /* outlives the space that names it */
        CapabilitySpace supervisor(allocate_space_id());
        Task* tasks[3] {};
        for (auto*& task : tasks)
            task = MUST(executor.spawn(arena.reticle(), { "fuzzer", fuzzing_task, 64 * KiB }));
        Ring* shared = MUST(Ring::try_create(arena.reticle(), 4, 64, schema));
        auto* bus = MUST(arena.reticle().try_create<PciBusDevice>(&arena.reticle()));
        auto* mmio_bus = MUST(arena.reticle().try_create<MmioBusDevice>(&arena.reticle()));
        auto ring = MUST(supervisor.mint<CapabilityClass::Ring>(shared, all_rights));
        /* A small display; each Task gets it with other rights (all, read, write). */
        DisplayMode mode { 64, 32, 256, PixelFormat::Xrgb8888 };
        auto* framebuffer = static_cast<u8*>(MUST(arena.reticle().try_retype(mode.size(), 4096)));
        auto* device = MUST(arena.reticle().try_create<DisplayDevice>(&arena.reticle(), framebuffer, mode));
        auto display = MUST(supervisor.mint<CapabilityClass::Device>(device, all_rights));
        constexpr Rights display_rights[] = { all_rights, RightRead | RightGrant, RightWrite | RightRevoke };
        /* The EntropySource (ADR 0025 §3), with the same three sets of rights. */
        auto* source = MUST(arena.reticle().try_create<EntropyDevice>(&arena.reticle()));
        auto entropy = MUST(supervisor.mint<CapabilityClass::Device>(source, all_rights));
        /* The window's input (ADR 0040 §6), its queue open and empty, with the same three sets of rights. */
        platform::hosted::host_input_reset();
        platform::hosted::host_input_open(64, 32);
        auto* window = MUST(arena.reticle().try_create<HostInputDevice>(&arena.reticle()));
        auto input = MUST(supervisor.mint<CapabilityClass::Device>(window, all_rights));
        /* The debug snapshot (ADR 0045), minted as the kernel mints it (read, grant, revoke), granted with the three sets. */
        auto* table = MUST(arena.reticle().try_create<SnapshotDevice>(&arena.reticle()));
        auto snapshot_device = MUST(supervisor.mint<CapabilityClass::Device>(table, RightRead | RightGrant | RightRevoke));
        /* The i8042, minted as the kernel mints it (read, write, grant, revoke), granted with the three sets. */
        auto* keyboard_controller = MUST(arena.reticle().try_create<I8042Device>(&arena.reticle()));
        auto i8042 = MUST(supervisor.mint<CapabilityClass::Device>(keyboard_controller, RightRead | RightWrite | RightGrant | RightRevoke));
        for (usize index = 0; index < 3; ++index) {
            Reticle* memory = MUST(arena.reticle().try_carve(1 * MiB));
            auto memory_cap = MUST(supervisor.mint<CapabilityClass::Reticle>(memory, all_rights));
            auto authority = MUST(supervisor.mint<CapabilityClass::Task>(tasks[index], RightSpawn | RightGrant | RightRead | RightMove));
            auto partner = MUST(supervisor.mint<CapabilityClass::Signal>(&tasks[(index + 1) % 3]->signals(), all_rights, index));
            MUST(tasks[index]->bundle().give("memory", supervisor, std::move(memory_cap)));
            MUST(tasks[index]->bundle().give("tasks", supervisor, std::move(authority)));
            MUST(tasks[index]->bundle().grant("ring", supervisor, ring, all_rights));
            MUST(tasks[index]->bundle().give("partner", supervisor, std::move(partner)));
            auto pci = MUST(supervisor.mint<CapabilityClass::Device>(bus, RightRead | RightGrant | RightMove));
            MUST(tasks[index]->bundle().give("pci", supervisor, std::move(pci)));
            auto mmio = MUST(supervisor.mint<CapabilityClass::Device>(mmio_bus, RightRead | RightGrant | RightMove));
            MUST(tasks[index]->bundle().give("virtio-mmio", supervisor, std::move(mmio)));
            MUST(tasks[index]->bundle().grant("display", supervisor, display, display_rights[index]));
            MUST(tasks[index]->bundle().grant("entropy", supervisor, entropy, display_rights[index]));
            MUST(tasks[index]->bundle().grant("input", supervisor, input, display_rights[index]));
            (void)tasks[index]->bundle().grant("i8042", supervisor, i8042, display_rights[index] & (RightRead | RightWrite | RightGrant | RightRevoke));
            (void)tasks[index]->bundle().grant("snapshot", supervisor, snapshot_device, display_rights[index] & (RightRead | RightGrant | RightRevoke));
        }
        for (auto* task : tasks) {
            (void)executor.run_until_exit(*task);
            require_not_panicked(task->exit_cause(), task->state());
        }
        /* Children the fuzzing Tasks spawned and did not reap: run each to its end, then reap it. */
        while (Task* left = executor.tasks()) {
            if (left->state() != TaskState::Exited)
                (void)executor.run_until_exit(*left);
            require_not_panicked(left->exit_cause(), left->state());
            if (left->is_listed())
                MUST(executor.reap(*left));
        }
        (void)supervisor.clear();
    }
    /* Nothing may still name the Arena's memory: every object carved or retyped from it retired. */
    VERIFY(arena.reticle().live_contents() == 0);
    return 0;
}
