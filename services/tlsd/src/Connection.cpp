/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * One TLS connection over a BIO pair and a netd socket (Connection.h).
 */

#include <cstring>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <tlsd/Connection.h>
#include <tlsd/Trust.h>
#include <vectra/Try.h>

namespace vectra::tlsd {

using tls_stream::TlsError;

TlsError verification_error(long result)
{
    switch (result) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
        return TlsError::NameMismatch;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
        return TlsError::Untrusted;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return TlsError::NotValidNow;
    default:
        return TlsError::VerificationFailed;
    }
}

ErrorOr<Connection> Connection::create(
    SSL_CTX* context, Role role, net::Socket socket, tls_stream::ServerName const* server_name, u64 deadline, StagingBuffer staged)
{
    if (!staged.data())
        return Error(ErrorCode::OutOfMemory, "no staging buffer is free");
    bssl::UniquePtr<SSL> ssl(SSL_new(context));
    if (!ssl)
        return Error(ErrorCode::OutOfMemory, take_reason("SSL_new failed"));
    BIO* internal = nullptr;
    BIO* network = nullptr;
    if (!BIO_new_bio_pair(&internal, bio_pair_bytes, &network, bio_pair_bytes))
        return Error(ErrorCode::OutOfMemory, take_reason("BIO_new_bio_pair failed"));
    bssl::UniquePtr<BIO> network_end(network);
    SSL_set_bio(ssl.get(), internal, internal);
    if (role == Role::Client) {
        SSL_set_connect_state(ssl.get());
        /* Host names only (checked by the caller): SNI and the name the leaf must carry. */
        char name[tls_stream::maximum_server_name + 1];
        memcpy(name, server_name->span().data(), server_name->size());
        name[server_name->size()] = 0;
        if (!SSL_set_tlsext_host_name(ssl.get(), name) || !SSL_set1_host(ssl.get(), name))
            return Error(ErrorCode::OutOfMemory, take_reason("setting the server name failed"));
    } else {
        SSL_set_accept_state(ssl.get());
    }
    return Connection(std::move(ssl), std::move(network_end), socket, deadline, std::move(staged));
}

void Connection::fail(Error error)
{
    if (m_state == State::Failed)
        return;
    m_state = State::Failed;
    m_failure = error;
}

Error Connection::network_failure(Error const& error) const
{
    if (error.is(net::SocketError::Refused))
        return Error(TlsError::Refused, "the peer refused the TCP connection");
    if (error.is(net::SocketError::TimedOut))
        return Error(TlsError::TimedOut, "the peer stopped answering");
    if (error.is(net::SocketError::AddressUnusable))
        return Error(TlsError::AddressUnusable, "netd cannot use the remote address");
    if (error.is(net::SocketError::Unreachable) || error.is(net::SocketError::NetworkDown))
        return Error(TlsError::NetworkDown, "no route to the peer");
    if (m_state == State::Handshaking)
        return Error(TlsError::HandshakeFailed, "the connection ended during the handshake");
    return Error(TlsError::Reset, "the connection was reset");
}

bool Connection::flush(Network& network)
{
    bool moved = false;
    for (int round = 0; round < 8; ++round) {
        if (m_staged_offset == m_staged_length) {
            int read = BIO_read(m_network.get(), m_staged.data(), int(staged_bytes));
            if (read <= 0)
                return moved;
            m_staged_length = usize(read);
            m_staged_offset = 0;
        }
        if (!m_may_send)
            return moved; /* refused for room: netd names the socket when room is back */
        auto sent = network.try_send(m_socket, std::span<u8 const>(m_staged.data() + m_staged_offset, m_staged_length - m_staged_offset));
        if (sent.is_error()) {
            if (!sent.error().is(net::SocketError::WouldBlock))
                fail(network_failure(sent.error()));
            else
                m_may_send = !network.tells_events();
            return moved;
        }
        m_staged_offset += sent.value();
        ++m_network_sends;
        moved = true;
    }
    return moved;
}

bool Connection::take_in(Network& network)
{
    if (m_tcp_ended || !m_may_receive)
        return false;
    usize room = BIO_ctrl_get_write_guarantee(m_network.get());
    if (room == 0)
        return false;
    u8 bytes[net::inline_maximum];
    auto incoming = network.try_receive(m_socket, std::span<u8>(bytes, room < sizeof(bytes) ? room : sizeof(bytes)));
    if (incoming.is_error()) {
        if (!incoming.error().is(net::SocketError::WouldBlock))
            fail(network_failure(incoming.error()));
        else
            m_may_receive = !network.tells_events();
        return false;
    }
    if (incoming.value().length > 0 && BIO_write(m_network.get(), bytes, int(incoming.value().length)) != int(incoming.value().length)) {
        fail(Error(ErrorCode::OutOfMemory, "the BIO pair refused bytes it had room for"));
        return false;
    }
    if (incoming.value().end) {
        m_tcp_ended = true;
        (void)BIO_shutdown_wr(m_network.get()); /* the SSL object reads an end of file once the bytes are used */
    }
    return true;
}

