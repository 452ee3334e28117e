/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/Try.h>
#include <vectra/kernel/Reticle.h>
#include <vfsd/RamFilesystem.h>
#include <vfsd/Router.h>

namespace vectra::test {

/* `bytes` of a test Reticle, 64-byte aligned, as a service's memory object would be mapped. */
inline ErrorOr<std::span<u8>> placed(Reticle& reticle, usize bytes)
{
    void* memory = TRY(reticle.try_retype(bytes, 64));
    return std::span<u8>(static_cast<u8*>(memory), bytes);
}

/* A RamFilesystem in memory retyped from a test Reticle, as vfsd places it in its memory object. */
inline ErrorOr<vfs::RamFilesystem*> place_filesystem(Reticle& reticle, u32 nodes, u32 blocks)
{
    auto memory = TRY(placed(reticle, vfs::RamFilesystem::bytes_needed(nodes, blocks)));
    return vfs::RamFilesystem::try_create(memory, nodes, blocks);
}

/* A mount table with `root` at `/`, as create_service makes it. */
inline vfs::Router routed(vfs::Backend& root)
{
    vfs::Router router;
    MUST(router.mount(Path::root(), root));
    return router;
}

}
