/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * netd's `send-receive` handler (vectra.socket v4, docs/adr/0024) over a backend whose stack the
 * test steers: how many bytes a send may take, what a receive finds, when the connection fails.
 * The bytes go first and come back in order; a part taken is answered at once with nothing
 * received; a waiting one sends once however often the loop dispatches it again, and holds its
 * socket (busy) meanwhile; every refusal leaves the stack untouched, a malformed request included.
 */

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <netd/Session.h>
#include <optional>
#include <string_view>
#include <vector>
#include <vectra/net/Address.h>
#include <vectra/protocol/Dispatch.h>

using namespace vectra;
using namespace vectra::net;

namespace {

/* One TCP connection's stack: a send takes up to `room` bytes, a receive finds `incoming` (then `end`). */
class PipeBackend final : public netd::Backend {
public:
    usize room { 1 << 20 };
    std::vector<u8> taken;    /* every byte a send gave the stack, in order */
    std::vector<u8> incoming; /* what the next receives find */
    bool end { false };
    std::optional<SocketError> failure; /* the connection failed: receives (and sends) report it */
    bool fail_sends_too { true };

    ErrorOr<Opened> listen(netd::Socket&, Address const& local, u16) override { return Opened { 0, local, {} }; }
    ErrorOr<Opened> connect(netd::Socket&, Address const& local, Address const& remote) override
    {
        return Opened { 0, local, remote };
    }
    ErrorOr<Opened> bind(netd::Socket&, Address const& local) override { return Opened { 0, local, {} }; }
    ErrorOr<Opened> accept(netd::Socket&, netd::Socket&) override { return Error(SocketError::WouldBlock, "none"); }
    Opened claimed(netd::Socket&) override { return {}; }

    ErrorOr<usize> send(netd::Socket&, std::span<u8 const> bytes, Address const*) override
    {
        if (failure && fail_sends_too)
            return Error(*failure, "the connection failed");
        usize length = std::min(room, bytes.size());
        if (length == 0 && !bytes.empty())
            return Error(SocketError::WouldBlock, "the send buffer is full");
        room -= length;
        taken.insert(taken.end(), bytes.begin(), bytes.begin() + length);
        return length;
    }

    ErrorOr<netd::Receipt> receive(netd::Socket&, std::span<u8> into) override
    {
        if (failure)
            return Error(*failure, "the connection failed");
        netd::Receipt receipt;
        if (incoming.empty()) {
            if (!end)
                return Error(SocketError::WouldBlock, "nothing came");
            receipt.end = true;
            return receipt;
        }
        receipt.length = std::min(into.size(), incoming.size());
        std::copy_n(incoming.begin(), receipt.length, into.begin());
        incoming.erase(incoming.begin(), incoming.begin() + receipt.length);
        return receipt;
    }

