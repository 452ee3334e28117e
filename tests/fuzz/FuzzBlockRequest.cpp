/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a vectra.block request to the hosted block driver's handlers
 * (components/hostblk Driver) over a recording Backend of 2^20 blocks. Besides the dispatch
 * check every protocol gets (DispatchFuzzer.h), whatever reaches the Backend lies on the disk:
 * the driver's Window let nothing past its end, and a refused request touched nothing.
 */

#include "DispatchFuzzer.h"
#include <hostblk/Driver.h>

using namespace vectra;

namespace {

constexpr u64 disk_blocks = u64(1) << 20;

class RecordingBackend final : public hostblk::Backend {
public:
    system::DiskInfo info() const override { return { 512, disk_blocks, false }; }
    ErrorOr<void> read(MemCap const&, u64, u64 first, u32 count) override { return touch(first, count); }
    ErrorOr<void> write(MemCap const&, u64, u64 first, u32 count) override { return touch(first, count); }
    ErrorOr<void> flush() override
    {
        ++calls;
        return {};
    }
    u64 calls { 0 };

private:
    ErrorOr<void> touch(u64 first, u32 count)
    {
        VERIFY(count > 0 && first < disk_blocks && count <= disk_blocks - first);
        ++calls;
        return {};
    }
};

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    RecordingBackend backend;
    hostblk::Driver driver(backend, MemCap());
    auto outcome = test::fuzz_dispatch<block::Protocol>(driver, std::span<u8 const>(data, size));
    if (outcome.refused)
        VERIFY(backend.calls == 0);
    return 0;
}
