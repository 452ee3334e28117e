/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/Error.h>

namespace vectra::block {

/*
 * What a filesystem library asks of a disk (components/fat, components/store): fixed-size
 * sectors, read and written in runs, and a flush that returns once every earlier write is
 * durable. storaged's session client is to implement it in an image; host tests implement it
 * over a file and over memory, and components/hostblk's PowerCut wraps one to cut its power.
 * Spans are whole sectors; a device refuses anything past its end.
 */
class Device {
public:
    [[nodiscard]] virtual u32 sector_size() const = 0;
    [[nodiscard]] virtual u64 sector_count() const = 0;
    [[nodiscard]] virtual ErrorOr<void> read_sectors(u64 first_sector, std::span<u8> into) = 0;
    [[nodiscard]] virtual ErrorOr<void> write_sectors(u64 first_sector, std::span<u8 const> from) = 0;
    [[nodiscard]] virtual ErrorOr<void> flush() = 0;

protected:
    ~Device() = default;
};

}
