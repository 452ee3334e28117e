/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/block/Buffer.h>
#include <vectra/block/Window.h>

namespace vectra::block {

ErrorOr<MemCap> take_buffer(protocol::MessageCapabilities const& capabilities, bool filled, u64 offset, u32 count,
    u32 block_size)
{
    if (!capabilities.received)
        return Error(BlockError::BufferUnusable, "no MemCap came with the request");
    auto memory = capabilities.received->as<CapabilityClass::Memory>();
    if (memory.is_error())
        return Error(BlockError::BufferUnusable, "the request carried a capability that is not memory");
    auto described = system::describe(memory.value());
    if (described.is_error() || (described.value().rights & RightRead) == 0
        || (filled && (described.value().rights & RightWrite) == 0))
        return Error(BlockError::BufferUnusable, "the MemCap lacks write (read) or read (write)");
    auto view = system::map_memory_read_only(memory.value());
    if (view.is_error())
        return Error(BlockError::BufferUnusable, "the MemCap cannot be read");
    TRY(check_buffer(offset, count, block_size, view.value().size()));
    return memory.release_value();
}

}
