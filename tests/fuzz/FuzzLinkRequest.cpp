/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a vectra.link request to the virtio-net driver's dispatch
 * (components/virtionet Link) over two queues in memory. Besides the dispatch check every
 * protocol gets (DispatchFuzzer.h): no capability comes with the bytes, so nothing may reach the
 * device — no chain on either queue, nothing outstanding.
 */

#include "DispatchFuzzer.h"
#include <virtionet/Link.h>

using namespace vectra;

namespace {

class NoDevice final : public virtionet::Device {
public:
    ErrorOr<u64> dma_address(MemCap const&) const override { return Error(ErrorCode::Unsupported, "no device"); }
    void notify(u16) override { ++notified; }
    usize notified { 0 };
};

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    alignas(16) static u8 receive_memory[8192];
    alignas(16) static u8 transmit_memory[8192];
    alignas(16) static u8 headers[virtionet::header_memory_bytes];
    auto receive = MUST(virtio::SplitQueue::create(receive_memory, 64, false));
    auto transmit = MUST(virtio::SplitQueue::create(transmit_memory, 64, false));
    NoDevice device;
    virtio::net::Configuration configuration { { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, true };
    virtionet::Link link(device, receive, transmit, headers, 0x10000, configuration);
    (void)test::fuzz_dispatch<net::link::Protocol>(link, std::span<u8 const>(data, size));
    link.publish();
    VERIFY(device.notified == 0 && receive.in_flight() == 0 && transmit.in_flight() == 0);
    VERIFY(link.receive_posted() == 0 && link.transmit_pending() == 0);
    return 0;
}
