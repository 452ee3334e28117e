/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/block/Device.h>

namespace vectra::fat {

/* What the FAT32 library asks of a disk: core/block's Device (sectors, runs, flush). */
using BlockDevice = block::Device;

}
