/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What libvterm is fed of a program's output: well-formed UTF-8 only, each character whole. A
 * sequence cut by a write's end waits here for the rest; every ill-formed piece (a stray
 * continuation byte, a lead byte whose sequence stops early, an overlong form, a surrogate, a
 * value past U+10FFFF, 0xC0/0xC1/0xF5…0xFF) becomes U+FFFD, one per maximal ill-formed subpart as
 * Unicode recommends (§3.9). libvterm 0.1.4's decoder writes one code point past its buffer when a
 * sequence left incomplete by an earlier piece of text meets an ASCII byte, and lets 5- and 6-byte
 * forms through as values past U+10FFFF: with this filter in front it never sees either.
 */

#pragma once

#include <span>
#include <vectra/Types.h>

namespace vectra::terminal {

class Utf8Filter {
public:
    /* Calls `sink(std::span<u8>)` with the filtered bytes (the sink may change them in place), in pieces of at most 264. */
    template<typename Sink>
    void feed(std::span<u8 const> bytes, Sink&& sink)
    {
        u8 out[256 + 8];
        usize length = 0;
        auto emit = [&](u8 const* piece, usize count) {
            for (usize index = 0; index < count; ++index)
                out[length++] = piece[index];
            if (length >= 256) {
                sink(std::span<u8>(out, length));
                length = 0;
            }
        };
        for (u8 byte : bytes)
            step(byte, emit);
        if (length)
            sink(std::span<u8>(out, length));
    }

    /* Bytes of an unfinished character held for the next feed. */
    [[nodiscard]] usize pending() const { return m_length; }

private:
    static constexpr u8 replacement[3] = { 0xEF, 0xBF, 0xBD };

    template<typename Emit>
    void step(u8 byte, Emit& emit)
    {
        if (m_length > 0) {
            if (byte >= m_low && byte <= m_high) {
                m_bytes[m_length++] = byte;
                m_low = 0x80;
                m_high = 0xBF;
                if (m_length == m_needed) {
                    emit(m_bytes, m_length);
                    m_length = 0;
                }
                return;
            }
            /* The sequence stops early: its maximal subpart is one U+FFFD; the byte starts afresh. */
            emit(replacement, sizeof(replacement));
            m_length = 0;
        }
        if (byte < 0x80) {
            emit(&byte, 1);
            return;
        }
        if (!start(byte)) {
            emit(replacement, sizeof(replacement));
            return;
        }
        m_bytes[0] = byte;
        m_length = 1;
    }

    /* Unicode's Table 3-7: the lead bytes and the range of each one's second byte. */
    bool start(u8 lead);

    u8 m_bytes[4] {};
    usize m_length { 0 };
    usize m_needed { 0 };
    u8 m_low { 0x80 };
    u8 m_high { 0xBF };
};

}
