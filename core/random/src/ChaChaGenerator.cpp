/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <sodium/crypto_generichash_blake2b.h>
#include <sodium/crypto_stream_chacha20.h>
#include <sodium/utils.h>
#include <vectra/ChaChaGenerator.h>
#include <vectra/Panic.h>

namespace vectra::random {

namespace {

constexpr usize nonce_size = crypto_stream_chacha20_ietf_NONCEBYTES;
static_assert(ChaChaGenerator::key_size == crypto_stream_chacha20_ietf_KEYBYTES);
/* One ChaCha20-IETF call covers at most 2^32 blocks of 64 bytes; stay far below. */
constexpr usize largest_direct_chunk = 1 * GiB;

/* The nonce of refill number `counter`: the counter, little-endian, then zeros. */
void make_nonce(u8 (&nonce)[nonce_size], u64 counter)
{
    for (usize index = 0; index < nonce_size; ++index)
        nonce[index] = index < 8 ? static_cast<u8>(counter >> (8 * index)) : 0;
}

}

ChaChaGenerator::ChaChaGenerator(std::span<u8 const, key_size> seed)
{
    for (usize index = 0; index < key_size; ++index)
        m_key[index] = seed[index];
}

ChaChaGenerator::ChaChaGenerator(ChaChaGenerator&& other)
    : m_block_counter(other.m_block_counter)
    , m_available(other.m_available)
    , m_valid(other.m_valid)
{
    for (usize index = 0; index < key_size; ++index)
        m_key[index] = other.m_key[index];
    for (usize index = 0; index < buffer_size; ++index)
        m_buffer[index] = other.m_buffer[index];
    sodium_memzero(other.m_key, key_size);
    sodium_memzero(other.m_buffer, buffer_size);
    other.m_available = 0;
    other.m_valid = false;
}

ChaChaGenerator::~ChaChaGenerator()
{
    sodium_memzero(m_key, key_size);
    sodium_memzero(m_buffer, buffer_size);
}

void ChaChaGenerator::refill()
{
    u8 nonce[nonce_size];
    make_nonce(nonce, m_block_counter++);
    u8 block[key_size + buffer_size];
    VERIFY(crypto_stream_chacha20_ietf(block, sizeof(block), nonce, m_key) == 0);
    for (usize index = 0; index < key_size; ++index)
        m_key[index] = block[index];
    for (usize index = 0; index < buffer_size; ++index)
        m_buffer[index] = block[key_size + index];
    sodium_memzero(block, sizeof(block));
    m_available = buffer_size;
}

void ChaChaGenerator::serve_from_buffer(std::span<u8> output)
{
    usize offset = 0;
    while (offset < output.size()) {
        if (m_available == 0)
            refill();
        usize take = output.size() - offset < m_available ? output.size() - offset : m_available;
        u8* source = m_buffer + (buffer_size - m_available);
        for (usize index = 0; index < take; ++index)
            output[offset + index] = source[index];
        sodium_memzero(source, take);
        m_available -= take;
        offset += take;
    }
}

void ChaChaGenerator::generate(std::span<u8> output)
{
    VERIFY(m_valid);
    if (output.size() < direct_threshold) {
        serve_from_buffer(output);
        return;
    }
    while (!output.empty()) {
        usize chunk = output.size() < largest_direct_chunk ? output.size() : largest_direct_chunk;
        u8 one_time_key[key_size];
        serve_from_buffer(one_time_key);
        u8 nonce[nonce_size] {};
        VERIFY(crypto_stream_chacha20_ietf(output.data(), chunk, nonce, one_time_key) == 0);
        sodium_memzero(one_time_key, key_size);
        output = output.subspan(chunk);
    }
}

void ChaChaGenerator::reseed(std::span<u8 const> material)
{
    VERIFY(m_valid);
    static constexpr char label[] = "vectra.random.reseed";
    crypto_generichash_blake2b_state state;
    VERIFY(crypto_generichash_blake2b_init(&state, nullptr, 0, key_size) == 0);
    VERIFY(crypto_generichash_blake2b_update(&state, reinterpret_cast<u8 const*>(label), sizeof(label) - 1) == 0);
    VERIFY(crypto_generichash_blake2b_update(&state, m_key, key_size) == 0);
    VERIFY(crypto_generichash_blake2b_update(&state, material.data(), material.size()) == 0);
    VERIFY(crypto_generichash_blake2b_final(&state, m_key, key_size) == 0);
    sodium_memzero(&state, sizeof(state));
    sodium_memzero(m_buffer, buffer_size);
    m_available = 0;
}

}
