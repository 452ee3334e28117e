/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/block/Buffer.h>
#include <vectra/block/Window.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra::block {

ErrorOr<MemCap> take_buffer(protocol::MessageCapabilities const& capabilities, bool filled, u64 offset, u32 count,
    u32 block_size)
{
    auto lent = endpoint::lent_memory(capabilities.received, filled);
    if (lent.is_error())
        return Error(BlockError::BufferUnusable, lent.error().message());
    TRY(check_buffer(offset, count, block_size, lent.value().size));
    return std::move(lent.value().memory);
}

}
