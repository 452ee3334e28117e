/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <vectra/Types.h>

namespace vectra::random {

/*
 * The deterministic random bit generator behind Rng<Standard> and Rng<High>: ChaCha20 (libsodium's
 * crypto_stream_chacha20_ietf) keyed by a 256-bit seed, with fast key erasure — every refill of
 * the 512-byte buffer first replaces the key with the keystream's first 32 bytes, and served
 * bytes are wiped from the buffer, so a later state compromise does not reveal earlier output.
 * Large requests are streamed straight into the caller's buffer under a one-time key drawn from
 * the generator. Reseeding hashes the key with new material (BLAKE2b-256). Same seed, same
 * output: the generator itself knows nothing about where its seed came from.
 */
class ChaChaGenerator {
public:
    static constexpr usize key_size = 32;
    static constexpr usize buffer_size = 512;
    /* Requests at least this long are streamed directly under a one-time key. */
    static constexpr usize direct_threshold = 4096;

    explicit ChaChaGenerator(std::span<u8 const, key_size> seed);
    ~ChaChaGenerator();
    ChaChaGenerator(ChaChaGenerator const&) = delete;
    ChaChaGenerator& operator=(ChaChaGenerator const&) = delete;
    /* Moving transfers the state and wipes the source, which may not generate again. */
    ChaChaGenerator(ChaChaGenerator&& other);
    ChaChaGenerator& operator=(ChaChaGenerator&&) = delete;

    void generate(std::span<u8> output);
    /* New key = BLAKE2b-256("vectra.random.reseed" ‖ key ‖ material); the buffer is discarded. */
    void reseed(std::span<u8 const> material);

private:
    void refill();
    void serve_from_buffer(std::span<u8> output);

    u8 m_key[key_size] {};
    u64 m_block_counter { 0 };
    u8 m_buffer[buffer_size] {};
    usize m_available { 0 };
    bool m_valid { true };
};

}
