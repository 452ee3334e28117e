/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Try.h>
#include <vectra/kernel/Reticle.h>
#include <vfsd/RamFilesystem.h>

namespace vectra::test {

/* A RamFilesystem in memory retyped from a test Reticle, as vfsd places it in its memory object. */
inline ErrorOr<vfs::RamFilesystem*> place_filesystem(Reticle& reticle, u32 nodes, u32 blocks)
{
    usize bytes = vfs::RamFilesystem::bytes_needed(nodes, blocks);
    void* memory = TRY(reticle.try_retype(bytes, 64));
    return vfs::RamFilesystem::try_create({ static_cast<u8*>(memory), bytes }, nodes, blocks);
}

}
