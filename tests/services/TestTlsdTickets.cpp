/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * tlsd as a TLS 1.3 server sends its NewSessionTickets as the handshake ends, not with the
 * server's first write (ADR 0038 amendment "tickets as the handshake ends"): they carry the
 * acknowledgement a client's Nagle waits for before its first request. The peer is a BoringSSL
 * client over a BIO pair the test drives, behind a network that hands tlsd one connection.
 */

#include "../LendingTask.h"
#include "TlsdTestTasks.h"
#include <catch2/catch.hpp>
#include <optional>
#include <openssl/ssl.h>
#include <tlsd/Server.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/net/Address.h>
#include <vectra/tlsstream/Protocol.h>

using namespace vectra;
using namespace vectra::test;

namespace {

/* A network with one listener (socket 1) and, once the test dials, one connection (socket 2) to a BoringSSL client. */
class DialledNetwork final : public tlsd::Network {
public:
    explicit DialledNetwork(SSL_CTX* client)
        : m_client(client)
    {
    }

    void dial()
    {
        BIO* inside = nullptr;
        BIO* wire = nullptr;
        REQUIRE(BIO_new_bio_pair(&inside, 64 * KiB, &wire, 64 * KiB));
        m_ssl.reset(SSL_new(m_client));
        REQUIRE(m_ssl);
        m_wire.reset(wire);
        SSL_set_bio(m_ssl.get(), inside, inside);
        SSL_set_connect_state(m_ssl.get());
        SSL_set_app_data(m_ssl.get(), &m_tickets);
        m_dialled = true;
    }

    ErrorOr<net::Socket> start_connect(net::Address const&) override { return down(); }
    ErrorOr<net::Socket> listen(net::Address const& local, u16) override
    {
        net::Socket socket;
        socket.id = 1;
        socket.local = local;
        return socket;
    }
    ErrorOr<net::Socket> try_accept(net::Socket const&) override
    {
        if (!m_dialled || m_accepted)
            return Error(net::SocketError::WouldBlock, "nobody is connecting");
        m_accepted = true;
        net::Socket socket;
        socket.id = 2;
        socket.local = net::ipv4(127, 0, 0, 1, 443);
        socket.remote = net::ipv4(127, 0, 0, 1, 50000);
        return socket;
    }
    ErrorOr<usize> try_send(net::Socket const&, std::span<u8 const> bytes) override
    {
        usize taken = TRY(send_into_pair(m_wire.get(), bytes, room));
        if (room != ~usize(0))
            room -= taken;
        return taken;
    }
    ErrorOr<net::Incoming> try_receive(net::Socket const&, std::span<u8> buffer) override { return receive_from_pair(m_wire.get(), buffer); }
    ErrorOr<void> shutdown_sending(net::Socket const&) override { return {}; }
    ErrorOr<void> close(net::Socket const&, bool) override { return {}; }
    u64 event_mask() const override { return SignalBit { 20 }.mask(); }

    /* The client's handshake stepped; once it finished, what arrived read (tickets are taken by SSL_read). */
    void drive()
    {
        if (!m_ssl)
            return;
        if (!SSL_is_init_finished(m_ssl.get())) {
            (void)SSL_do_handshake(m_ssl.get());
            return;
        }
        u8 bytes[4096];
        for (int read; (read = SSL_read(m_ssl.get(), bytes, sizeof(bytes))) > 0;)
            m_application_bytes += usize(read);
    }
    [[nodiscard]] bool client_finished() const { return m_ssl && SSL_is_init_finished(m_ssl.get()); }
    [[nodiscard]] usize tickets() const { return m_tickets; }
    [[nodiscard]] usize application_bytes() const { return m_application_bytes; }