bool Connection::step_handshake()
{
    int result = SSL_do_handshake(m_ssl.get());
    if (result == 1) {
        if (SSL_version(m_ssl.get()) != TLS1_3_VERSION) {
            fail(Error(TlsError::HandshakeFailed, "the peer did not speak TLS 1.3"));
            return true;
        }
        m_state = State::Established;
        if (SSL_is_server(m_ssl.get()))
            send_tickets();
        return true;
    }
    int error = SSL_get_error(m_ssl.get(), result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE)
        return false;
    long verified = SSL_get_verify_result(m_ssl.get());
    if (verified != X509_V_OK && !SSL_is_server(m_ssl.get())) {
        ERR_clear_error();
        fail(Error(verification_error(verified), X509_verify_cert_error_string(verified)));
        return true;
    }
    fail(Error(TlsError::HandshakeFailed, take_reason("the handshake failed")));
    return true;
}

/*
 * BoringSSL keeps a TLS 1.3 server's NewSessionTickets until the server's first write
 * (tls13_server.cc). Sent as the handshake ends, they also carry the acknowledgement of the
 * client's Finished: a client whose kernel holds its first request until that Finished is
 * acknowledged (Nagle; curl and browsers set TCP_NODELAY, ApacheBench does not) otherwise waits
 * for its peer's delayed acknowledgement — about 40 ms a connection behind QEMU's user network
 * (ADR 0038 amendment "tickets as the handshake ends"). OpenSSL's servers send them at once too.
 * A zero-byte write seals them. Only with room in the pair for a whole record: a write the pair
 * refused would stay pending, and BoringSSL wants its retry to pass the same buffer.
 */
void Connection::send_tickets()
{
    if (BIO_ctrl_get_write_guarantee(SSL_get_wbio(m_ssl.get())) < maximum_record + record_overhead)
        return; /* they go with the first write, as before */
    if (SSL_write(m_ssl.get(), "", 0) < 0)
        fail(Error(TlsError::Reset, take_reason("sealing the session tickets failed")));
}

bool Connection::decrypt(usize room)
{
    bool moved = false;
    while (!m_peer_ended) {
        usize space = connection_buffer_bytes - m_buffered;
        usize wanted = room < space ? room : space;
        if (wanted == 0)
            return moved;
        int read = SSL_read(m_ssl.get(), m_buffer + m_buffered, int(wanted));
        if (read > 0) {
            m_buffered += usize(read);
            room -= usize(read);
            moved = true;
            continue;
        }
        int error = SSL_get_error(m_ssl.get(), read);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE)
            return moved;
        if (error == SSL_ERROR_ZERO_RETURN) {
            m_peer_ended = true;
            return true;
        }
        fail(Error(TlsError::Reset, take_reason("the connection ended without close_notify")));
        return true;
    }
    return moved;
}

bool Connection::pump(Network& network, usize room, u64 now)
{
    bool moved = false;
    for (int round = 0; round < 4 && m_state != State::Failed; ++round) {
        bool step = flush(network);
        step |= take_in(network);
        if (m_state == State::Handshaking)
            step |= step_handshake();
        if (m_state == State::Established)
            step |= decrypt(room);
        step |= flush(network);
        moved |= step;
        if (!step)
            break;
    }
    if (m_state == State::Handshaking && now >= m_deadline)
        fail(Error(TlsError::TimedOut, "the handshake did not finish before the connect's deadline"));
    /* A failed handshake leaves its alert in the pair: the peer hears why. */
    if (m_state == State::Failed)
        moved |= flush(network);
    return moved;
}

ErrorOr<bool> Connection::has_room(Network& network)
{
    if (m_state == State::Failed)
        return *m_failure;
    if (m_shut_down)
        return Error(TlsError::ShutDown, "this stream's sending side was shut down");
    if (m_state == State::Handshaking)
        return false;
    (void)flush(network);
    if (m_state == State::Failed)
        return *m_failure;
    return BIO_ctrl_get_write_guarantee(SSL_get_wbio(m_ssl.get())) >= maximum_record + record_overhead;
}

