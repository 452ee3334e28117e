/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Session.h>
#include <vectra/Try.h>
#include <vectra/block/Client.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra::block {

namespace {

using P = Protocol;

Error error_of(u16 status) { return protocol::error_of_status(status, domain); }

}

ErrorOr<Client> Client::open(RingCap listen_requests, RingCap listen_replies, ReticleCap const& memory, ConnectionBits bits)
{
    /* Each session its own pool: the donation, the child Reticle's descriptor beside it and a page of alignment. */
    auto pool = TRY(endpoint::carve(memory, session::donation_size<P>() + 2 * 4096));
    auto listener = Connection::unbound(std::move(listen_requests), std::move(listen_replies), session::schema_id, bits);
    auto connection = TRY(session::open(listener, pool, session::geometry_of<P>(), session::donation_size<P>(), bits,
        deadline_after(default_timeout)));
    return Client(std::move(connection), std::move(pool));
}

template<typename Request>
ErrorOr<u32> Client::submit(Request const& request, MemCap const* memory, Rights keep)
{
    u8 bytes[protocol::payload_capacity<P>];
    u32 call_id = m_next_call_id++;
    usize length = TRY(protocol::encode_request<P>(request, call_id, bytes));
    u64 deadline = deadline_after(default_timeout);
    if (memory)
        TRY(m_connection.send(std::span<u8 const>(bytes, length), *memory, keep, deadline));
    else
        TRY(m_connection.send(std::span<u8 const>(bytes, length), deadline));
    return call_id;
}

ErrorOr<u32> Client::submit_read(u64 block, u32 count, MemCap const& memory, u64 offset)
{
    return submit(Read { block, count, offset }, &memory, RightRead | RightWrite | RightGrant);
}

ErrorOr<u32> Client::submit_write(u64 block, u32 count, MemCap const& memory, u64 offset, bool force_unit_access)
{
    return submit(Write { block, count, offset, force_unit_access }, &memory, RightRead | RightGrant);
}

ErrorOr<Completion> Client::complete(Duration timeout)
{
    u8 reply[protocol::payload_capacity<P>];
    auto received = TRY(m_connection.receive(reply, deadline_after(timeout)));
    if (received.has_capability)
        endpoint::discard(received.capability);
    auto envelope = TRY(protocol::read_envelope(std::span<u8 const>(reply, received.length)));
    Completion completion { envelope.call_id, envelope.message, {} };
    if (envelope.status != protocol::status_success)
        completion.result = error_of(envelope.status);
    return completion;
}

ErrorOr<usize> Client::wait_for(u32 call_id, std::span<u8> reply)
{
    u64 deadline = deadline_after(default_timeout);
    for (;;) {
        auto received = TRY(m_connection.receive(reply, deadline));
        if (received.has_capability)
            endpoint::discard(received.capability);
        auto envelope = protocol::read_envelope(reply.first(received.length));
        if (!envelope.is_error() && envelope.value().call_id == call_id)
            return received.length;
    }
}

template<typename Request>
ErrorOr<protocol::ReplyOf<P, Request>> Client::call(Request const& request, MemCap const* memory, Rights keep)
{
    u32 call_id = TRY(submit(request, memory, keep));
    u8 reply[protocol::payload_capacity<P>];
    usize length = TRY(wait_for(call_id, reply));
    std::span<u8 const> bytes(reply, length);
    auto envelope = TRY(protocol::read_envelope(bytes));
    if (envelope.status != protocol::status_success)
        return error_of(envelope.status);
    protocol::ReplyOf<P, Request> decoded {};
    if (protocol::decode_body(bytes, decoded).is_error())
        return Error(ErrorCode::MalformedMessage, "a reply that does not decode");
    return decoded;
}

ErrorOr<Geometry> Client::select_partition(std::string_view name)
{
    return call(SelectPartition { TRY(PartitionName::try_from(name)) });
}

ErrorOr<Geometry> Client::info() { return call(Info {}); }

ErrorOr<Counters> Client::counters() { return call(ReadCounters {}); }

ErrorOr<void> Client::read(u64 block, u32 count, MemCap const& memory, u64 offset)
{
    TRY(call(Read { block, count, offset }, &memory, RightRead | RightWrite | RightGrant));
    return {};
}

ErrorOr<void> Client::write(u64 block, u32 count, MemCap const& memory, u64 offset, bool force_unit_access)
{
    TRY(call(Write { block, count, offset, force_unit_access }, &memory, RightRead | RightGrant));
    return {};
}

ErrorOr<void> Client::flush()
{
    TRY(call(Flush {}));
    return {};
}

ErrorOr<void> Client::discard(u64 block, u32 count)
{
    TRY(call(Discard { block, count }));
    return {};
}

ErrorOr<void> Client::write_zeroes(u64 block, u32 count)
{
    TRY(call(WriteZeroes { block, count }));
    return {};
}

}
