/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: virtio-gpu's control queue (vectra/virtio/Gpu.h) against a device whose
 * answers are the input's bytes. Each step takes a command and its arguments from the input,
 * then the "device" answers it with a used id, a length and answer bytes from the input. The
 * driver must never accept an answer of a type its command cannot have, never report a display
 * mode outside the bounds it promises, and never be left with a command in flight after an
 * answer it took (accepted or refused).
 */

#include <cstring>
#include <vectra/Panic.h>
#include <vectra/virtio/Gpu.h>
#include <vectra/virtio/SplitQueue.h>

using namespace vectra;
using namespace vectra::virtio;
using namespace vectra::virtio::gpu;

namespace {

constexpr usize queue_bytes = 4096;
constexpr usize answer_bytes = 408;

struct Input {
    u8 const* data;
    usize size;

    u8 byte()
    {
        if (size == 0)
            return 0;
        --size;
        return *data++;
    }
    u32 word()
    {
        u32 value = 0;
        for (usize index = 0; index < 4; ++index)
            value |= u32(byte()) << (8 * index);
        return value;
    }
};

u16 read_half(u8 const* bytes)
{
    u16 value;
    std::memcpy(&value, bytes, 2);
    return value;
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    alignas(16) static u8 memory[queue_bytes + ControlQueue::memory_size];
    std::memset(memory, 0, sizeof(memory));
    auto queue = MUST(SplitQueue::create({ memory, queue_bytes }, 8, false));
    Input input { data, size };
    auto control = MUST(ControlQueue::create(queue, { memory + queue_bytes, ControlQueue::memory_size }, queue_bytes,
        1 + input.byte() % maximum_scanouts));
    auto const& layout = queue.layout();
    u16 device_seen = 0;

    while (input.size > 0) {
        u8 choice = input.byte();
        u32 resource = input.byte() % 4;
        Rectangle rectangle { input.byte(), input.byte(), input.byte(), input.byte() };
        MemoryEntry entry { 0x100000, input.word(), 0 };
        ErrorOr<void> submitted = Error(ErrorCode::InvalidArgument, "no command");
        switch (choice % 8) {
        case 0:
            submitted = control.get_display_info();
            break;
        case 1:
            submitted = control.create_resource(resource, Format::B8G8R8X8, rectangle.width, rectangle.height);
            break;
        case 2:
            submitted = control.attach_backing(resource, { &entry, 1 });
            break;
        case 3:
            submitted = control.set_scanout(input.byte() % 2, resource, rectangle);
            break;
        case 4:
            submitted = control.transfer_to_host(resource, rectangle);
            break;
        case 5:
            submitted = control.flush(resource, rectangle);
            break;
        case 6:
            submitted = control.unref(resource);
            break;
        default:
            break;
        }
        (void)control.publish();
        if (submitted.is_error() && !control.busy())
            continue;

        /* The device: a used entry whose id is the head it was given (or, when the input says, any id). */
        u16 available = read_half(memory + layout.available + 2);
        u16 head = device_seen != available ? read_half(memory + layout.available + 4 + 2 * (device_seen % layout.size)) : 0;
        if (device_seen != available)
            ++device_seen;
        u8 how = input.byte();
        u32 id = how & 1 ? input.byte() : head;
        u32 length = how & 2 ? input.word() : (how & 4 ? answer_bytes : 24);
        u8* answer = memory + queue_bytes + ControlQueue::response_offset;
        for (usize index = 0; index < answer_bytes; ++index)
            answer[index] = input.byte();
        if (how & 8) {
            u32 type = 0x1100 + (input.byte() % 8) + (how & 16 ? 0x100 : 0);
            std::memcpy(answer, &type, 4);
        }
        u16 used_index = read_half(memory + layout.used + 2);
        UsedElement element { id, length };
        std::memcpy(memory + layout.used + 4 + 8 * (used_index % layout.size), &element, sizeof(element));
        used_index = static_cast<u16>(used_index + 1);
        std::memcpy(memory + layout.used + 2, &used_index, 2);

        CommandType command = CommandType::GetDisplayInfo;
        auto result = control.take_answer();
        if (result.is_error() && result.error().code() == ErrorCode::NotFound)
            continue;
        VERIFY(!control.busy());
        if (result.is_error())
            continue;
        command = result.value().command;
        u32 type;
        std::memcpy(&type, answer, 4);
        VERIFY(type == (command == CommandType::GetDisplayInfo ? 0x1101u : 0x1100u));
        for (auto const& mode : result.value().display_info.modes) {
            if (mode.enabled)
                VERIFY(mode.rectangle.width != 0 && mode.rectangle.width <= maximum_dimension && mode.rectangle.height != 0
                    && mode.rectangle.height <= maximum_dimension);
        }
    }
    return 0;
}
