/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a run of vectra.link requests to the virtio-net driver's
 * dispatch (components/virtionet Link) over two queues in memory. The first byte says whether a
 * region is lent first (memory of the target's own, as handle(Lend) adopts a checked MemCap) and
 * how large; then each request is a length byte and that many bytes. Besides the dispatch check
 * every protocol gets (DispatchFuzzer.h): without a lent region nothing may reach the device — no
 * chain on either queue, nothing outstanding; with one, every buffer the device is given lies
 * inside the region (or the driver's own headers), a receive buffer is writable and at least
 * frame_maximum bytes, a frame 14 to frame_maximum bytes and read-only, and no more are
 * outstanding than the limits.
 */

#include "../core/VirtioDeviceModel.h"
#include "DispatchFuzzer.h"
#include <virtionet/Link.h>

using namespace vectra;

namespace {

class NoDevice final : public virtionet::Device {
public:
    ErrorOr<u64> dma_address(MemCap const&) const override { return Error(ErrorCode::Unsupported, "no device"); }
    void notify(u16) override { ++notified; }
    void reset() override { }
    usize notified { 0 };
};

constexpr u64 headers_address = 0x10000;
constexpr u64 region_address = 0x100000;
constexpr u16 frame_maximum = 1514;

/* Every chain the driver made available on `queue` lies where it may, as a device would find it. */
usize check_chains(virtio::test::DeviceModel& queue, u64 region_size, bool receive)
{
    usize chains = 0;
    while (auto chain = queue.take_chain()) {
        VERIFY(chain->descriptors.size() == 2);
        auto const& header = chain->descriptors[0];
        VERIFY(header.address >= headers_address && header.address + header.length <= headers_address + virtionet::header_memory_bytes);
        auto const& buffer = chain->descriptors[1];
        VERIFY(buffer.address >= region_address && buffer.address - region_address <= region_size
            && buffer.length <= region_size - (buffer.address - region_address));
        bool writes = (buffer.flags & virtio::descriptor_device_writes) != 0;
        VERIFY(writes == receive);
        if (receive)
            VERIFY(buffer.length >= frame_maximum);
        else
            VERIFY(buffer.length >= 14 && buffer.length <= frame_maximum);
        ++chains;
    }
    return chains;
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    alignas(16) static u8 receive_memory[8192];
    alignas(16) static u8 transmit_memory[8192];
    alignas(16) static u8 headers[virtionet::header_memory_bytes];
    __builtin_memset(receive_memory, 0, sizeof(receive_memory));
    __builtin_memset(transmit_memory, 0, sizeof(transmit_memory));
    auto receive = MUST(virtio::SplitQueue::create(receive_memory, 64, false));
    auto transmit = MUST(virtio::SplitQueue::create(transmit_memory, 64, false));
    virtio::test::DeviceModel receive_device(nullptr, receive_memory, receive.layout(), false);
    virtio::test::DeviceModel transmit_device(nullptr, transmit_memory, transmit.layout(), false);
    NoDevice device;
    virtio::net::Configuration configuration { { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, true };
    virtionet::Link link(device, receive, transmit, headers, headers_address, configuration);

    std::span<u8 const> input(data, size);
    u64 region_size = 0;
    if (!input.empty()) {
        /* 0: nothing lent; otherwise that many KiB (up to 255), or 2^64 - 1 bytes for 255. */
        u8 choice = input[0];
        input = input.subspan(1);
        if (choice != 0) {
            region_size = choice == 255 ? ~u64(0) - region_address : u64(choice) * 1024;
            VERIFY(!link.adopt(virtionet::LentRegion { std::nullopt, region_size, region_address }).is_error());
        }
    }
    while (!input.empty()) {
        usize length = input[0] < input.size() - 1 ? input[0] : input.size() - 1;
        (void)test::fuzz_dispatch<net::link::Protocol>(link, input.subspan(1, length));
        input = input.subspan(1 + length);
    }
    link.publish();
    if (region_size == 0) {
        VERIFY(device.notified == 0 && receive.in_flight() == 0 && transmit.in_flight() == 0);
        VERIFY(link.receive_posted() == 0 && link.transmit_pending() == 0);
        return 0;
    }
    auto info = link.info();
    VERIFY(link.receive_posted() <= info.receive_limit && link.transmit_pending() <= info.transmit_limit);
    VERIFY(check_chains(receive_device, region_size, true) == link.receive_posted());
    VERIFY(check_chains(transmit_device, region_size, false) == link.transmit_pending());
    return 0;
}
