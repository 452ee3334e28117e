/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a vfsd request. vfsd must answer with a well-formed reply
 * that fits a Ring slot, and never crash; the filesystem persists across inputs, so sequences
 * of requests are explored too.
 */

#include <cstdlib>
#include <vectra/Bytes.h>
#include <vfsd/Server.h>

using namespace vectra;

namespace {

vfs::RamFilesystem& filesystem()
{
    static u8* memory = static_cast<u8*>(std::aligned_alloc(4096, 1 * MiB));
    static Reticle reticle(reinterpret_cast<uptr>(memory), 1 * MiB);
    static vfs::RamFilesystem* instance = MUST(vfs::RamFilesystem::try_create(reticle, 64, 256));
    return *instance;
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    u8 reply[vfs::ring_slot_size - Ring::header_bytes];
    usize length = vfs::handle_request(filesystem(), std::span<u8 const>(data, size), reply);
    VERIFY(length >= vfs::reply_header_size && length <= sizeof(reply));
    ByteReader reader(std::span<u8 const>(reply, length));
    VERIFY((MUST(reader.read<u16>()) & vfs::reply_flag) != 0);
    VERIFY(MUST(reader.read<u16>()) == vfs::protocol_version);
    return 0;
}
