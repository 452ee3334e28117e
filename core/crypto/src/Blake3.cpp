/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <blake3.h>
#include <new>
#include <vectra/crypto/Blake3.h>

namespace vectra::crypto {

struct Blake3::State : blake3_hasher { };

static_assert(
    sizeof(blake3_hasher) <= 1920 && alignof(blake3_hasher) <= 8, "Blake3::m_state must hold the port's blake3_hasher");

Blake3::State& Blake3::state() { return *std::launder(reinterpret_cast<State*>(m_state)); }
Blake3::State const& Blake3::state() const { return *std::launder(reinterpret_cast<State const*>(m_state)); }

Blake3::Blake3()
{
    new (m_state) State;
    blake3_hasher_init(&state());
}

Blake3 Blake3::keyed(Secret<key_size> const& key)
{
    Blake3 hasher;
    blake3_hasher_init_keyed(&hasher.state(), key.reveal().data());
    return hasher;
}

Blake3 Blake3::derive_key(std::string_view context)
{
    Blake3 hasher;
    blake3_hasher_init_derive_key_raw(&hasher.state(), context.data(), context.size());
    return hasher;
}

Blake3::Blake3(Blake3&& other)
{
    new (m_state) State(other.state());
    secure_zero(other.m_state, sizeof(other.m_state));
    blake3_hasher_init(&other.state());
}

Blake3::~Blake3() { secure_zero(m_state, sizeof(m_state)); }

void Blake3::update(std::span<u8 const> input) { blake3_hasher_update(&state(), input.data(), input.size()); }

Blake3Digest Blake3::finalize() const
{
    Blake3Digest digest;
    blake3_hasher_finalize(&state(), digest.bytes.data(), digest.bytes.size());
    return digest;
}

void Blake3::finalize(std::span<u8> output, u64 offset) const
{
    blake3_hasher_finalize_seek(&state(), offset, output.data(), output.size());
}

Blake3Digest blake3(std::span<u8 const> input)
{
    Blake3 hasher;
    hasher.update(input);
    return hasher.finalize();
}

Blake3Digest blake3_keyed(Secret<Blake3::key_size> const& key, std::span<u8 const> input)
{
    auto hasher = Blake3::keyed(key);
    hasher.update(input);
    return hasher.finalize();
}

Secret<32> blake3_derive_key(std::string_view context, std::span<u8 const> key_material)
{
    auto hasher = Blake3::derive_key(context);
    hasher.update(key_material);
    Secret<32> key;
    hasher.finalize(std::span<u8>(detail::SecretAccess::bytes(key), 32));
    return key;
}

}
