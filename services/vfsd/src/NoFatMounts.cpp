/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd_disks built without the fat backend: its mount table refuses `fat:` entries, so this is never reached.
 */

#include "BlockMounts.h"

namespace vectra::vfs {

bool const fat_mounts_built = false;

ErrorOr<void> mount_fat(Started&, MountEntry const&, RingCap const&, RingCap const&)
{
    return Error(ErrorCode::Unsupported, "this vfsd_disks was built without the fat backend");
}

}