    void shutdown(netd::Socket&, bool, bool) override { }
    void release(netd::Socket&, bool) override { }
    u32 turn(u64) override { return 0xffff'ffffu; }
    u64 wait_mask() override { return 0; }
};

std::vector<u8> bytes_of(std::string_view text) { return std::vector<u8>(text.begin(), text.end()); }

SendReceive request(u32 socket, std::string_view data, u32 maximum = 64, bool wait = true)
{
    SendReceive made;
    made.socket = socket;
    for (char byte : data)
        MUST(made.data.try_append(u8(byte)));
    made.maximum = maximum;
    made.wait = wait;
    return made;
}

bool carries(Data const& data, std::string_view text)
{
    return data.size() == text.size() && std::equal(text.begin(), text.end(), data.span().begin());
}

bool failed_with(auto const& result, SocketError code) { return result.is_error() && result.error().is(code); }

u32 connect(netd::Session& session) { return MUST(session.handle(TcpConnect { ipv4(127, 0, 0, 1, 80), {} })).socket; }

struct Connected {
    PipeBackend backend;
    netd::Session session { 0, backend };
    u32 socket { connect(session) };
};

}

TEST_CASE("send-receive: the bytes go first, then what is there comes back in order; without wait, nothing yet is an answer", "[netd]")
{
    Connected connected;
    auto& backend = connected.backend;
    auto& session = connected.session;
    backend.incoming = bytes_of("abc");
    auto first = MUST(session.handle(request(connected.socket, "hello", 64, false)));
    REQUIRE(first.sent == 5);
    REQUIRE(carries(first.data, "abc"));
    REQUIRE(backend.taken == bytes_of("hello"));

    /* Nothing there: without wait the send is answered with nothing received (not would-block: the bytes went). */
    auto second = MUST(session.handle(request(connected.socket, "again", 64, false)));
    REQUIRE(second.sent == 5);
    REQUIRE(second.data.is_empty());
    REQUIRE(!second.end);
    REQUIRE(backend.taken == bytes_of("helloagain"));

    /* At most `maximum` back, the rest for the next call, in order; no data: a receive alone. */
    backend.incoming = bytes_of("0123456789");
    REQUIRE(carries(MUST(session.handle(request(connected.socket, "x", 4))).data, "0123"));
    auto only_receive = MUST(session.handle(request(connected.socket, "", 4)));
    REQUIRE(only_receive.sent == 0);
    REQUIRE(carries(only_receive.data, "4567"));
    REQUIRE(carries(MUST(session.handle(request(connected.socket, "", 64))).data, "89"));
    REQUIRE(backend.taken == bytes_of("helloagainx"));

    /* The peer's end, once every byte was read. */
    backend.end = true;
    auto ended = MUST(session.handle(request(connected.socket, "bye")));
    REQUIRE(ended.sent == 3);
    REQUIRE(ended.end);
    REQUIRE(ended.data.is_empty());
    REQUIRE(session.counters().bytes_sent == 14);
}

TEST_CASE("a waiting send-receive sends once however often it is dispatched again, and its socket is busy meanwhile", "[netd]")
{
    Connected connected;
    auto& backend = connected.backend;
    auto& session = connected.session;
    /* Nothing to receive: would-block after the send, for the loop to keep. */
    REQUIRE(failed_with(session.handle(request(connected.socket, "ping")), SocketError::WouldBlock));
    REQUIRE(backend.taken == bytes_of("ping"));

    /* The loop dispatches it again after every turn: it only receives. */
    session.retrying(true);
    for (int again = 0; again < 3; ++again)
        REQUIRE(failed_with(session.handle(request(connected.socket, "ping")), SocketError::WouldBlock));
    session.retrying(false);
    REQUIRE(backend.taken == bytes_of("ping"));

    /* Another send-receive on the socket meanwhile — waiting or not — is busy and sends nothing; so are a send and a receive without wait. */
    REQUIRE(failed_with(session.handle(request(connected.socket, "other")), SocketError::Busy));
    REQUIRE(failed_with(session.handle(request(connected.socket, "other", 64, false)), SocketError::Busy));
    protocol::MessageCapabilities none;
    Send send;
    send.socket = connected.socket;
    send.wait = false;
    MUST(send.data.try_append('s'));
    REQUIRE(failed_with(session.handle(send, none), SocketError::Busy));
    backend.incoming = bytes_of("early");
    Receive receive;
    receive.socket = connected.socket;
    receive.maximum = 64;
    receive.wait = false;
    REQUIRE(failed_with(session.handle(receive, none), SocketError::Busy));
    REQUIRE(backend.taken == bytes_of("ping"));
    REQUIRE(backend.incoming == bytes_of("early")); /* the answer is the send-receive's */
    backend.incoming.clear();

    /* Bytes come: the kept request is answered with its own send's count and the bytes. */
    backend.incoming = bytes_of("pong");
    session.retrying(true);
    auto answered = MUST(session.handle(request(connected.socket, "ping")));
    session.retrying(false);
    REQUIRE(answered.sent == 4);
    REQUIRE(carries(answered.data, "pong"));
    REQUIRE(backend.taken == bytes_of("ping"));

    /* Answered, the socket is free again: the next one sends. */
    backend.incoming = bytes_of("!");
    REQUIRE(carries(MUST(session.handle(request(connected.socket, "next"))).data, "!"));
    REQUIRE(backend.taken == bytes_of("pingnext"));
}

TEST_CASE("send-receive with a full send buffer: a part taken is answered at once with nothing received; none taken waits as a send", "[netd]")
{
    Connected connected;
    auto& backend = connected.backend;
    auto& session = connected.session;
    backend.incoming = bytes_of("there");
    backend.room = 3;
    auto part = MUST(session.handle(request(connected.socket, "hello")));
    REQUIRE(part.sent == 3);
    REQUIRE(part.data.is_empty()); /* the rest must go before anything is received */
    REQUIRE(!part.end);
    REQUIRE(backend.incoming == bytes_of("there"));
    REQUIRE(backend.taken == bytes_of("hel"));

    /* No room: would-block with nothing changed, so the next dispatch (not a retry) is no busy one. */
    REQUIRE(failed_with(session.handle(request(connected.socket, "lo")), SocketError::WouldBlock));
    REQUIRE(backend.taken == bytes_of("hel"));
    backend.room = 100;
    auto rest = MUST(session.handle(request(connected.socket, "lo")));
    REQUIRE(rest.sent == 2);
    REQUIRE(carries(rest.data, "there"));
    REQUIRE(backend.taken == bytes_of("hello"));
}

TEST_CASE("a send-receive whose connection fails after its send: the error is the reply, and the socket is not left busy", "[netd]")
{
    Connected connected;
    auto& backend = connected.backend;
    auto& session = connected.session;
    REQUIRE(failed_with(session.handle(request(connected.socket, "ping")), SocketError::WouldBlock));
    backend.failure = SocketError::Reset;
    backend.fail_sends_too = false;
    session.retrying(true);
    REQUIRE(failed_with(session.handle(request(connected.socket, "ping")), SocketError::Reset));
    session.retrying(false);
    REQUIRE(failed_with(session.handle(request(connected.socket, "more")), SocketError::Reset));
    REQUIRE(backend.taken == bytes_of("pingmore")); /* sent before the receive found the reset: not busy */
}

TEST_CASE("as an attacker: send-receive refused with nothing sent — too much asked back, a made-up id, wrong kinds, shut sides, malformed bytes", "[netd]")
{
    Connected connected;
    auto& backend = connected.backend;
    auto& session = connected.session;
    backend.incoming = bytes_of("kept");
    REQUIRE(failed_with(session.handle(request(connected.socket, "x", u32(inline_maximum + 1))), SocketError::BufferUnusable));
    REQUIRE(failed_with(session.handle(request(connected.socket ^ 0x10000, "x")), SocketError::NoSuchSocket));
    REQUIRE(failed_with(session.handle(request(12345, "x")), SocketError::NoSuchSocket));
    auto datagram = MUST(session.handle(UdpBind { ipv4(127, 0, 0, 1, 0) }));
    REQUIRE(failed_with(session.handle(request(datagram.socket, "x")), SocketError::WrongKind));
    auto listener = MUST(session.handle(TcpListen { ipv4(127, 0, 0, 1, 0), 1 }));
    REQUIRE(failed_with(session.handle(request(listener.socket, "x")), SocketError::WrongKind));
    REQUIRE(backend.taken.empty());

    /* A slot's worth of bytes is the most a request can carry: one more does not decode. */
    u8 encoded[protocol::payload_capacity<Protocol>];
    usize length = MUST(protocol::encode_request<Protocol>(request(connected.socket, "x"), 7, encoded));
    u32 too_many = u32(inline_maximum + 1);
    std::memcpy(encoded + protocol::envelope_size + 4, &too_many, 4); /* after the envelope and the socket: data's count */
    u8 reply[protocol::payload_capacity<Protocol>];
    usize replied = protocol::dispatch<Protocol>(session, std::span<u8 const>(encoded, length), reply);
    auto envelope = MUST(protocol::read_envelope(std::span<u8 const>(reply, replied)));
    REQUIRE(envelope.status == u16(protocol::status_general | u16(ErrorCode::MalformedMessage)));
    replied = protocol::dispatch<Protocol>(session, std::span<u8 const>(encoded, length - 1), reply);
    REQUIRE(MUST(protocol::read_envelope(std::span<u8 const>(reply, replied))).status
        == u16(protocol::status_general | u16(ErrorCode::MalformedMessage)));
    REQUIRE(backend.taken.empty());

    /* Shut sides: sending after shutting sending, or anything after shutting receiving. */
    MUST(session.handle(Shutdown { connected.socket, u8(ShutdownHow::Send) }));
    REQUIRE(failed_with(session.handle(request(connected.socket, "x")), SocketError::ShutDown));
    REQUIRE(carries(MUST(session.handle(request(connected.socket, ""))).data, "kept")); /* receiving alone still goes */
    MUST(session.handle(Shutdown { connected.socket, u8(ShutdownHow::Receive) }));
    REQUIRE(failed_with(session.handle(request(connected.socket, "")), SocketError::ShutDown));
    REQUIRE(backend.taken.empty());
}
