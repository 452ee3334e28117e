/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vsh from its capabilities to its end (Run.h).
 */

#include <new>
#include <vectra/System.h>
#include <vectra/SystemClock.h>
#include <vectra/Try.h>
#include <vectra/WallClock.h>
#include <vectra/concurrent/Endpoints.h>
#include <vsh/Conversation.h>
#include <vsh/Run.h>

namespace vectra::vsh {

namespace {

constexpr usize attempts = 3;
/*
 * Room for two terminal sessions: when a window closes, the next session is opened while the
 * terminal may still be reclaiming the closed one's donation.
 */
constexpr usize terminal_pool = 2 * session::pool_size<tty::Protocol>();

bool session_ended(Error const& error)
{
    return error.is(ErrorCode::PeerRestarted) || error.is(ErrorCode::PeerClosed) || error.is(ErrorCode::Revoked);
}

/* What the shell keeps between windows, placed in the Task's memory (too large for its stack). */
struct State {
    State(TerminalClient& client, vfs::Client& files, WallClock& clock, tasks::TaskList* tasks, Notifier* notifier)
        : terminal(client)
        , editor(terminal)
        , shell(files, clock, tasks, terminal, notifier)
    {
    }
    Terminal terminal;
    LineEditor editor;
    Shell shell;
};

template<typename... Arguments>
void say(ConsoleCap const* console, fmt::format_string<Arguments...> format, Arguments&&... arguments)
{
    if (console)
        (void)print_line(*console, format, std::forward<Arguments>(arguments)...);
}

}

ErrorOr<Connections> take_connections(Bundle& bundle)
{
    return Connections {
        TRY(bundle.take<RingCap>("requests")),
        TRY(bundle.take<RingCap>("replies")),
        TRY(bundle.take<RingCap>("terminal_requests")),
        TRY(bundle.take<RingCap>("terminal_replies")),
        std::nullopt,
        std::nullopt,
    };
}

ErrorOr<Connections> take_connections_notifying(Bundle& bundle)
{
    auto connections = TRY(take_connections(bundle));
    connections.notify_requests = TRY(bundle.take<RingCap>("notify_requests"));
    connections.notify_replies = TRY(bundle.take<RingCap>("notify_replies"));
    return connections;
}

usize memory_needed()
{
    return session::pool_size<vfs::Protocol>() + terminal_pool + session::pool_size<notify::Protocol>()
        + (sizeof(State) + 4095) / 4096 * 4096;
}

ErrorOr<i32> run(ConsoleCap const* console, ReticleCap const& memory, Connections connections, tasks::TaskList* tasks,
    Extension* extension)
{
    auto files = TRY(vfs::Client::open(std::move(connections.files_requests), std::move(connections.files_replies),
        TRY(endpoint::carve(memory, session::pool_size<vfs::Protocol>()))));
    auto client = TRY(TerminalClient::open(std::move(connections.terminal_requests), std::move(connections.terminal_replies),
        TRY(endpoint::carve(memory, terminal_pool))));
    MonotonicClock monotonic = system_monotonic_clock();
    WallClock clock(monotonic);
    std::optional<NotifyClient> notices;
    std::optional<Notifier> notifier;
    if (connections.notify_requests && connections.notify_replies) {
        notices.emplace(TRY(NotifyClient::open(std::move(*connections.notify_requests), std::move(*connections.notify_replies),
            TRY(endpoint::carve(memory, session::pool_size<notify::Protocol>())))));
        notifier.emplace(*notices);
    }
    auto placed = TRY(endpoint::memory(memory, sizeof(State)));
    auto* state = new (placed.data()) State(client, files, clock, tasks, notifier ? &*notifier : nullptr);
    state->shell.set_extension(extension);
    say(console, "vsh: ready: a vfsd session and a terminal window{}", notifier ? ", a notifyd session" : "");

    usize failures = 0;
    u64 reads_before = 0;
    for (;;) {
        auto outcome = converse(state->terminal, state->editor, state->shell, console);
        if (!outcome.is_error()) {
            i32 status = outcome.value().status;
            state->~State();
            say(console, "vsh: exit {}", status);
            return status;
        }
        Error error = outcome.error();
        if (state->terminal.reads() != reads_before)
            failures = 0; /* the window was used: only sessions that end before a read count */
        reads_before = state->terminal.reads();
        if (!session_ended(error) || ++failures > attempts) {
            state->~State();
            say(console, "vsh: the terminal failed: {}", error.name());
            return error;
        }
        say(console, "vsh: the terminal's session ended ({}); opening a new one", error.name());
        /* A closed or revoked session was reopened by the client already; a restarted terminal's is dropped here. */
        if (error.is(ErrorCode::PeerRestarted))
            client.close();
    }
}

}
