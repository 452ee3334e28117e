/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra::crypto {

/*
 * Argon2id version 1.3 (RFC 9106) as libsodium offers it: one lane (parallelism 1), a 16-byte
 * salt, no secret and no associated data. The memory it fills comes from the caller.
 */
struct Argon2Parameters {
    u32 passes { 3 }; /* t: at least 1 */
    u32 memory_kib { 64 }; /* m: at least 8 KiB, in KiB */
};

constexpr usize argon2_salt_size = 16;
constexpr usize argon2_minimum_output = 16;

/*
 * Bytes of work memory argon2id() needs for `parameters`: the m KiB of blocks plus libsodium's
 * bookkeeping (the block index table and alignment).
 */
[[nodiscard]] constexpr usize argon2id_work_memory_size(Argon2Parameters parameters)
{
    usize blocks = parameters.memory_kib * KiB;
    return blocks + blocks / 256 + 4 * KiB;
}

/*
 * Derives output.size() bytes (at least 16) from `password` and `salt`. On bare metal
 * libsodium's allocations come from `work_memory`, which is wiped afterwards; on the hosted
 * platform Debian's libsodium allocates itself, but the same sizes are demanded so every
 * platform refuses alike. Refusals (InvalidArgument unless said): output shorter than 16 bytes,
 * passes 0, memory below 8 KiB, work memory shorter than argon2id_work_memory_size (Full).
 */
[[nodiscard]] ErrorOr<void> argon2id(std::span<u8> output, std::span<u8 const> password,
    std::span<u8 const, argon2_salt_size> salt, Argon2Parameters parameters, std::span<u8> work_memory);

}
