/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The virtio-mmio version 2 transport against a software model of a device's register window
 * (virtio 1.2, 4.2.2): the window checked (magic, version, empty slot), feature negotiation
 * (VERSION_1 required, FEATURES_OK read back, FAILED on refusal), queue set-up (sizes the device
 * refuses, 64-bit addresses as halves, ready read back, a live queue Busy), a reset that never
 * finishes, and a round trip — a request through the same split queue the PCI transport uses,
 * served by the virtqueue device model when the driver notifies, signalled and acknowledged
 * through InterruptStatus / InterruptACK.
 */

#include "VirtioDeviceModel.h"
#include <array>
#include <catch2/catch.hpp>
#include <map>
#include <vectra/virtio/MmioTransport.h>
#include <vectra/virtio/ModernTransport.h>

using namespace vectra;
using namespace vectra::virtio;
using namespace vectra::virtio::test;

namespace {

template<typename T>
ErrorCode code_of(ErrorOr<T> const& result)
{
    return result.is_error() ? result.error().code() : ErrorCode::None;
}

/* One queue's registers as the device holds them. */
struct ModelQueue {
    u32 maximum { 0 };
    u32 size { 0 };
    u32 ready { 0 };
    u64 descriptors { 0 };
    u64 driver { 0 };
    u64 device { 0 };
};

/* A virtio-mmio device: entropy (id 4) by default, two queues of at most 8 and 0 entries. */
class WindowModel final : public MmioRegisters {
public:
    u32 magic { 0x7472'6976 };
    u32 version { 2 };
    u32 device_id { 4 };
    u64 offered { feature_version_1 | feature_event_index | (1ull << 28) };
    bool refuses_features { false };
    bool reset_stuck { false };
    u32 status { 0 };
    u64 accepted { 0 };
    u32 interrupt { 0 };
    std::array<ModelQueue, 2> queues { ModelQueue { 8 }, ModelQueue { 0 } };
    std::vector<u32> notified;
    std::map<u32, u32> strays; /* writes to registers the model does not know */
    /* On a notify: the queue's device side, to serve what the driver made available. */
    DeviceModel* served { nullptr };

    u32 read(u32 offset) override
    {
        switch (offset) {
        case 0x000:
            return magic;
        case 0x004:
            return version;
        case 0x008:
            return device_id;
        case 0x00c:
            return 0x554d'4551; /* QEMU's vendor id */
        case 0x010:
            return static_cast<u32>(offered >> (32 * (m_device_select & 1))) * (m_device_select < 2);
        case 0x034:
            return selected() ? selected()->maximum : 0;
        case 0x044:
            return selected() ? selected()->ready : 0;
        case 0x060:
            return interrupt;
        case 0x070:
            return status;
        default:
            return 0;
        }
    }

    void write(u32 offset, u32 value) override
    {
        switch (offset) {
        case 0x014:
            m_device_select = value;
            return;
        case 0x020:
            if (m_driver_select < 2)
                accepted
                    = (accepted & ~(0xffff'ffffull << (32 * m_driver_select))) | (u64(value) << (32 * m_driver_select));
            return;
        case 0x024:
            m_driver_select = value;
            return;
        case 0x030:
            m_queue_select = value;
            return;
        case 0x038:
            if (selected())
                selected()->size = value;
            return;
        case 0x044:
            if (selected())
                selected()->ready = value & 1;
            return;
        case 0x050:
            notified.push_back(value);
            if (served && served->serve(8))
                interrupt |= 1;
            return;
        case 0x064:
            interrupt &= ~value;
            return;
        case 0x070:
            if (value == 0 && reset_stuck)
                return; /* reads back what it was: never reset */
            if (value == 0) {
                status = 0;
                accepted = 0;
                for (auto& queue : queues)
                    queue = ModelQueue { queue.maximum };
                return;
            }
            /* FEATURES_OK stays clear when the device refuses, or the driver accepted what was not offered. */
            if ((value & 8) && (refuses_features || (accepted & ~offered)))
                value &= ~8u;
            status = value;
            return;
        case 0x080:
        case 0x084:
        case 0x090:
        case 0x094:
        case 0x0a0:
        case 0x0a4:
            if (selected()) {
                u64* field = offset < 0x090 ? &selected()->descriptors
                    : offset < 0x0a0        ? &selected()->driver
                                            : &selected()->device;
                u32 shift = (offset & 4) ? 32 : 0;
                *field = (*field & ~(0xffff'ffffull << shift)) | (u64(value) << shift);
            }
            return;
        default:
            strays[offset] = value;
            return;
        }
    }

private:
    ModelQueue* selected() { return m_queue_select < queues.size() ? &queues[m_queue_select] : nullptr; }

    u32 m_device_select { 0 };
    u32 m_driver_select { 0 };
    u32 m_queue_select { 0 };
};

}

TEST_CASE("virtio-mmio: the window is checked — magic, version 2 only, an empty slot")
{
    WindowModel window;
    auto transport = MmioTransport::create(window);
    REQUIRE_FALSE(transport.is_error());
    CHECK(transport.value().device_id() == 4);
    window.magic = 0x7472'6977;
    CHECK(code_of(MmioTransport::create(window)) == ErrorCode::MalformedMessage);
    window.magic = 0x7472'6976;
    window.version = 1;
    CHECK(code_of(MmioTransport::create(window)) == ErrorCode::Unsupported);
    window.version = 3;
    CHECK(code_of(MmioTransport::create(window)) == ErrorCode::Unsupported);
    window.version = 2;
    window.device_id = 0;
    CHECK(code_of(MmioTransport::create(window)) == ErrorCode::NotFound);
}

TEST_CASE("virtio-mmio: features negotiated — what both want, VERSION_1 required, FEATURES_OK read back")
{
    WindowModel window;
    auto transport = MmioTransport::create(window).release_value();
    window.status = 0x0f; /* as a previous driver left it */
    auto accepted = transport.negotiate(feature_event_index | (1ull << 3));
    REQUIRE_FALSE(accepted.is_error());
    CHECK(accepted.value() == (feature_version_1 | feature_event_index));
    CHECK(window.accepted == accepted.value());
    CHECK(window.status == (1 | 2 | 8));
    transport.driver_ok();
    CHECK(window.status == (1 | 2 | 4 | 8));
    CHECK(window.strays.empty());

    window.refuses_features = true;
    CHECK(code_of(transport.negotiate(0)) == ErrorCode::Unsupported);
    CHECK((window.status & 128) != 0); /* FAILED */
    window.refuses_features = false;
    window.offered = feature_event_index;
    CHECK(code_of(transport.negotiate(feature_event_index)) == ErrorCode::Unsupported);
    CHECK((window.status & 128) != 0);
}

TEST_CASE("virtio-mmio: a reset the device never finishes is TimedOut, not a hang")
{
    WindowModel window;
    auto transport = MmioTransport::create(window).release_value();
    window.status = 1;
    window.reset_stuck = true;
    CHECK(code_of(transport.reset()) == ErrorCode::TimedOut);
    CHECK(code_of(transport.negotiate(0)) == ErrorCode::TimedOut);
}

TEST_CASE("virtio-mmio: queue set-up — sizes refused, addresses as halves, ready read back, no queue, a live queue")
{
    WindowModel window;
    auto transport = MmioTransport::create(window).release_value();
    REQUIRE_FALSE(transport.negotiate(0).is_error());
    CHECK(transport.maximum_queue_size(0).value() == 8);
    CHECK(code_of(transport.maximum_queue_size(1)) == ErrorCode::NotFound); /* maximum 0 */
    CHECK(code_of(transport.maximum_queue_size(7)) == ErrorCode::NotFound); /* past the device's queues */
    CHECK(code_of(transport.set_up_queue(0, 16, 0, 0, 0)) == ErrorCode::InvalidArgument);
    CHECK(code_of(transport.set_up_queue(0, 6, 0, 0, 0)) == ErrorCode::InvalidArgument);
    CHECK(code_of(transport.set_up_queue(0, 0, 0, 0, 0)) == ErrorCode::InvalidArgument);
    REQUIRE_FALSE(transport.set_up_queue(0, 8, 0x1'2345'6000, 0x1'2345'6080, 0x1'2345'7000).is_error());
    CHECK(window.queues[0].size == 8);
    CHECK(window.queues[0].ready == 1);
    CHECK(window.queues[0].descriptors == 0x1'2345'6000);
    CHECK(window.queues[0].driver == 0x1'2345'6080);
    CHECK(window.queues[0].device == 0x1'2345'7000);
    /* Live: set up again only after a reset. */
    CHECK(code_of(transport.set_up_queue(0, 8, 0, 0, 0)) == ErrorCode::Busy);
    REQUIRE_FALSE(transport.reset().is_error());
    CHECK(transport.maximum_queue_size(0).value() == 8);
    /* A device that does not make the queue ready. */
    window.queues[0].maximum = 4;
    class Stubborn final : public MmioRegisters {
    public:
        explicit Stubborn(WindowModel& model)
            : m_model(model)
        {
        }
        u32 read(u32 offset) override { return m_model.read(offset); }
        void write(u32 offset, u32 value) override { m_model.write(offset, offset == 0x044 ? 0 : value); }

    private:
        WindowModel& m_model;
    } stubborn(window);
    auto other = MmioTransport::create(stubborn).release_value();
    CHECK(code_of(other.set_up_queue(0, 4, 0, 0, 0)) == ErrorCode::Unsupported);
}

TEST_CASE("virtio-mmio: a request through the split queue, served on notify, signalled and acknowledged")
{
    GuestMemory<> memory;
    auto queue = SplitQueue::create({ memory.bytes, 16 * 1024 }, 8, false).release_value();
    DeviceModel device(memory.bytes, memory.bytes, queue.layout(), false);
    WindowModel window;
    window.served = &device;
    auto transport = MmioTransport::create(window).release_value();
    REQUIRE_FALSE(transport.negotiate(0).is_error());
    auto const& layout = queue.layout();
    REQUIRE_FALSE(transport.set_up_queue(0, layout.size, layout.descriptors, layout.available, layout.used).is_error());
    transport.driver_ok();
    CHECK(window.queues[0].driver == memory.address_of(memory.bytes + layout.available));

    Segment segment { 16 * 1024, 32, true };
    REQUIRE_FALSE(queue.submit({ &segment, 1 }, 77).is_error());
    REQUIRE(queue.publish());
    transport.notify(0);
    CHECK(window.notified == std::vector<u32> { 0 });
    CHECK(transport.interrupt_status() == mmio_interrupt_used_buffer);
    transport.acknowledge_interrupt(transport.interrupt_status());
    CHECK(transport.interrupt_status() == 0);
    auto used = queue.take_used();
    REQUIRE_FALSE(used.is_error());
    CHECK(used.value().token == 77);
    CHECK(used.value().written == 32);
    CHECK(memory.bytes[16 * 1024] == 0xa5);
}

TEST_CASE("virtio-mmio: a mapped window reads and writes 32-bit registers inside it, nothing outside")
{
    alignas(4) u8 bytes[mmio_window_size] {};
    MappedMmioRegisters registers(bytes, sizeof(bytes));
    registers.write(0x070, 0x0102'0304);
    CHECK(registers.read(0x070) == 0x0102'0304);
    CHECK(bytes[0x070] == 0x04);
    registers.write(mmio_window_size, 1);
    registers.write(0x071, 1); /* unaligned */
    CHECK(registers.read(mmio_window_size) == 0);
    CHECK(registers.read(0xffff'fffc) == 0);
    CHECK(registers.read(0x070) == 0x0102'0304);
}
