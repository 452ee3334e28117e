/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio entropy device over virtio-mmio, polled: one request queue of four descriptors,
 * one request at a time, no interrupt. Both transports QEMU offers are handled — legacy
 * (version 1, QEMU 7.2's default: QueuePFN in guest pages) and modern (version 2, with
 * `-global virtio-mmio.force-legacy=false`: split queue addresses, VIRTIO_F_VERSION_1). The
 * devices are found in the slots the device tree names (VirtioMmioSlots.h, ADR 0025), each
 * window mapped as device memory before it is read; RAM is identity-mapped, so buffer addresses are
 * physical addresses.
 */

#include "VirtioEntropy.h"
#include "MemoryMap.h"
#include "Mmio.h"
#include "Registers.h"
#include "VirtioMmioSlots.h"
#include <vectra/platform/Pci.h>
#include <vectra/platform/Platform.h>

namespace vectra::platform::aarch64 {

namespace {

constexpr usize slot_capacity = 32; /* QEMU virt writes 32 */

constexpr u32 virtio_magic = 0x7472'6976; /* "virt" */
constexpr u32 entropy_device_id = 4;

/* Register offsets (virtio 1.2, 4.2.2 and 4.2.4 for the legacy ones). */
enum Register : uptr {
    MagicValue = 0x000,
    Version = 0x004,
    DeviceId = 0x008,
    DriverFeatures = 0x020,
    DriverFeaturesSelect = 0x024,
    LegacyGuestPageSize = 0x028,
    QueueSelect = 0x030,
    QueueSizeMaximum = 0x034,
    QueueSize = 0x038,
    LegacyQueueAlign = 0x03c,
    LegacyQueuePageNumber = 0x040,
    QueueReady = 0x044,
    QueueNotify = 0x050,
    InterruptStatus = 0x060,
    InterruptAcknowledge = 0x064,
    Status = 0x070,
    QueueDescriptorLow = 0x080,
    QueueDescriptorHigh = 0x084,
    QueueDriverLow = 0x090,
    QueueDriverHigh = 0x094,
    QueueDeviceLow = 0x0a0,
    QueueDeviceHigh = 0x0a4,
};

enum StatusBit : u32 {
    Acknowledge = 1,
    Driver = 2,
    DriverOk = 4,
    FeaturesOk = 8,
};

constexpr u16 descriptor_device_writes = 2;
constexpr u32 feature_version_1_high_word = 1u << 0; /* VIRTIO_F_VERSION_1 is feature bit 32 */
constexpr u16 queue_size = 4;
constexpr u64 guest_page_size = 4096;
constexpr u64 answer_timeout_nanoseconds = 100'000'000;

struct Descriptor {
    u64 address;
    u32 length;
    u16 flags;
    u16 next;
};

struct AvailableRing {
    u16 flags;
    u16 index;
    u16 ring[queue_size];
    u16 used_event;
};

struct UsedElement {
    u32 id;
    u32 length;
};

struct UsedRing {
    u16 flags;
    u16 index;
    UsedElement ring[queue_size];
    u16 available_event;
};

/* The legacy layout: descriptors and the available ring in one page, the used ring in the next. */
struct alignas(guest_page_size) QueueMemory {
    Descriptor descriptors[queue_size];
    AvailableRing available;
    alignas(guest_page_size) UsedRing used;
};

enum class DeviceState : u8 {
    NotProbed,
    Absent,
    Ready,
};

struct Device {
    DeviceState state { DeviceState::NotProbed };
    uptr base { 0 };
    u16 next_available { 0 };
    u16 last_used { 0 };
};

Device s_device;
QueueMemory s_queue;
alignas(64) u8 s_request_buffer[64];

[[nodiscard]] u32 read(uptr offset) { return mmio_read32(s_device.base + offset); }
void write(uptr offset, u32 value) { mmio_write32(s_device.base + offset, value); }

[[nodiscard]] uptr find_entropy_device()
{
    auto tree = device_tree();
    if (tree.is_error())
        return 0;
    VirtioMmioSlot slots[slot_capacity];
    auto count = read_virtio_mmio_slots(tree.value(), slots);
    if (count.is_error())
        return 0;
    for (usize index = 0; index < count.value(); ++index) {
        uptr base = static_cast<uptr>(slots[index].base);
        if (!platform::map_device_memory(slots[index].base, slots[index].size))
            continue;
        if (mmio_read32(base + MagicValue) != virtio_magic)
            continue;
        u32 version = mmio_read32(base + Version);
        if ((version == 1 || version == 2) && mmio_read32(base + DeviceId) == entropy_device_id)
            return base;
    }
    return 0;
}

[[nodiscard]] bool set_up_device()
{
    bool legacy = read(Version) == 1;
    write(Status, 0);
    write(Status, Acknowledge);
    write(Status, Acknowledge | Driver);
    /* The entropy device has no features of its own; a modern device needs VERSION_1. */
    write(DriverFeaturesSelect, 0);
    write(DriverFeatures, 0);
    write(DriverFeaturesSelect, 1);
    write(DriverFeatures, legacy ? 0 : feature_version_1_high_word);
    if (!legacy) {
        write(Status, Acknowledge | Driver | FeaturesOk);
        if ((read(Status) & FeaturesOk) == 0)
            return false;
    }
    write(QueueSelect, 0);
    u32 maximum = read(QueueSizeMaximum);
    if (maximum < queue_size)
        return false;
    write(QueueSize, queue_size);
    auto queue = reinterpret_cast<uptr>(&s_queue);
    if (legacy) {
        write(LegacyGuestPageSize, guest_page_size);
        write(LegacyQueueAlign, guest_page_size);
        write(LegacyQueuePageNumber, static_cast<u32>(queue / guest_page_size));
    } else {
        auto descriptors = reinterpret_cast<u64>(&s_queue.descriptors);
        auto available = reinterpret_cast<u64>(&s_queue.available);
        auto used = reinterpret_cast<u64>(&s_queue.used);
        write(QueueDescriptorLow, static_cast<u32>(descriptors));
        write(QueueDescriptorHigh, static_cast<u32>(descriptors >> 32));
        write(QueueDriverLow, static_cast<u32>(available));
        write(QueueDriverHigh, static_cast<u32>(available >> 32));
        write(QueueDeviceLow, static_cast<u32>(used));
        write(QueueDeviceHigh, static_cast<u32>(used >> 32));
        write(QueueReady, 1);
    }
    write(Status, read(Status) | DriverOk);
    return true;
}

[[nodiscard]] bool device_ready()
{
    if (s_device.state == DeviceState::NotProbed) {
        s_device.base = find_entropy_device();
        s_device.state = s_device.base != 0 && set_up_device() ? DeviceState::Ready : DeviceState::Absent;
    }
    return s_device.state == DeviceState::Ready;
}

/* One request: the device writes up to sizeof(s_request_buffer) bytes; returns how many. */
[[nodiscard]] usize request()
{
    u16 slot = s_device.next_available % queue_size;
    s_queue.descriptors[slot]
        = { reinterpret_cast<u64>(s_request_buffer), sizeof(s_request_buffer), descriptor_device_writes, 0 };
    auto volatile& available = s_queue.available;
    available.ring[slot] = slot;
    data_barrier();
    available.index = ++s_device.next_available;
    data_barrier();
    write(QueueNotify, 0);

    auto volatile const& used = s_queue.used;
    u64 give_up = monotonic_nanoseconds() + answer_timeout_nanoseconds;
    while (used.index == s_device.last_used) {
        if (monotonic_nanoseconds() > give_up) {
            /* A device that stops answering is not asked again. */
            s_device.state = DeviceState::Absent;
            return 0;
        }
    }
    data_barrier();
    u32 length = used.ring[s_device.last_used % queue_size].length;
    ++s_device.last_used;
    write(InterruptAcknowledge, read(InterruptStatus));
    return length < sizeof(s_request_buffer) ? length : sizeof(s_request_buffer);
}

}

usize virtio_entropy(u8* buffer, usize length)
{
    if (!device_ready())
        return 0;
    usize gathered = 0;
    while (gathered < length) {
        usize answered = request();
        if (answered == 0)
            break;
        usize take = answered < length - gathered ? answered : length - gathered;
        for (usize index = 0; index < take; ++index) {
            buffer[gathered + index] = s_request_buffer[index];
            s_request_buffer[index] = 0;
        }
        gathered += take;
    }
    return gathered;
}

}
