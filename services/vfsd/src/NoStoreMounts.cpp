/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd_disks built without the store backend: its mount table refuses `store:` entries, so this is never reached.
 */

#include "BlockMounts.h"

namespace vectra::vfs {

bool const store_mounts_built = false;

ErrorOr<void> mount_store(Started&, MountEntry const&, RingCap const&, RingCap const&)
{
    return Error(ErrorCode::Unsupported, "this vfsd_disks was built without the store backend");
}

}
