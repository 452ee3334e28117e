/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vsh from its capabilities to its end: a vfsd session and a terminal session (vectra.tty, one
 * window) opened with memory of its own, and the conversation between them (Conversation.h). When
 * the window goes (its session ends: PeerRestarted when the terminal restarted, PeerClosed or
 * Revoked when it closed the window) vsh opens a new session on the terminal's listener and
 * carries on there with the same working directory and history; `exit [STATUS]` or Ctrl+D ends it
 * with that status. Three sessions in a row that end before a read end it with the error: its
 * supervisor decides what comes next.
 */

#pragma once

#include <optional>
#include <vectra/Bundle.h>
#include <vectra/Capability.h>
#include <vectra/snapshot/TaskList.h>
#include <vsh/Extension.h>

namespace vectra::vsh {

struct Connections {
    RingCap files_requests;    /* vfsd's listener, client ends */
    RingCap files_replies;
    RingCap terminal_requests; /* the terminal's listener, client ends */
    RingCap terminal_replies;
    std::optional<RingCap> notify_requests; /* notifyd's listener, client ends (entry vsh_notifying) */
    std::optional<RingCap> notify_replies;
};

/* The four Ring ends from a Bundle's slots requests, replies, terminal_requests, terminal_replies. */
[[nodiscard]] ErrorOr<Connections> take_connections(Bundle&);
/* take_connections and notifyd's listener (notify_requests/notify_replies). */
[[nodiscard]] ErrorOr<Connections> take_connections_notifying(Bundle&);

/* The memory run() takes from `memory`: both sessions' pools and the shell's state. */
[[nodiscard]] usize memory_needed();

/*
 * `console` (may be null) hears vsh's start and end; `tasks` (may be null) is what ps reads;
 * `extension` (may be null) adds commands (vctl's).
 */
[[nodiscard]] ErrorOr<i32> run(ConsoleCap const* console, ReticleCap const& memory, Connections, tasks::TaskList* tasks,
    Extension* extension = nullptr);

}
