/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * lwIP's Internet checksum (LWIP_CHKSUM in lwipopts.h): the ones' complement sum of RFC 1071 over
 * 16-bit words paired from the data's first byte, as lwIP's own algorithm 2 returns it (the sum of
 * native-order words, not inverted). lwIP's loads and adds one 16-bit word at a time; under QEMU's
 * TCG every guest load is a translated memory access, so this one loads eight bytes at a time and
 * adds their two 32-bit halves to a 64-bit sum (no carry to propagate until the fold): a quarter
 * of the loads over every byte netd sends and receives. Ours, compiled with the port (C, gnu99).
 */

#include <stddef.h>
#include <stdint.h>

unsigned short vectra_lwip_checksum(void const* data, int length)
{
    unsigned char const* bytes = (unsigned char const*)data;
    size_t remaining = length > 0 ? (size_t)length : 0;
    uint64_t sum = 0;
    /* Each 32-bit half adds below 2^32: the sum cannot overflow for any int length. */
    while (remaining >= 32) {
        uint64_t words[4];
        __builtin_memcpy(words, bytes, sizeof(words));
        sum += (words[0] & 0xffffffffu) + (words[0] >> 32) + (words[1] & 0xffffffffu) + (words[1] >> 32);
        sum += (words[2] & 0xffffffffu) + (words[2] >> 32) + (words[3] & 0xffffffffu) + (words[3] >> 32);
        bytes += 32;
        remaining -= 32;
    }
    while (remaining >= 4) {
        uint32_t word;
        __builtin_memcpy(&word, bytes, sizeof(word));
        sum += word;
        bytes += 4;
        remaining -= 4;
    }
    if (remaining >= 2) {
        uint16_t half;
        __builtin_memcpy(&half, bytes, sizeof(half));
        sum += half;
        bytes += 2;
        remaining -= 2;
    }
    if (remaining == 1) {
        uint16_t last = 0; /* the last byte pairs with a zero byte after it, in memory order */
        __builtin_memcpy(&last, bytes, 1);
        sum += last;
    }
    /* Wider words fold to the same 16-bit sum (RFC 1071 §2(B): byte-order and word-size independence). */
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (unsigned short)sum;
}
