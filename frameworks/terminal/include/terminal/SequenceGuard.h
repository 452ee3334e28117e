/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Follows libvterm 0.1.4's parser (its states: ground, escape, control sequence — leader,
 * arguments, intermediates —, string, escape in a string) over the bytes it is about to be fed,
 * and turns the final byte of every REP control sequence (CSI Pn b) into CAN, which makes the
 * parser drop the sequence. libvterm 0.1.4 repeats the last character by advancing the cursor by
 * its width, and that width is 0 before any character and after a zero-width one: REP then loops
 * forever. A terminal that ignores REP is what ECMA-48 allows (it is an optional function). A
 * control sequence with more than 16 arguments is cancelled at its 16th separator: libvterm 0.1.4
 * writes a 17th argument past its array.
 */

#pragma once

#include <span>
#include <vectra/Types.h>

namespace vectra::terminal {

class SequenceGuard {
public:
    /* Rewrites `bytes` in place (the same length); call with every byte the parser is fed, in order. */
    void rewrite(std::span<u8> bytes);

    /* Sequences dropped so far (REP, too many arguments). */
    [[nodiscard]] u64 dropped() const { return m_dropped; }

private:
    enum class State : u8 {
        Ground,
        Escape,
        Leader,
        Arguments,
        Intermediates,
        String,
        EscapeInString,
    };

    State m_state { State::Ground };
    usize m_separators { 0 };
    u64 m_dropped { 0 };
};

}
