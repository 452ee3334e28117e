/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The loop that serves vectra.display (docs/adr/0042-vectra-display.md) over a Backend: the
 * kernel's boot display (DeviceBackend, in displayd) or a virtio-gpu resource (the driver).
 *
 *   - Sessions come through a listener (ADR 0008); the first to ask anything holds the display,
 *     every request of another is `busy` until the holder's session ends.
 *   - `framebuffer` lends the holder a copy (read, write) of the backend's framebuffer MemCap; the
 *     copy is revoked when the holder's session ends and at every mode change.
 *   - `present` is checked whole (generation, then the rectangle against the mode without
 *     overflow) before the backend sees it; its refusal changes nothing.
 *   - The backend's own signal bits (a device's interrupt) are waited on with the sessions';
 *     when they rise the backend serves them and says whether the mode changed.
 */

#pragma once

#include <optional>
#include <vectra/Display.h>
#include <vectra/Session.h>
#include <vectra/display/Protocol.h>

namespace vectra::display {

inline constexpr usize maximum_sessions = 4;

enum class ModeEvent : u8 {
    Unchanged,
    Changed,
};

/* What shows the pixels: the mode, the framebuffer MemCap, and present. */
class Backend {
public:
    [[nodiscard]] virtual DisplayMode mode() const = 0;
    /* The current framebuffer: a MemCap with read, write, grant and revoke (the server lends copies of it). */
    [[nodiscard]] virtual MemCap const& framebuffer() const = 0;
    /* Shows `rectangle`, which lies within mode() (the server checked). */
    [[nodiscard]] virtual ErrorOr<void> present(Rectangle const&) = 0;
    /* Signal bits the backend waits on beside the sessions (its device's interrupt); 0 for none. */
    [[nodiscard]] virtual u64 wait_mask() const { return 0; }
    /* Whether an event waits without a bit of wait_mask() rising (one a present's own wait took). */
    [[nodiscard]] virtual bool event_pending() const { return false; }
    /* A bit of wait_mask() rose (0: event_pending()): serve it; Changed when the mode (and the framebuffer) changed. */
    [[nodiscard]] virtual ErrorOr<ModeEvent> serve_event(u64) { return ModeEvent::Unchanged; }

protected:
    ~Backend() = default;
};

/* What the server has done (the Tasks print it: the proof that only damage is presented). */
struct Statistics {
    u64 presents { 0 };
    u64 presented_pixels { 0 };
    u64 lent { 0 };
    u64 revoked { 0 }; /* lent copies revoked (a holder gone, a mode change) */
    u64 refused { 0 };
    u32 generation { 1 };
};

struct Settings {
    /* Called after every present the backend carried out (may be null). */
    void (*report)(void* context, Rectangle const&, Statistics const&) { nullptr };
    void* context { nullptr };
};

/*
 * A Settings::report for a Task's console: `<name>: present N of WxH at (X, Y), P pixels presented
 * in all` for the first `limit` presents — the images' proof that only damage reaches the screen.
 */
struct ConsoleReport {
    ConsoleCap const* console { nullptr };
    std::string_view name;
    u64 limit { 0 };
};
void report_on_console(void* console_report, Rectangle const&, Statistics const&);

class Server;

/* One session's handlers (protocol::dispatch calls these). */
class Session {
public:
    Session(Server& server, usize index)
        : m_server(server)
        , m_index(index)
    {
    }
    [[nodiscard]] ErrorOr<Mode> handle(ReadMode const&);
    [[nodiscard]] ErrorOr<FramebufferLent> handle(LendFramebuffer const&, protocol::MessageCapabilities&);
    [[nodiscard]] ErrorOr<Presented> handle(Present const&);

private:
    Server& m_server;
    usize m_index;
};

class Server {
public:
    explicit Server(Backend&, Settings = {});
    Server(Server const&) = delete;
    Server& operator=(Server const&) = delete;

    /* Binds the listener and serves until it fails (PeerRestarted when the listener's Rings go) or the backend does. */
    [[nodiscard]] ErrorOr<void> serve(RingCap listen_requests, RingCap listen_replies);

    /* The handlers, by session. */
    [[nodiscard]] ErrorOr<Mode> mode(usize index);
    [[nodiscard]] ErrorOr<FramebufferLent> lend(usize index);
    [[nodiscard]] ErrorOr<Presented> present(usize index, Present const&);
    /* Session `index` ended: if it held the display, its lent copy is revoked and the display is free. */
    void closed(usize index);
    /* The backend's mode changed: the generation moves on, the lent copy is revoked. */
    void mode_changed();

    [[nodiscard]] Statistics const& statistics() const { return m_statistics; }
    [[nodiscard]] std::optional<usize> holder() const { return m_holder; }

private:
    [[nodiscard]] ErrorOr<void> hold(usize index);
    void revoke_lent();
    [[nodiscard]] bool take_request(usize index);
    [[nodiscard]] Session& session(usize index) { return *reinterpret_cast<Session*>(m_sessions[index]); }

    Backend& m_backend;
    Settings m_settings;
    session::Table m_table;
    alignas(Session) u8 m_sessions[maximum_sessions][sizeof(Session)];
    std::optional<usize> m_holder;
    bool m_lending { false };
    Statistics m_statistics;
    u8 m_request[protocol::payload_capacity<Protocol>];
    u8 m_reply[protocol::payload_capacity<Protocol>];
};

/* Places a Server over `backend` in `memory`, raises `ready` (when given) and serves until the listener fails. */
[[nodiscard]] ErrorOr<void> run(
    ReticleCap const& memory, Backend& backend, RingCap requests, RingCap replies, Settings, SignalCap const* ready);

}
