/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a request of a vfsd session (the declared vectra.vfs dispatch).
 * Besides what every declared protocol's dispatch is held to (DispatchFuzzer.h), a refused
 * request changes nothing: every byte of the filesystem's and the session's memory is compared
 * before and after. The filesystem and session persist across inputs, so sequences of requests
 * (open files included) are explored too.
 */

#include "DispatchFuzzer.h"
#include <cstdlib>
#include <cstring>
#include "../services/PlacedFilesystem.h"
#include <vectra/Bytes.h>

#include <new>
#include <vfsd/Server.h>

using namespace vectra;

namespace {

constexpr usize memory_size = 1 * MiB;

u8* memory()
{
    static u8* bytes = static_cast<u8*>(std::aligned_alloc(4096, memory_size));
    return bytes;
}

/* The session's handler lives inside the compared memory too. */
vfs::SessionHandler& handler()
{
    static Reticle reticle(reinterpret_cast<uptr>(memory()), memory_size);
    static vfs::SessionHandler* instance = [] {
        auto* filesystem = MUST(test::place_filesystem(reticle, 64, 256));
        /* Two mounts, so requests are routed (and refused across mounts) as vfsd does. */
        auto* second = MUST(test::place_filesystem(reticle, 16, 32));
        auto* router = new (MUST(reticle.try_retype(sizeof(vfs::Router), alignof(vfs::Router)))) vfs::Router();
        MUST(router->mount(Path::root(), *filesystem));
        MUST(router->mount(MUST(Path::root().try_join("m")), *second));
        void* storage = MUST(reticle.try_retype(sizeof(vfs::SessionHandler), alignof(vfs::SessionHandler)));
        return new (storage) vfs::SessionHandler(*router);
    }();
    return *instance;
}

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    auto& session = handler();
    static u8* before = static_cast<u8*>(std::malloc(memory_size));
    memcpy(before, memory(), memory_size);
    auto outcome = test::fuzz_dispatch<vfs::Protocol>(session, std::span<u8 const>(data, size));
    if (outcome.refused)
        VERIFY(memcmp(before, memory(), memory_size) == 0);
    return 0;
}
