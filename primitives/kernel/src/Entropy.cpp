/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The kernel's entropy pool (vectra/kernel/Entropy.h, ADR 0025 §3): BLAKE2s-256 as RFC 7693
 * writes it, the pool that absorbs through it, and the entropy_feed call.
 */

#include <vectra/Try.h>
#include <vectra/kernel/Entropy.h>
#include <vectra/platform/Platform.h>

namespace vectra {

namespace {

constexpr u32 blake2s_iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

constexpr u8 blake2s_sigma[10][16] = {
    { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
    { 14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3 },
    { 11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4 },
    { 7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8 },
    { 9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13 },
    { 2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9 },
    { 12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11 },
    { 13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10 },
    { 6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5 },
    { 10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0 },
};

constexpr u32 rotate_right(u32 value, int count) { return (value >> count) | (value << (32 - count)); }

void wipe(void* memory, usize size)
{
    auto* bytes = static_cast<u8 volatile*>(memory);
    for (usize index = 0; index < size; ++index)
        bytes[index] = 0;
}

class Blake2s {
public:
    explicit Blake2s(std::span<u8 const, 32> key)
    {
        for (usize index = 0; index < 8; ++index)
            m_state[index] = blake2s_iv[index];
        m_state[0] ^= 0x01010000u | (32u << 8) | 32u; /* digest 32 bytes, key 32 bytes, fanout and depth 1 */
        update(key);
        for (usize index = key.size(); index < 64; ++index)
            m_block[m_filled++] = 0;
    }
    ~Blake2s()
    {
        wipe(m_state, sizeof(m_state));
        wipe(m_block, sizeof(m_block));
    }

    void update(std::span<u8 const> input)
    {
        for (u8 byte : input) {
            if (m_filled == 64) {
                m_counter += 64;
                compress(false);
                m_filled = 0;
            }
            m_block[m_filled++] = byte;
        }
    }

    void finish(std::span<u8, 32> digest)
    {
        m_counter += m_filled;
        for (usize index = m_filled; index < 64; ++index)
            m_block[index] = 0;
        compress(true);
        for (usize index = 0; index < 32; ++index)
            digest[index] = static_cast<u8>(m_state[index / 4] >> (8 * (index % 4)));
    }

private:
    void compress(bool last)
    {
        u32 message[16];
        for (usize index = 0; index < 16; ++index)
            message[index] = u32(m_block[4 * index]) | (u32(m_block[4 * index + 1]) << 8)
                | (u32(m_block[4 * index + 2]) << 16) | (u32(m_block[4 * index + 3]) << 24);
        u32 work[16];
        for (usize index = 0; index < 8; ++index) {
            work[index] = m_state[index];
            work[index + 8] = blake2s_iv[index];
        }
        work[12] ^= static_cast<u32>(m_counter);
        work[13] ^= static_cast<u32>(m_counter >> 32);
        if (last)
            work[14] = ~work[14];
        auto mix = [&](usize a, usize b, usize c, usize d, u32 x, u32 y) {
            work[a] = work[a] + work[b] + x;
            work[d] = rotate_right(work[d] ^ work[a], 16);
            work[c] = work[c] + work[d];
            work[b] = rotate_right(work[b] ^ work[c], 12);
            work[a] = work[a] + work[b] + y;
            work[d] = rotate_right(work[d] ^ work[a], 8);
            work[c] = work[c] + work[d];
            work[b] = rotate_right(work[b] ^ work[c], 7);
        };
        for (auto const& sigma : blake2s_sigma) {
            mix(0, 4, 8, 12, message[sigma[0]], message[sigma[1]]);
            mix(1, 5, 9, 13, message[sigma[2]], message[sigma[3]]);
            mix(2, 6, 10, 14, message[sigma[4]], message[sigma[5]]);
            mix(3, 7, 11, 15, message[sigma[6]], message[sigma[7]]);
            mix(0, 5, 10, 15, message[sigma[8]], message[sigma[9]]);
            mix(1, 6, 11, 12, message[sigma[10]], message[sigma[11]]);
            mix(2, 7, 8, 13, message[sigma[12]], message[sigma[13]]);
            mix(3, 4, 9, 14, message[sigma[14]], message[sigma[15]]);
        }
        for (usize index = 0; index < 8; ++index)
            m_state[index] ^= work[index] ^ work[index + 8];
        wipe(message, sizeof(message));
        wipe(work, sizeof(work));
    }

    u32 m_state[8] {};
    u8 m_block[64] {};
    usize m_filled { 0 };
    u64 m_counter { 0 };
};

/* Domain labels: an output block, the next key, an input absorbed. */
constexpr u8 label_output = 'o';
constexpr u8 label_next = 'n';
constexpr u8 label_mix = 'm';

void little_endian(u64 value, u8 (&into)[8])
{
    for (usize index = 0; index < 8; ++index)
        into[index] = static_cast<u8>(value >> (8 * index));
}

EntropyPool s_pool;

}

void blake2s_keyed(std::span<u8 const, 32> key, std::initializer_list<std::span<u8 const>> inputs, std::span<u8, 32> digest)
{
    Blake2s hash(key);
    for (auto input : inputs)
        hash.update(input);
    hash.finish(digest);
}

u32 EntropyPool::mix(std::span<u8 const> input, usize credit)
{
    u8 label[1] = { label_mix };
    u8 generation[8];
    little_endian(m_generation++, generation);
    u8 length[8];
    little_endian(input.size(), length);
    blake2s_keyed(m_key, { label, generation, length, input }, m_key);
    usize given = credit < input.size() ? credit : input.size();
    u32 added = given < maximum_credit_per_feed ? static_cast<u32>(given) : maximum_credit_per_feed;
    m_credited = maximum_credit - m_credited < added ? maximum_credit : m_credited + added;
    return added;
}

usize EntropyPool::extract(std::span<u8> output)
{
    if (!ready())
        return 0;
    u8 generation[8];
    little_endian(m_generation++, generation);
    u8 label[1] = { label_output };
    u8 block[32];
    for (u64 index = 0; index * 32 < output.size(); ++index) {
        u8 counter[8];
        little_endian(index, counter);
        blake2s_keyed(m_key, { label, generation, counter }, block);
        usize offset = index * 32;
        usize count = output.size() - offset < 32 ? output.size() - offset : 32;
        for (usize byte = 0; byte < count; ++byte)
            output[offset + byte] = block[byte];
    }
    /* Fast key erasure: the key that made this output is gone before the output is returned. */
    u8 next[1] = { label_next };
    blake2s_keyed(m_key, { next, generation }, block);
    for (usize index = 0; index < 32; ++index)
        m_key[index] = block[index];
    wipe(block, sizeof(block));
    return output.size();
}

namespace kernel {

EntropyPool& entropy_pool() { return s_pool; }

u32 entropy_boot()
{
    u8 bytes[EntropyPool::maximum_credit_per_feed];
    usize gathered = platform::entropy(bytes, sizeof(bytes));
    if (gathered > sizeof(bytes))
        gathered = sizeof(bytes);
    u32 credited = s_pool.mix(std::span<u8 const>(bytes, gathered), gathered);
    wipe(bytes, sizeof(bytes));
    return credited;
}

usize entropy_extract(std::span<u8> output)
{
    if (!s_pool.ready())
        return 0;
    /* The hardware source, when there is one, adds to every extract without being credited again. */
    u8 fresh[32];
    usize gathered = platform::entropy(fresh, sizeof(fresh));
    if (gathered > 0)
        s_pool.mix(std::span<u8 const>(fresh, gathered < sizeof(fresh) ? gathered : sizeof(fresh)), 0);
    wipe(fresh, sizeof(fresh));
    return s_pool.extract(output);
}

}

ErrorOr<u32> entropy_feed(CapabilitySpace const& space, DeviceCap const& source, std::span<u8 const> bytes, usize credit)
{
    if (TRY(space.lookup(source, 0))->kind() != Device::Kind::Entropy)
        return Error(ErrorCode::WrongClass, "the DeviceCap names a device that is not an EntropySource");
    TRY(space.lookup(source, RightWrite));
    if (bytes.size() > EntropyPool::maximum_feed)
        return Error(ErrorCode::TooLarge, "one feed carries at most 256 bytes");
    return s_pool.mix(bytes, credit);
}

}