ErrorOr<usize> Connection::write(Network& network, std::span<u8 const> bytes)
{
    if (m_state == State::Failed)
        return *m_failure;
    if (m_shut_down)
        return Error(TlsError::ShutDown, "this stream's sending side was shut down");
    if (m_state == State::Handshaking)
        return Error(TlsError::WouldBlock, "the handshake is still running");
    usize taken = 0;
    while (taken < bytes.size()) {
        /* Records already sealed go to netd first: the pair's room is what netd did not take yet. */
        (void)flush(network);
        if (m_state == State::Failed)
            return *m_failure;
        usize wanted = bytes.size() - taken < maximum_record ? bytes.size() - taken : maximum_record;
        /* A whole record or nothing: a short record sealed only because the pair was nearly full costs a record's overhead for little. */
        if (BIO_ctrl_get_write_guarantee(SSL_get_wbio(m_ssl.get())) < wanted + record_overhead)
            break;
        int written = SSL_write(m_ssl.get(), bytes.data() + taken, int(wanted));
        if (written <= 0) {
            fail(Error(TlsError::Reset, take_reason("SSL_write failed")));
            return *m_failure;
        }
        ++m_records;
        taken += usize(written);
    }
    (void)flush(network);
    if (taken == 0)
        return Error(TlsError::WouldBlock, "the stream's outgoing bound is full");
    return taken;
}

usize Connection::read(std::span<u8> out)
{
    usize length = out.size() < m_buffered ? out.size() : m_buffered;
    memcpy(out.data(), m_buffer, length);
    memmove(m_buffer, m_buffer + length, m_buffered - length);
    m_buffered -= length;
    return length;
}

void Connection::shutdown()
{
    if (m_shut_down || m_state != State::Established)
        return;
    m_shut_down = true;
    (void)SSL_shutdown(m_ssl.get());
}

bool Connection::handed_over() const
{
    return m_state != State::Failed && m_staged_offset == m_staged_length && BIO_ctrl_pending(m_network.get()) == 0;
}

void Connection::close(Network& network)
{
    if (m_state == State::Established) {
        shutdown();
        while (flush(network))
            ;
    }
    /* In order only when netd holds every byte and close_notify: a peer never sees a quietly short stream. */
    bool orderly = m_state == State::Established && handed_over();
    ERR_clear_error();
    (void)network.close(m_socket, !orderly);
}

bool Connection::start_linger(u64 deadline)
{
    if (m_state != State::Established)
        return false;
    shutdown();
    m_buffered = 0; /* the client closed: what it did not read is dropped */
    m_lingering = true;
    m_linger_deadline = deadline;
    return true;
}

Connection::Linger Connection::linger(Network& network, u64 now)
{
    bool flushed = false;
    if (m_state != State::Failed) {
        /* Each flush makes at most 8 sends: go on while netd takes bytes. */
        while (flush(network))
            ;
        flushed = handed_over();
    }
    if (flushed && !m_sent_end) {
        if (network.shutdown_sending(m_socket).is_error())
            fail(Error(TlsError::Reset, "netd refused to end the sending side"));
        else
            m_sent_end = true;
    }
    /* The peer's bytes are read and dropped: unread ones would make the stack answer with a reset. */
    for (int round = 0; round < 8 && m_state != State::Failed && !m_tcp_ended && m_may_receive; ++round) {
        u8 bytes[net::inline_maximum];
        auto incoming = network.try_receive(m_socket, std::span<u8>(bytes, sizeof(bytes)));
        if (incoming.is_error()) {
            if (!incoming.error().is(net::SocketError::WouldBlock))
                fail(network_failure(incoming.error()));
            else
                m_may_receive = !network.tells_events();
            break;
        }
        m_tcp_ended = incoming.value().end;
    }
    ERR_clear_error();
    if (m_state == State::Failed) {
        /* The connection died under the linger (the peer reset it): nothing more can be delivered. */
        (void)network.close(m_socket, true);
        return Linger::Closed;
    }
    if (m_sent_end && m_tcp_ended) {
        (void)network.close(m_socket, false);
        return Linger::Closed;
    }
    if (now < m_linger_deadline)
        return Linger::Lingering;
    (void)network.close(m_socket, !m_sent_end);
    return Linger::Expired;
}

tls_stream::Established Connection::established() const
{
    tls_stream::Established outcome;
    outcome.version = u16(SSL_version(m_ssl.get()));
    SSL_CIPHER const* cipher = SSL_get_current_cipher(m_ssl.get());
    outcome.cipher = cipher != nullptr ? SSL_CIPHER_get_protocol_id(cipher) : 0;
    outcome.group = SSL_get_curve_id(m_ssl.get());
    return outcome;
}

}
