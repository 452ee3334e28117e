/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/Types.h>

namespace vectra::crypto {

/* Overwrites memory in a way the compiler may not drop (libsodium's sodium_memzero). */
void secure_zero(void* memory, usize length);

/* Compares equal-length byte strings in time that depends on the length only (sodium_memcmp). */
[[nodiscard]] bool constant_time_equal(std::span<u8 const> left, std::span<u8 const> right);

namespace detail {
struct SecretAccess;
}

/*
 * N bytes of key material. It zeroes itself when destroyed (and when moved from); it cannot be
 * copied (move it, or derive a new one); it has no formatter and converts to nothing, so it
 * cannot end up in a log line by accident. reveal() is the one way to its bytes, and reads like
 * what it does at the call site. Comparison is constant-time.
 */
template<usize N>
class Secret {
public:
    static constexpr usize size = N;

    /* All zeros: an empty slot a key is written into. */
    Secret() = default;

    /* Copies `bytes` in; the caller wipes its own copy. */
    [[nodiscard]] static Secret from_bytes(std::span<u8 const, N> bytes)
    {
        Secret secret;
        for (usize index = 0; index < N; ++index)
            secret.m_bytes[index] = bytes[index];
        return secret;
    }

    Secret(Secret&& other)
    {
        for (usize index = 0; index < N; ++index)
            m_bytes[index] = other.m_bytes[index];
        other.wipe();
    }

    Secret& operator=(Secret&& other)
    {
        if (this != &other) {
            for (usize index = 0; index < N; ++index)
                m_bytes[index] = other.m_bytes[index];
            other.wipe();
        }
        return *this;
    }

    Secret(Secret const&) = delete;
    Secret& operator=(Secret const&) = delete;

    ~Secret() { wipe(); }

    [[nodiscard]] std::span<u8 const, N> reveal() const { return std::span<u8 const, N>(m_bytes, N); }

    [[nodiscard]] bool constant_time_equals(Secret const& other) const
    {
        return constant_time_equal(reveal(), other.reveal());
    }

private:
    friend struct detail::SecretAccess;

    void wipe() { secure_zero(m_bytes, N); }

    alignas(16) u8 m_bytes[N] {};
};

namespace detail {

/* core/crypto's own way to write a key libsodium produces straight into a Secret. */
struct SecretAccess {
    template<usize N>
    [[nodiscard]] static u8* bytes(Secret<N>& secret)
    {
        return secret.m_bytes;
    }
};

}

}
