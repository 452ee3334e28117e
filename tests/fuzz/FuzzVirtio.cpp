/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: core/virtio against a device that writes whatever the input says. The
 * first 256 bytes are a function's configuration space for read_pci_layout; the rest drive a
 * split queue of 8, with or without indirect tables: the driver submits and publishes, the "device" writes used entries with
 * ids, lengths and used indices from the input. Every completion the driver accepts must name a
 * request in flight, once, with no more bytes than it offered; descriptors are never lost; asking
 * for interrupts before a wait reports exactly whether used entries wait and changes nothing else.
 */

#include <cstring>
#include <set>
#include <vectra/Panic.h>
#include <vectra/virtio/PciCapabilities.h>
#include <vectra/virtio/SplitQueue.h>

using namespace vectra;
using namespace vectra::virtio;

namespace {

class BytesConfig final : public ConfigRead {
public:
    explicit BytesConfig(u8 const* bytes)
        : m_bytes(bytes)
    {
    }
    ErrorOr<u32> read(u16 offset, u8 width) const override
    {
        if (offset + width > 256)
            return Error(ErrorCode::InvalidArgument, "past the header");
        u32 value = 0;
        std::memcpy(&value, m_bytes + offset, width);
        return value;
    }

private:
    u8 const* m_bytes;
};

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    if (size < 256)
        return 0;
    (void)read_pci_layout(BytesConfig(data));
    data += 256;
    size -= 256;

    alignas(16) static u8 memory[4096];
    alignas(16) static u8 tables[IndirectTables::bytes_for(8, 2)];
    constexpr u16 queue_size = 8;
    /* Odd sizes: event index; sizes with bit 1: two-buffer requests through indirect tables. */
    IndirectTables indirect;
    if (size & 2)
        indirect = { { tables, sizeof(tables) }, 8192, 2 };
    auto queue = MUST(SplitQueue::create({ memory, sizeof(memory) }, queue_size, (size & 1) != 0, indirect));
    if (size & 4)
        queue.request_interrupts_before_waiting(); /* take_used leaves used_event alone */
    auto const& layout = queue.layout();
    std::set<u64> in_flight;
    u64 next_token = 0;
    for (usize at = 0; at + 4 <= size; at += 4) {
        u8 operation = data[at] % 4;
        if (operation == 0) {
            Segment segments[] = { { 64, 16, false }, { 128, u32(data[at + 1]) + 1, true } };
            usize count = 1 + data[at + 2] % 2;
            if (!queue.submit({ segments + 2 - count, count }, next_token).is_error())
                in_flight.insert(next_token);
            ++next_token;
        } else if (operation == 1) {
            /* Publish, or say what interrupts are wanted before a wait: whatever the device wrote,
               the answer is whether used entries wait, and nothing the driver holds changes. */
            u16 free_before = queue.free_descriptors();
            if (data[at + 1] % 3 == 0)
                (void)queue.publish();
            else if (data[at + 1] % 3 == 1)
                VERIFY(queue.interrupt_after(data[at + 2]) == (queue.used_waiting() != 0));
            else
                queue.suppress_interrupts();
            VERIFY(queue.free_descriptors() == free_before);
        } else if (operation == 2) {
            /* The device writes a used entry and moves the used index as the input says. */
            u16 index;
            std::memcpy(&index, memory + layout.used + 2, 2);
            UsedElement element { u32(data[at + 1] % 12), u32(data[at + 2]) * 2 };
            std::memcpy(memory + layout.used + 4 + 8 * (index % queue_size), &element, sizeof(element));
            index = static_cast<u16>(index + (data[at + 3] % 3 == 0 ? data[at + 3] : 1));
            std::memcpy(memory + layout.used + 2, &index, 2);
        } else {
            auto completion = queue.take_used();
            if (!completion.is_error()) {
                VERIFY(in_flight.erase(completion.value().token) == 1);
                VERIFY(completion.value().written <= 256);
            }
        }
        VERIFY(queue.free_descriptors() <= queue_size);
        VERIFY(queue.in_flight() >= in_flight.size());
    }
    return 0;
}
