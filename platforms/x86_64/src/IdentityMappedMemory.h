/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Physical memory as the ACPI reader sees it on the machine: the identity map boot.S built, in
 * which every address below 4 GiB reads as itself.
 */

#pragma once

#include "Acpi.h"
#include "Paging.h"

namespace vectra::x86_64 {

class IdentityMappedMemory final : public acpi::PhysicalMemory {
public:
    std::span<u8 const> read(u64 address, u64 length) const override
    {
        if (address == 0 || address >= paging::mapped_end || length > paging::mapped_end - address)
            return {};
        return { reinterpret_cast<u8 const*>(static_cast<uptr>(address)), static_cast<usize>(length) };
    }
};

}
