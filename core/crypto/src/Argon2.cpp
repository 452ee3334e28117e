/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <sodium/crypto_pwhash_argon2id.h>
#include <vectra/crypto/Argon2.h>
#include <vectra/libc/Libc.h>

namespace vectra::crypto {

static_assert(crypto_pwhash_argon2id_SALTBYTES == argon2_salt_size);
static_assert(crypto_pwhash_argon2id_BYTES_MIN == argon2_minimum_output);

ErrorOr<void> argon2id(std::span<u8> output, std::span<u8 const> password, std::span<u8 const, argon2_salt_size> salt,
    Argon2Parameters parameters, std::span<u8> work_memory)
{
    if (output.size() < argon2_minimum_output)
        return Error(ErrorCode::InvalidArgument, "Argon2id output shorter than 16 bytes");
    if (parameters.passes < crypto_pwhash_argon2id_OPSLIMIT_MIN)
        return Error(ErrorCode::InvalidArgument, "Argon2id needs at least one pass");
    if (static_cast<u64>(parameters.memory_kib) * KiB < crypto_pwhash_argon2id_MEMLIMIT_MIN)
        return Error(ErrorCode::InvalidArgument, "Argon2id needs at least 8 KiB of memory");
    if (work_memory.size() < argon2id_work_memory_size(parameters))
        return Error(ErrorCode::Full, "work memory shorter than argon2id_work_memory_size()");

    /* On bare metal libsodium's malloc() draws from here; the arena is wiped when it ends. */
    libc::ScopedAllocationArena arena(work_memory);
    int result = crypto_pwhash_argon2id(output.data(), output.size(), reinterpret_cast<char const*>(password.data()),
        password.size(), salt.data(), parameters.passes, static_cast<usize>(parameters.memory_kib) * KiB,
        crypto_pwhash_argon2id_ALG_ARGON2ID13);
    if (result != 0)
        return Error(ErrorCode::OutOfMemory, "Argon2id failed: its memory could not be allocated");
    return {};
}

}
