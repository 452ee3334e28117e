/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <vectra/Try.h>
#include <vectra/fat/Volume.h>

/* What the volume's source files share: cycle detection and reading entries back as statuses. */
namespace vectra::fat {

/*
 * Brent's cycle detection over a cluster chain: a chain that returns to a cluster it passed is
 * found within about twice its length, in constant memory.
 */
class LoopDetector {
public:
    [[nodiscard]] ErrorOr<void> step(u32 cluster)
    {
        if (cluster == m_saved)
            return Error(FatError::Corrupt, "cluster chain loops");
        if (++m_length == m_power) {
            m_saved = cluster;
            m_power *= 2;
            m_length = 0;
        }
        return {};
    }

private:
    u32 m_saved { 0 };
    u64 m_power { 1 };
    u64 m_length { 0 };
};

inline Timestamp decode_timestamp(u16 date, u16 time)
{
    return { u16(1980 + (date >> 9)), u8((date >> 5) & 15), u8(date & 31), u8(time >> 11), u8((time >> 5) & 63),
        u8((time & 31) * 2) };
}

inline Status status_of(ShortEntry const& entry)
{
    Status status;
    status.kind = entry.is_directory() ? Kind::Directory : Kind::File;
    status.size = entry.is_directory() ? 0 : entry.size;
    status.created = decode_timestamp(entry.created_date, entry.created_time);
    status.modified = decode_timestamp(entry.modified_date, entry.modified_time);
    return status;
}

inline constexpr ShortName dot_name = { '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ' };
inline constexpr ShortName dot_dot_name = { '.', '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ' };

}
