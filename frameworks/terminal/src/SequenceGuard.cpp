/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The states and transitions are libvterm 0.1.4's vterm_input_write (src/parser.c) in UTF-8 mode.
 */

#include <terminal/SequenceGuard.h>

namespace vectra::terminal {

namespace {

constexpr u8 cancel = 0x18;
constexpr u8 substitute = 0x1a;
constexpr u8 escape = 0x1b;
constexpr u8 bell = 0x07;
constexpr u8 repeat = 'b';
/* libvterm 0.1.4 keeps 16 arguments and writes the 17th's past them (CSI_ARGS_MAX). */
constexpr usize maximum_arguments = 16;

constexpr bool is_intermediate(u8 byte) { return byte >= 0x20 && byte <= 0x2f; }

}

void SequenceGuard::rewrite(std::span<u8> bytes)
{
    for (u8& byte : bytes) {
        if (byte == 0x00 || byte == 0x7f)
            continue;
        if (byte == cancel || byte == substitute) {
            m_state = State::Ground;
            continue;
        }
        if (byte == escape) {
            m_state = m_state == State::String ? State::EscapeInString : State::Escape;
            continue;
        }
        if (byte < 0x20 && !(byte == bell && m_state == State::String))
            continue; /* executed; the state stays */

        switch (m_state) {
        case State::Ground:
            break;
        case State::String:
            if (byte == bell)
                m_state = State::Ground;
            break;
        case State::EscapeInString:
            if (byte == '\\') {
                m_state = State::Ground;
                break;
            }
            [[fallthrough]];
        case State::Escape:
            if (byte == '[')
                m_state = State::Leader;
            else if (byte == 'P' || byte == ']')
                m_state = State::String;
            else if (is_intermediate(byte))
                m_state = State::Escape;
            else if (byte >= 0x30 && byte < 0x7f)
                m_state = State::Ground;
            else
                m_state = State::Escape; /* libvterm leaves an unhandled byte in escape state */
            break;
        case State::Leader:
            if (byte >= 0x3c && byte <= 0x3f)
                break;
            m_state = State::Arguments;
            m_separators = 0;
            [[fallthrough]];
        case State::Arguments:
            if (byte >= '0' && byte <= '9')
                break;
            if (byte == ':' || byte == ';') {
                if (++m_separators >= maximum_arguments) {
                    byte = cancel;
                    ++m_dropped;
                    m_state = State::Ground;
                }
                break;
            }
            m_state = State::Intermediates;
            [[fallthrough]];
        case State::Intermediates:
            if (is_intermediate(byte))
                break;
            if (byte == repeat) {
                byte = cancel;
                ++m_dropped;
            }
            m_state = State::Ground;
            break;
        }
    }
}

}
