/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: the virtio-mmio transport against a hostile device whose every register
 * read answers with the next bytes of the input. The transport must refuse or carry on —
 * never read past a value, loop without bound (its reset wait is bounded) or accept a queue size
 * the device did not allow.
 */

#include <vectra/Panic.h>
#include <vectra/virtio/MmioTransport.h>
#include <vectra/virtio/ModernTransport.h>

using namespace vectra;
using namespace vectra::virtio;

namespace {

class HostileWindow final : public MmioRegisters {
public:
    HostileWindow(u8 const* data, usize size)
        : m_data(data)
        , m_size(size)
    {
    }
    u32 read(u32 offset) override
    {
        if (m_at >= m_size)
            return offset == 0x070 ? 0 : 0xffff'ffff; /* out of input: the reset finishes, the rest is all ones */
        u32 value = 0;
        for (usize byte = 0; byte < 4 && m_at < m_size; ++byte)
            value |= u32(m_data[m_at++]) << (8 * byte);
        return value;
    }
    void write(u32, u32) override { }

private:
    u8 const* m_data;
    usize m_size;
    usize m_at { 0 };
};

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    HostileWindow window(data, size);
    auto transport = MmioTransport::create(window);
    if (transport.is_error())
        return 0;
    auto accepted = transport.value().negotiate(feature_event_index);
    if (!accepted.is_error())
        VERIFY((accepted.value() & ~(feature_version_1 | feature_event_index)) == 0);
    for (u16 index = 0; index < 3; ++index) {
        auto maximum = transport.value().maximum_queue_size(index);
        if (!maximum.is_error())
            VERIFY(maximum.value() != 0 && maximum.value() <= 0x8000);
        (void)transport.value().set_up_queue(index, 8, 0x1000, 0x2000, 0x3000);
        transport.value().notify(index);
    }
    transport.value().acknowledge_interrupt(transport.value().interrupt_status());
    transport.value().driver_ok();
    return 0;
}
