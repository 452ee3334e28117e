/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * lwIP's Internet checksum, ours (LWIP_CHKSUM and LWIP_CHKSUM_COPY in lwipopts.h): the ones'
 * complement sum of RFC 1071 over 16-bit words paired from the data's first byte, returned as
 * lwIP's own algorithm 2 returns it (the sum of native-order words, folded, not inverted).
 *
 * With LWIP_CHECKSUM_ON_COPY, tcp_write sums the bytes while it copies them into a segment
 * (vectra_lwip_checksum_copy) and tcp_output_segment then sums only the header: every byte netd
 * sends is read once instead of twice. Both load eight bytes at a time and add them to a 64-bit
 * ones' complement sum (the carry out of each add added back in: RFC 1071 §2(C)'s end-around carry
 * on wider words), where lwIP's own loop loads two bytes at a time: under QEMU's TCG the guest
 * instructions per byte are what a MiB served costs.
 * Compiled with the port (C, gnu99).
 */

#include <stddef.h>
#include <stdint.h>

/* A 64-bit ones' complement add: the carry out of the top bit comes back in at the bottom. */
static inline uint64_t add_word(uint64_t sum, uint64_t word)
{
    sum += word;
    return sum + (sum < word);
}

/* 64 to 16 bits: wider words fold to the same sum (RFC 1071 §2(B): byte-order and word-size independence). */
static inline unsigned short fold(uint64_t sum)
{
    sum = (sum & 0xffffffffu) + (sum >> 32);
    sum = (sum & 0xffffu) + (sum >> 16);
    sum = (sum & 0xffffu) + (sum >> 16);
    sum = (sum & 0xffffu) + (sum >> 16);
    return (unsigned short)sum;
}

/*
 * The next `width` bytes (at most 8; a constant once inlined) of *from as a little-endian value,
 * copied to *to on the way when it is not null; both move past them.
 */
static inline __attribute__((always_inline)) uint64_t take(unsigned char** to, unsigned char const** from, size_t width)
{
    uint64_t value = 0;
    __builtin_memcpy(&value, *from, width);
    if (*to) {
        __builtin_memcpy(*to, &value, width);
        *to += width;
    }
    *from += width;
    return value;
}

/*
 * Sums `length` bytes of `from` and, when `to` is not null, copies them there on the way. Blocks of
 * 64 bytes are added as one carry chain (__builtin_addcll: add, then add-with-carry, on x86_64 and
 * AArch64 alike), the chain's last carry counted apart and added back in at the end. Inlined into
 * both callers, so the sum alone carries none of the copy's branches.
 */
static inline __attribute__((always_inline)) unsigned short sum_and_copy(unsigned char* to, unsigned char const* from, size_t length)
{
    uint64_t sum = 0;
    uint64_t carries = 0;
    while (length >= 64) {
        uint64_t words[8];
        __builtin_memcpy(words, from, sizeof(words));
        if (to) {
            __builtin_memcpy(to, words, sizeof(words));
            to += 64;
        }
        unsigned long long carry = 0;
        for (int index = 0; index < 8; ++index)
            sum = __builtin_addcll(sum, words[index], carry, &carry);
        carries += carry;
        from += 64;
        length -= 64;
    }
    while (length >= 8) {
        sum = add_word(sum, take(&to, &from, 8));
        length -= 8;
    }
    /*
     * The last 0..7 bytes, at an even offset, placed as a little-endian load would place them (both
     * architectures are little-endian): fixed-size moves, not a memcpy call of a variable length. A
     * last odd byte pairs with a zero byte after it, in memory order.
     */
    uint64_t tail = 0;
    unsigned shift = 0;
    if (length & 4) {
        tail = take(&to, &from, 4);
        shift = 32;
    }
    if (length & 2) {
        tail |= take(&to, &from, 2) << shift;
        shift += 16;
    }
    if (length & 1)
        tail |= take(&to, &from, 1) << shift;
    return fold(add_word(add_word(sum, tail), carries));
}

unsigned short vectra_lwip_checksum(void const* data, int length)
{
    return sum_and_copy(NULL, (unsigned char const*)data, length > 0 ? (size_t)length : 0);
}

unsigned short vectra_lwip_checksum_copy(void* destination, void const* source, unsigned short length)
{
    return sum_and_copy((unsigned char*)destination, (unsigned char const*)source, length);
}
