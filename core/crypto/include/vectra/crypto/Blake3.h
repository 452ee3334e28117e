/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <array>
#include <span>
#include <string_view>
#include <vectra/Types.h>
#include <vectra/crypto/Secret.h>

namespace vectra::crypto {

/*
 * BLAKE3 through its official C implementation (components/ports/blake3): hash, keyed hash
 * (MAC), key derivation, and extendable output (any length, from any offset).
 */
struct Blake3Digest {
    static constexpr usize size = 32;
    std::array<u8, size> bytes {};
};

class Blake3 {
public:
    static constexpr usize key_size = 32;

    /* Plain hashing. */
    Blake3();
    /* Keyed hashing: a MAC or PRF under a 32-byte key. */
    [[nodiscard]] static Blake3 keyed(Secret<key_size> const& key);
    /*
     * Key derivation: `context` is a hard-coded, globally unique, application-specific string
     * (BLAKE3's rule); feed the key material with update(), then finalize().
     */
    [[nodiscard]] static Blake3 derive_key(std::string_view context);

    Blake3(Blake3 const&) = delete;
    Blake3& operator=(Blake3 const&) = delete;
    Blake3(Blake3&&);
    Blake3& operator=(Blake3&&) = delete;
    ~Blake3();

    void update(std::span<u8 const> input);
    /* The default 32-byte output. The hasher may keep absorbing afterwards. */
    [[nodiscard]] Blake3Digest finalize() const;
    /* Extendable output: output.size() bytes of the output stream, starting at byte `offset`. */
    void finalize(std::span<u8> output, u64 offset = 0) const;

private:
    struct State;
    static constexpr usize state_size = 1920;
    static constexpr usize state_alignment = 8;
    [[nodiscard]] State& state();
    [[nodiscard]] State const& state() const;

    /* blake3_hasher, kept opaque so that users do not need the port's headers. */
    alignas(state_alignment) u8 m_state[state_size];
};

/* One-shot helpers. */
[[nodiscard]] Blake3Digest blake3(std::span<u8 const> input);
[[nodiscard]] Blake3Digest blake3_keyed(Secret<Blake3::key_size> const& key, std::span<u8 const> input);
[[nodiscard]] Secret<32> blake3_derive_key(std::string_view context, std::span<u8 const> key_material);

}