    usize room { ~usize(0) }; /* what netd would still take of tlsd's sends (0: refused for room) */

private:
    static Error down() { return Error(net::SocketError::NetworkDown, "not here"); }
    SSL_CTX* m_client;
    bssl::UniquePtr<SSL> m_ssl;
    bssl::UniquePtr<BIO> m_wire;
    bool m_dialled { false };
    bool m_accepted { false };
    usize m_tickets { 0 };
    usize m_application_bytes { 0 };
};

/* BoringSSL's client calls this for each NewSessionTicket it reads; 0: the session stays BoringSSL's. */
int count_ticket(SSL* ssl, SSL_SESSION*)
{
    ++*static_cast<usize*>(SSL_get_app_data(ssl));
    return 0;
}

/*
 * tlsd serving one listener behind a DialledNetwork, a BoringSSL client dialled; `check` gets the
 * network, the session, a turn (tlsd's, then the client's) and the listener's id.
 */
template<typename Check>
ErrorOr<i32> with_dialled_server(Check check)
{
    return Lender().run([check](Bundle&) -> ErrorOr<i32> {
        auto contexts = TRY(server_contexts());
        bssl::UniquePtr<SSL_CTX> client(SSL_CTX_new(TLS_method()));
        if (!client || !SSL_CTX_set_min_proto_version(client.get(), TLS1_3_VERSION))
            return 1;
        SSL_CTX_set_session_cache_mode(client.get(), SSL_SESS_CACHE_CLIENT);
        SSL_CTX_sess_set_new_cb(client.get(), count_ticket);
        DialledNetwork network(client.get());
        auto server = std::make_unique<tlsd::Server>(network, contexts);
        auto& session = server->session(0);
        u32 listener = TRY(session.handle(tls_stream::Listen { 443, 4 })).stream;
        network.dial();
        auto turn = [&] {
            server->notice_events(~u64(0));
            (void)server->turn();
            network.drive();
        };
        return check(network, session, turn, listener);
    });
}

/* Turns until tlsd's side of the handshake finished too (the accept answers then), `between` after each turn: the stream, or none. */
template<typename Turn, typename Between>
ErrorOr<std::optional<u32>> accept_within(tlsd::Session& session, u32 listener, Turn& turn, Between between)
{
    for (int round = 0; round < 40; ++round) {
        turn();
        between();
        auto accepted = session.handle(tls_stream::Accept { listener, false });
        if (!accepted.is_error())
            return std::optional<u32>(accepted.value().stream);
        if (!accepted.error().is(tls_stream::TlsError::WouldBlock))
            return accepted.release_error();
    }
    return std::optional<u32>();
}

tls_stream::Data hello()
{
    tls_stream::Data data;
    for (char byte : { 'h', 'e', 'l', 'l', 'o' })
        MUST(data.try_append(u8(byte)));
    return data;
}

}

TEST_CASE("tlsd's server sends its session tickets as the handshake ends, before it writes a byte", "[tlsd][tickets]")
{
    require_checked(with_dialled_server([](DialledNetwork& network, tlsd::Session& session, auto& turn, u32 listener) -> ErrorOr<i32> {
        auto stream = TRY(accept_within(session, listener, turn, [] {}));
        if (!stream || !network.client_finished())
            return 2; /* the handshake did not finish */
        /* A few turns more with the server's stream open and nothing written on it. */
        for (int round = 0; round < 4; ++round) {
            (void)session.pump(endpoint::now_nanoseconds());
            network.drive();
        }
        if (session.counters().bytes_sent != 0 || network.application_bytes() != 0)
            return 3; /* the server wrote: the check below would prove nothing */
        INFO("tickets the client read: " << network.tickets());
        if (network.tickets() == 0)
            return 4; /* the tickets wait for the server's first write */
        /* And a stream that sent its tickets still carries bytes after them. */
        auto data = hello();
        if (TRY(session.handle(tls_stream::Send { *stream, data, false })).length != data.size())
            return 5;
        network.drive();
        if (network.application_bytes() != data.size())
            return 6;
        return 0;
    }));
}

TEST_CASE("tlsd's tickets sealed while netd refuses every send wait their turn: the stream's bytes follow them, nothing fails", "[tlsd][tickets]")
{
    /*
     * The tickets are sealed as the handshake ends whatever netd takes; a peer whose window is
     * shut then must cost neither the connection nor the order of bytes, nor wedge the next write
     * (BoringSSL refuses a retried write with another buffer while one is pending).
     */
    require_checked(with_dialled_server([](DialledNetwork& network, tlsd::Session& session, auto& turn, u32 listener) -> ErrorOr<i32> {
        /* Once the client sent its Finished, netd takes nothing more: the tickets cannot leave. */
        auto stream = TRY(accept_within(session, listener, turn, [&] {
            if (network.client_finished())
                network.room = 0;
        }));
        if (!stream || network.room != 0)
            return 2; /* the handshake did not finish, or not after the window shut */
        for (int round = 0; round < 4; ++round)
            turn();
        if (network.tickets() != 0)
            return 3; /* the tickets left although netd refused every send: nothing here is tested */
        auto data = hello();
        auto sent = session.handle(tls_stream::Send { *stream, data, false });
        if (sent.is_error() && !sent.error().is(tls_stream::TlsError::WouldBlock))
            return sent.release_error(); /* a write behind the waiting tickets failed */
        network.room = ~usize(0);
        for (int round = 0; round < 8 && network.application_bytes() < data.size(); ++round) {
            if (sent.is_error())
                sent = session.handle(tls_stream::Send { *stream, data, false });
            turn();
        }
        INFO("tickets the client read: " << network.tickets());
        if (network.tickets() == 0)
            return 4;
        if (sent.is_error() || sent.value().length != data.size() || network.application_bytes() != data.size())
            return 5; /* the bytes after the tickets did not arrive whole */
        return 0;
    }));
}
