/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * dnsd's service loop: resolves answered now or kept, one per session (Server.h).
 */

#include <dnsd/Server.h>
#include <new>
#include <vectra/Connection.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/protocol/Dispatch.h>
#include <vectra/resolver/Answer.h>

namespace vectra::dnsd {

namespace {

using resolver::Protocol;
using resolver::ResolverError;

constexpr u16 resolve_number = static_cast<u16>(protocol::index_of<Protocol, resolver::Resolve>() + 1);

/* Which failure a program hears when no family answered: the server's first, else the name's. */
u8 rank(Error const& error)
{
    if (error.is(ResolverError::NameError))
        return 1;
    if (error.is(ResolverError::NoAddress))
        return 0;
    return 2;
}

Part part_of(dns::RecordType type)
{
    Part part;
    part.type = type;
    return part;
}

}

bool plan(Waiting& waiting, u8 families)
{
    waiting.part_count = 0;
    if (families == u8(resolver::Families::Ipv6) || families == u8(resolver::Families::Both))
        waiting.parts[waiting.part_count++] = part_of(dns::RecordType::AAAA);
    if (families == u8(resolver::Families::Ipv4) || families == u8(resolver::Families::Both))
        waiting.parts[waiting.part_count++] = part_of(dns::RecordType::A);
    return waiting.part_count > 0;
}

ErrorOr<resolver::Resolved> compose(Waiting const& waiting)
{
    resolver::Resolved resolved;
    resolved.from_cache = true;
    bool answered = false;
    std::optional<Error> failure;
    for (usize index = 0; index < waiting.part_count; ++index) {
        auto const& part = waiting.parts[index];
        resolved.from_cache &= part.from_cache;
        std::optional<Error> error = part.error;
        if (!error && part.answer && part.answer->outcome != dns::Outcome::Answer)
            error = resolver::check_outcome(part.answer->outcome).error();
        if (!error && !part.answer)
            error = Error(ResolverError::TimedOut, "no answer before the deadline");
        if (error) {
            if (!failure || rank(*error) > rank(*failure))
                failure = error;
            continue;
        }
        if (!answered) {
            resolved.canonical = resolver::name_text(part.answer->canonical);
            resolved.ttl_left = part.answer->ttl_left;
        }
        answered = true;
        if (part.answer->ttl_left < resolved.ttl_left)
            resolved.ttl_left = part.answer->ttl_left;
        for (auto const& address : part.answer->taken()) {
            if (resolved.addresses.try_append(resolver::address_of(address)).is_error())
                break;
        }
    }
    if (!answered)
        return *failure;
    return resolved;
}

ErrorOr<resolver::Resolved> Session::handle(resolver::Resolve const& request) { return m_server.resolve(m_index, request); }

ErrorOr<resolver::Counters> Session::handle(resolver::ReadCounters const&) { return m_server.counters(); }

Server::Server(net::SocketClient& network, Rng<Confidence::High>& random, Configuration const& configuration)
    : m_lookups(network, random, configuration)
{
    make_sessions();
}

Server::Server(TlsChannel& tls, Rng<Confidence::High>& random, Configuration const& configuration)
    : m_lookups(tls, random, configuration)
{
    make_sessions();
}

void Server::make_sessions()
{
    for (usize index = 0; index < maximum_sessions; ++index)
        new (m_sessions[index]) Session(*this, index);
}

ErrorOr<resolver::Resolved> Server::resolve(usize index, resolver::Resolve const& request)
{
    ++m_lookups.counters().resolves;
    Waiting waiting;
    waiting.name = TRY(resolver::name_of(request.name));
    if (!plan(waiting, request.families))
        return Error(ErrorCode::InvalidArgument, "families: ipv4 (4), ipv6 (6) or both (10)");
    u32 milliseconds = request.deadline_ms == 0 ? default_deadline_ms : request.deadline_ms;
    if (milliseconds > resolver::maximum_deadline_ms)
        milliseconds = resolver::maximum_deadline_ms;
    waiting.deadline = deadline_after(Duration::from_milliseconds(milliseconds));
    bool pending = false;
    for (usize part_index = 0; part_index < waiting.part_count; ++part_index) {
        auto& part = waiting.parts[part_index];
        if (auto cached = m_lookups.cached(waiting.name, part.type)) {
            ++m_lookups.counters().cache_hits;
            part.answer = cached;
            part.from_cache = true;
            part.done = true;
            continue;
        }
        auto asked = m_lookups.ask(waiting.name, part.type);
        if (asked.is_error()) {
            part.error = asked.release_error();
            part.done = true;
            continue;
        }
        pending = true;
    }
    if (!pending)
        return compose(waiting);
    waiting.used = true;
    waiting.call_id = m_call_id;
    m_waiting[index] = waiting;
    m_kept = true;
    return Error(ErrorCode::Busy, "kept: answered when its queries end");
}

void Server::reply(usize index, usize length)
{
    m_table.send_reply(index, std::span<u8 const>(m_reply, length));
}

void Server::handle(usize index, std::span<u8 const> request)
{
    auto envelope = protocol::read_envelope(request);
    if (!envelope.is_error() && envelope.value().message == resolve_number && m_waiting[index].used) {
        reply(index,
            protocol::encode_status_reply(m_reply, resolve_number, envelope.value().call_id, u16(ResolverError::Busy)));
        return;
    }
    m_call_id = envelope.is_error() ? 0 : envelope.value().call_id;
    m_kept = false;
    usize length = protocol::dispatch<Protocol>(session(index), request, m_reply);
    if (!m_kept)
        reply(index, length);
}

void Server::answer_if_done(usize index)
{
    auto& waiting = m_waiting[index];
    if (!waiting.used)
        return;
    bool done = true;
    for (usize part = 0; part < waiting.part_count; ++part)
        done &= waiting.parts[part].done;
    if (!done && endpoint::now_nanoseconds() < waiting.deadline)
        return;
    auto composed = compose(waiting);
    usize length = composed.is_error()
        ? protocol::encode_status_reply(
              m_reply, resolve_number, waiting.call_id, protocol::status_of<Protocol>(composed.error(), resolver::domain))
        : protocol::encode_message(m_reply, static_cast<u16>(resolve_number | protocol::reply_flag),
              protocol::status_success, waiting.call_id, composed.value())
              .value();
    waiting = Waiting();
    reply(index, length);
}

void Server::finished(Finished const& finished)
{
    for (usize index = 0; index < maximum_sessions; ++index) {
        auto& waiting = m_waiting[index];
        if (!waiting.used || !waiting.name.equals(finished.name))
            continue;
        for (usize part_index = 0; part_index < waiting.part_count; ++part_index) {
            auto& part = waiting.parts[part_index];
            if (part.done || part.type != finished.type)
                continue;
            part.done = true;
            part.answer = finished.answer;
            part.error = finished.error;
        }
        answer_if_done(index);
    }
}

bool Server::take_requests(usize index)
{
    /* Every reply dnsd owes this session must fit its replies Ring; dnsd takes bytes only. */
    auto length = m_table.take_request(index, m_request, m_waiting[index].used ? 1 : 0);
    if (!length)
        return false;
    handle(index, std::span<u8 const>(m_request, *length));
    return true;
}

ErrorOr<void> Server::serve(RingCap listen_requests, RingCap listen_replies)
{
    auto* table = TRY(session::Table::listen(m_table, std::move(listen_requests), std::move(listen_replies),
        session::geometry_of<Protocol>(), session::Limits { maximum_sessions, 1 }));
    table->on_change(
        this, [](void*, usize) {}, [](void* server, usize index) { static_cast<Server*>(server)->closed(index); });
    for (;;) {
        TRY(table->serve_listener());
        table->retry_reclaims();
        bool served = false;
        for (usize index = 0; index < table->capacity(); ++index)
            served |= take_requests(index);
        m_lookups.poll(this, [](void* server, Finished const& finished) { static_cast<Server*>(server)->finished(finished); });
        bool waiting = false;
        for (usize index = 0; index < table->capacity(); ++index) {
            answer_if_done(index);
            waiting |= m_waiting[index].used;
        }
        if (served)
            continue;
        if (waiting || m_lookups.in_flight() > 0)
            (void)endpoint::wait_until(table->wait_mask() | timer_bit.mask(),
                endpoint::now_nanoseconds() + poll_interval_nanoseconds, timer_bit);
        else
            (void)endpoint::wait(table->wait_mask());
    }
}

ErrorOr<void> run(ReticleCap const& memory, RingCap netd_requests, RingCap netd_replies, RingCap requests,
    RingCap replies, Configuration const& configuration, EntropySource& entropy, SignalCap const* ready)
{
    auto random = TRY(Rng<Confidence::High>::create(entropy));
    auto network = TRY(net::SocketClient::open(
        std::move(netd_requests), std::move(netd_replies), memory, net::SocketClient::default_transfer_bytes, netd_bits));
    auto placed = TRY(endpoint::memory(memory, sizeof(Server)));
    auto* server = new (placed.data()) Server(network, random, configuration);
    if (ready)
        TRY(endpoint::raise(*ready));
    auto served = server->serve(std::move(requests), std::move(replies));
    server->~Server();
    return served;
}

ErrorOr<void> run_tls(ReticleCap const& memory, RingCap tlsd_requests, RingCap tlsd_replies, RingCap requests,
    RingCap replies, Configuration const& configuration, TlsServer const& server, EntropySource& entropy,
    SignalCap const* ready)
{
    auto random = TRY(Rng<Confidence::High>::create(entropy));
    auto pool = TRY(endpoint::carve(memory, session::pool_size<tls_stream::Protocol>()));
    auto tlsd = TRY(tls_stream::Session::open(std::move(tlsd_requests), std::move(tlsd_replies), std::move(pool), tlsd_bits));
    auto frames = TRY(endpoint::memory(memory, dns::largest_frame_bytes));
    auto channel = TRY(TlsChannel::create(tlsd, server, frames));
    auto placed = TRY(endpoint::memory(memory, sizeof(Server)));
    auto* dnsd = new (placed.data()) Server(channel, random, configuration);
    if (ready)
        TRY(endpoint::raise(*ready));
    auto served = dnsd->serve(std::move(requests), std::move(replies));
    channel.close();
    dnsd->~Server();
    return served;
}

}
