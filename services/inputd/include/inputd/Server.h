/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * inputd's service loop (docs/adr/0040-inputd.md): drivers' raw events in, decoded keys and
 * pointer reports out to the one focused client session, from one loop with one signal wait.
 *
 *   - Devices: up to two direct connections speaking vectra.input.device (the driver is the
 *     client). One Keyboard (the keymap and repeat from the configuration) is shared by every
 *     keyboard device, as one seat; each pointer device has its own Pointer (its axis ranges,
 *     scaled to the display's size). A refused event is counted and changes nothing; a driver
 *     that restarts (its Rings reset) is bound again and its keys forgotten.
 *   - Clients: sessions of vectra.input on the listener. Events go to the focused session only,
 *     into its queue of `input::queued_events` (full: dropped and counted); a session without
 *     the focus is never queued anything and its read is answered `not-focused`.
 *   - Focus: the vectra.input.focus connection, which only the focus holder's manifest entry is
 *     granted, names the focused client by the id `identify` gave it.
 *   - Repeat: the Keyboard's next repeat is the loop's wait deadline, with the earliest waiting
 *     read's; a late turn gets one repeat, never a burst.
 *   - Ring space: a request is taken from a session only while its replies Ring has room for the
 *     reply owed to a waiting read plus this one; a driver's or the focus holder's only while
 *     theirs has room for one.
 */

#pragma once

#include <optional>
#include <span>
#include <vectra/Ring.h>
#include <vectra/Session.h>
#include <vectra/config.h>
#include <vectra/input/DeviceProtocol.h>
#include <vectra/input/Keyboard.h>
#include <vectra/input/Pointer.h>
#include <vectra/input/Protocol.h>

namespace vectra::inputd {

inline constexpr usize maximum_sessions = CONFIG_INPUTD_SESSIONS;
inline constexpr usize maximum_devices = 2;
static_assert(session::first_session_bit + maximum_sessions <= 16);
/* Signal bits: the session table's 0–2 and 8 + n; devices' doorbells 3–4 and reply space 16–17; the
   focus connection's 5 and 18; the loop's timer 6. */
inline constexpr SignalBit device_request_bits[maximum_devices] { SignalBit { 3 }, SignalBit { 4 } };
inline constexpr SignalBit device_space_bits[maximum_devices] { SignalBit { 16 }, SignalBit { 17 } };
inline constexpr SignalBit focus_request_bit { 5 };
inline constexpr SignalBit focus_space_bit { 18 };
inline constexpr SignalBit timer_bit { 6 };

struct Configuration {
    input::Keymap const* keymap { nullptr };
    input::RepeatSettings repeat;
    u32 width { 1024 };  /* pointer positions are scaled to this display size */
    u32 height { 768 };
};

/* A direct connection's two Rings as the manifest gives them to inputd: requests (receive), replies (send). */
struct ConnectionRings {
    RingCap requests;
    RingCap replies;
};

class Server;

/* vectra.input.device's handlers for device `index`. */
class DeviceHandler {
public:
    DeviceHandler(Server& server, usize index)
        : m_server(server)
        , m_index(index)
    {
    }
    [[nodiscard]] ErrorOr<protocol::Done> handle(input::device::Describe const&);
    [[nodiscard]] ErrorOr<input::device::Taken> handle(input::device::Events const&);

private:
    Server& m_server;
    usize m_index;
};

/* vectra.input's handlers for session `index`. */
class ClientHandler {
public:
    ClientHandler(Server& server, usize index)
        : m_server(server)
        , m_index(index)
    {
    }
    [[nodiscard]] ErrorOr<input::Identity> handle(input::Identify const&);
    [[nodiscard]] ErrorOr<input::ReadEvents> handle(input::Read const&);

private:
    Server& m_server;
    usize m_index;
};

/* vectra.input.focus's handlers. */
class FocusHandler {
public:
    explicit FocusHandler(Server& server)
        : m_server(server)
    {
    }
    [[nodiscard]] ErrorOr<protocol::Done> handle(input::focus::SetFocus const&);
    [[nodiscard]] ErrorOr<input::focus::Counters> handle(input::focus::ReadCounters const&);

private:
    Server& m_server;
};

class Server {
public:
    explicit Server(Configuration const&);
    Server(Server const&) = delete;
    Server& operator=(Server const&) = delete;

    /*
     * Binds the listener, the device connections and the focus connection (each optional: an
     * empty span, nullptr) and serves until the listener fails (PeerRestarted when its Rings go).
     */
    [[nodiscard]] ErrorOr<void> serve(
        RingCap listen_requests, RingCap listen_replies, std::span<ConnectionRings> devices, ConnectionRings* focus);

    /* The handlers' work, also driven directly by the tests and the fuzz target. */
    [[nodiscard]] ErrorOr<protocol::Done> describe(usize device, input::device::Describe const&);
    [[nodiscard]] ErrorOr<input::device::Taken> take_events(usize device, input::device::Events const&, u64 now);
    [[nodiscard]] ErrorOr<input::ReadEvents> read(usize session, input::Read const&);
    [[nodiscard]] ErrorOr<protocol::Done> set_focus(u32 client);
    /* Repeats due at `now` delivered (at most one). */
    void repeat(u64 now);
    /* A session opened (given its client id) or ended (its queue, waiting read and focus gone). */
    void opened(usize session);
    void closed(usize session);

    [[nodiscard]] u32 client_id(usize session) const { return m_clients[session].id; }
    [[nodiscard]] usize queued(usize session) const { return m_clients[session].count; }
    [[nodiscard]] input::focus::Counters const& counters() const { return m_counters; }
    [[nodiscard]] input::Keyboard const& keyboard() const { return m_keyboard; }

private:
    struct Client {
        u32 id { 0 };
        input::InputEvent queue[input::queued_events];
        usize first { 0 };
        usize count { 0 };
        u32 dropped { 0 };
        bool waiting { false }; /* a read is kept until an event, its deadline or the loss of focus */
        u32 waiting_call { 0 };
        u64 deadline { 0 };
    };
    struct Device {
        u8 kind { 0 };
        std::optional<input::Pointer> pointer;
        bool pointer_changed { false };
        std::optional<RingReceiver> inbox;
        std::optional<RingSender> outbox;
        std::optional<ConnectionRings> rings;
    };

    void deliver(input::InputEvent const&);
    [[nodiscard]] bool take_event(Device&, input::device::RawEvent const&, u64 now);
    [[nodiscard]] input::ReadEvents drain(Client&);
    [[nodiscard]] std::optional<usize> focused_session() const;
    void answer_waiting(usize session, u64 now);
    void reply(usize session, usize length);
    [[nodiscard]] bool take_session_request(usize session);
    [[nodiscard]] bool take_device_request(usize device);
    [[nodiscard]] bool take_focus_request();
    [[nodiscard]] u64 wait_mask() const;

    Configuration m_configuration;
    input::Keyboard m_keyboard;
    Device m_devices[maximum_devices];
    Client m_clients[maximum_sessions];
    session::Table m_table;
    std::optional<RingReceiver> m_focus_inbox;
    std::optional<RingSender> m_focus_outbox;
    usize m_device_count { 0 };
    u32 m_next_client_id { 1 };
    u32 m_focused { 0 };
    bool m_kept { false };
    u32 m_call_id { 0 };
    input::focus::Counters m_counters;
    u8 m_request[protocol::payload_capacity<input::Protocol>]; /* the largest of the three protocols */
    u8 m_reply[protocol::payload_capacity<input::Protocol>];
};

/*
 * inputd from its capabilities to its loop: the server placed in `memory`, `ready` raised (when
 * given), then every session, device and the focus connection served until the listener fails.
 */
[[nodiscard]] ErrorOr<void> run(ReticleCap const& memory, RingCap requests, RingCap replies,
    std::span<ConnectionRings> devices, ConnectionRings* focus, Configuration const&, SignalCap const* ready);

}
