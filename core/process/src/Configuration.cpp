/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Configuration.h>
#include <vectra/System.h>
#include <vectra/Try.h>

namespace vectra {

ErrorOr<std::span<u8 const>> take_slot_message(Bundle& bundle, std::string_view slot_name)
{
    auto memory = TRY(bundle.take<MemCap>(slot_name));
    auto bytes = TRY(system::map_memory_read_only(memory));
    if (bytes.size() < encoding::binary_header_size)
        return Error(ErrorCode::MalformedMessage, "the slot's memory is too small for a message header");
    u32 body = u32(bytes[2]) | u32(bytes[3]) << 8 | u32(bytes[4]) << 16 | u32(bytes[5]) << 24;
    if (body > bytes.size() - encoding::binary_header_size)
        return Error(ErrorCode::MalformedMessage, "the message claims more bytes than the slot's memory holds");
    return bytes.first(encoding::binary_header_size + body);
}

}
