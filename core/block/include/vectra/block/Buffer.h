/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The buffer a vectra.block read or write carries, as a driver takes it: the MemCap in the
 * request's slot, checked before the device or the disk sees it (docs/adr/0017-block-layer.md).
 */

#pragma once

#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::block {

/*
 * The MemCap `capabilities` brought, when it can carry `count` blocks of `block_size` bytes from
 * byte `offset`: present, of the memory class, readable, writable too when `filled` (a read
 * fills it), large enough. BufferUnusable, saying which, otherwise.
 */
[[nodiscard]] ErrorOr<MemCap> take_buffer(protocol::MessageCapabilities const& capabilities, bool filled, u64 offset,
    u32 count, u32 block_size);

}
