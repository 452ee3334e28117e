/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a vfsd request. vfsd must answer with a well-formed reply that
 * fits a Ring slot's payload even when handed a larger buffer (as a careless caller might), echo
 * the request id, never crash, and change nothing when it refuses: every byte of the
 * filesystem's memory is compared before and after each refused request. The filesystem
 * persists across inputs, so sequences of requests are explored too.
 */

#include <cstdlib>
#include <cstring>
#include "../services/PlacedFilesystem.h"
#include <vectra/Bytes.h>
#include <vfsd/Server.h>

using namespace vectra;

namespace {

constexpr usize memory_size = 1 * MiB;

u8* memory()
{
    static u8* bytes = static_cast<u8*>(std::aligned_alloc(4096, memory_size));
    return bytes;
}

vfs::RamFilesystem& filesystem()
{
    static Reticle reticle(reinterpret_cast<uptr>(memory()), memory_size);
    static vfs::RamFilesystem* instance = MUST(test::place_filesystem(reticle, 64, 256));
    return *instance;
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    auto& served = filesystem();
    static u8* before = static_cast<u8*>(std::malloc(memory_size));
    memcpy(before, memory(), memory_size);

    /* A buffer larger than a slot's payload: the reply must still fit the payload. */
    u8 reply[vfs::ring_slot_size + 64];
    usize length = vfs::handle_request(served, std::span<u8 const>(data, size), reply);
    VERIFY(length >= vfs::reply_header_size && length <= vfs::message_capacity);
    ByteReader reader(std::span<u8 const>(reply, length));
    u16 type = MUST(reader.read<u16>());
    VERIFY((type & vfs::reply_flag) != 0);
    VERIFY(MUST(reader.read<u16>()) == vfs::protocol_version);
    u32 request_id = MUST(reader.read<u32>());
    auto error = static_cast<ErrorCode>(MUST(reader.read<u16>()));
    if (size >= vfs::request_header_size) {
        u32 sent_id;
        memcpy(&sent_id, data + 4, sizeof(sent_id));
        VERIFY(request_id == sent_id);
    }
    if (error != ErrorCode::None) {
        VERIFY(length == vfs::reply_header_size);
        VERIFY(memcmp(before, memory(), memory_size) == 0);
    } else if (static_cast<vfs::MessageType>(type & ~vfs::reply_flag) == vfs::MessageType::Read) {
        u16 maximum;
        memcpy(&maximum, data + size - sizeof(u16), sizeof(maximum));
        u16 returned = MUST(reader.read<u16>());
        VERIFY(returned <= maximum && returned <= vfs::maximum_read_length);
        VERIFY(reader.remaining() == returned);
    }
    return 0;
}
