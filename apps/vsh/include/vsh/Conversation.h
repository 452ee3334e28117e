/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * One terminal window's conversation: the prompt, typed bytes through the line editor, each
 * entered line run by the shell, the screen refreshed once per batch of typed bytes.
 */

#pragma once

#include <optional>
#include <span>
#include <vectra/Capability.h>
#include <vsh/LineEditor.h>
#include <vsh/Shell.h>
#include <vsh/Terminal.h>

namespace vectra::vsh {

/* How long one read waits for typing (the protocol's most). */
inline constexpr u32 read_wait_ms = tty::maximum_wait_ms;

/*
 * Typed bytes through the editor, each finished line run by `shell`. Returns the outcome of exit
 * or Ctrl+D; the bytes after it are not used.
 */
[[nodiscard]] std::optional<Outcome> type(LineEditor&, Shell&, Sink&, std::span<u8 const> bytes);

/*
 * Greets, then reads and answers the window until exit or Ctrl+D (the Outcome), or until the
 * session fails (its error: PeerRestarted or PeerClosed when the window went). `console` (may be
 * null) hears "vsh: line N answered" once the answer to a typed line is flushed to the window.
 */
[[nodiscard]] ErrorOr<Outcome> converse(Terminal&, LineEditor&, Shell&, ConsoleCap const* console);

}
