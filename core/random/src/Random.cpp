/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <sodium/utils.h>
#include <vectra/Random.h>
#include <vectra/ClockAndEntropy.h>

namespace vectra {

namespace random {

namespace {

constexpr int gather_attempts = 4;

/* Material for Standard and Sloppy when the platform gives too little: distinct, not secret. */
void mix_in_clock(std::span<u8> seed)
{
    u64 now = system::monotonic_nanoseconds();
    auto address = reinterpret_cast<uptr>(&now);
    for (usize index = 0; index < seed.size(); ++index)
        seed[index] ^= static_cast<u8>((now >> (8 * (index % 8))) ^ (address >> (8 * ((index + 3) % 8))));
}

}

usize gather_entropy(EntropySource& source, std::span<u8> buffer)
{
    usize gathered = 0;
    for (int attempt = 0; attempt < gather_attempts && gathered < buffer.size(); ++attempt) {
        usize got = source.gather(buffer.subspan(gathered));
        if (got == 0)
            break;
        gathered += got;
    }
    return gathered;
}

/* Every reseed_interval bytes: whatever fresh entropy the source gives now, hashed into the key. */
template<typename Generator>
void reseed_if_due(ChaChaGenerator& generator, EntropySource& source, u64& since_reseed, usize produced)
{
    since_reseed += produced;
    if (since_reseed < Generator::reseed_interval_bytes)
        return;
    since_reseed = 0;
    u8 fresh[32] {};
    usize gathered = gather_entropy(source, fresh);
    if (gathered > 0)
        generator.reseed(std::span<u8 const>(fresh, gathered));
    sodium_memzero(fresh, sizeof(fresh));
}

}

/* ---- Sloppy: xoshiro256** (Blackman and Vigna), state expanded from the seed by SplitMix64 ---- */

namespace {

u64 split_mix(u64& state)
{
    u64 value = (state += 0x9e3779b97f4a7c15ull);
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ull;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebull;
    return value ^ (value >> 31);
}

constexpr u64 rotate_left(u64 value, int count) { return (value << count) | (value >> (64 - count)); }

}

Rng<Confidence::Sloppy>::Rng(u64 seed)
{
    for (auto& word : m_state)
        word = split_mix(seed);
}

Rng<Confidence::Sloppy> Rng<Confidence::Sloppy>::create(EntropySource& source)
{
    u8 seed[8] {};
    if (random::gather_entropy(source, seed) < sizeof(seed))
        random::mix_in_clock(seed);
    u64 value = 0;
    for (usize index = 0; index < sizeof(seed); ++index)
        value |= static_cast<u64>(seed[index]) << (8 * index);
    return Rng(value);
}

u64 Rng<Confidence::Sloppy>::next_u64()
{
    u64 result = rotate_left(m_state[1] * 5, 7) * 9;
    u64 shifted = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= shifted;
    m_state[3] = rotate_left(m_state[3], 45);
    return result;
}

void Rng<Confidence::Sloppy>::fill(std::span<u8> output)
{
    usize offset = 0;
    while (offset < output.size()) {
        u64 word = next_u64();
        for (usize byte = 0; byte < 8 && offset < output.size(); ++byte, ++offset)
            output[offset] = static_cast<u8>(word >> (8 * byte));
    }
}

/* ---- Standard ---- */

Rng<Confidence::Standard>::Rng(std::span<u8 const, 32> seed, EntropySource& source, bool true_entropy)
    : m_generator(seed)
    , m_source(&source)
    , m_true_entropy(true_entropy)
{
}

Rng<Confidence::Standard> Rng<Confidence::Standard>::create(EntropySource& source)
{
    u8 seed[32] {};
    bool true_entropy = random::gather_entropy(source, seed) == sizeof(seed);
    if (!true_entropy)
        random::mix_in_clock(seed);
    Rng generator(std::span<u8 const, 32>(seed), source, true_entropy);
    sodium_memzero(seed, sizeof(seed));
    return generator;
}

void Rng<Confidence::Standard>::fill(std::span<u8> output)
{
    m_generator.generate(output);
    random::reseed_if_due<Rng>(m_generator, *m_source, m_since_reseed, output.size());
}

/* ---- High ---- */

Rng<Confidence::High>::Rng(std::span<u8 const, seed_size> seed, EntropySource& source)
    : m_generator(seed)
    , m_source(&source)
{
}

ErrorOr<Rng<Confidence::High>> Rng<Confidence::High>::create(EntropySource& source)
{
    u8 seed[seed_size] {};
    usize gathered = random::gather_entropy(source, seed);
    if (gathered < seed_size) {
        sodium_memzero(seed, sizeof(seed));
        return Error(ErrorCode::Empty, "High randomness refused: the platform gave fewer than 32 bytes of entropy");
    }
    Rng generator(std::span<u8 const, seed_size>(seed), source);
    sodium_memzero(seed, sizeof(seed));
    return generator;
}

void Rng<Confidence::High>::fill(std::span<u8> output)
{
    m_generator.generate(output);
    random::reseed_if_due<Rng>(m_generator, *m_source, m_since_reseed, output.size());
}

}
