/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * @name@'s Task: the service pattern — its footprint checked, one Ring inbox, one signal wait per
 * loop (core/concurrent's serve), restarted by initd per its policy. The handler answers each
 * request with the same bytes; the service's real work goes there.
 */

#include <@name@/Protocol.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>

VECTRA_TASK_ENTRY(@name@);

namespace vectra::task_entries {

namespace {

namespace protocol = services::@name@;

/* Kept in step with footprint.json, which the build checks boot manifests against. */
constexpr SlotRequirement footprint[] = {
    { "console", CapabilityClass::Device, RightWrite },
    { "requests", CapabilityClass::Ring, RightReceive },
    { "replies", CapabilityClass::Ring, RightSend },
    { "ready", CapabilityClass::Signal, RightRaise },
};

usize answer(std::span<u8 const> request, std::span<u8> reply)
{
    __builtin_memcpy(reply.data(), request.data(), request.size());
    return request.size();
}

}

ErrorOr<i32> @name@(Bundle& bundle)
{
    constexpr SignalBit request_bit { 0 };
    constexpr SignalBit space_bit { 1 };

    TRY(check_footprint(bundle, footprint));
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto inbox = TRY(RingReceiver::bind(requests, protocol::schema_id, request_bit));
    auto outbox = TRY(RingSender::bind(replies, protocol::schema_id, space_bit));
    /* Said before the ready bit: raising it may hand the CPU straight to initd. */
    TRY(print_line(console, "@name@: serving"));
    TRY(system::raise(ready));

    u8 request[protocol::ring_slot_size];
    u8 reply[protocol::ring_slot_size];
    TRY(serve(inbox, outbox, request, reply, answer));
    return 0;
}

}
