/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * initd's vectra.control server (ADR 0045 §6; include/initd/Control.h, ControlHandler.h): the
 * protocol's requests decoded by the declaration's dispatch, each checked completely before the
 * Supervisor is asked to act; the capability graph read from the boot table initd runs.
 */

#include <initd/Control.h>
#include <initd/ControlHandler.h>
#include <initd/Manifest.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/control/Protocol.h>
#include <vectra/protocol/Dispatch.h>

namespace vectra::initd {

using namespace vectra::control;

namespace {

Error refused(ControlRefusal refusal)
{
    switch (refusal) {
    case ControlRefusal::UnknownService:
        return Error(ControlError::UnknownService, "no Task of initd's has that name");
    case ControlRefusal::NotAService:
        return Error(ControlError::NotAService, "the Task is a check");
    case ControlRefusal::PolicyExhausted:
        return Error(ControlError::PolicyExhausted, "a restart now would exceed the service's restart policy");
    case ControlRefusal::Busy:
        return Error(ControlError::Busy, "the service is starting or backing off");
    case ControlRefusal::Grouped:
        return Error(ControlError::Grouped, "the service is supervised by a group");
    case ControlRefusal::NotRunning:
        return Error(ControlError::NotRunning, "the service is not running");
    case ControlRefusal::Running:
        return Error(ControlError::Running, "the service is running");
    case ControlRefusal::None:
        break;
    }
    return Error(ErrorCode::InvalidArgument, "no refusal");
}

ErrorOr<protocol::Done> done(ControlRefusal refusal)
{
    if (refusal != ControlRefusal::None)
        return refused(refusal);
    return protocol::Done {};
}

char const* kind_name(SlotKind kind)
{
    switch (kind) {
    case SlotKind::Console:
        return "console";
    case SlotKind::Memory:
        return "memory";
    case SlotKind::RequestRing:
        return "requests";
    case SlotKind::ReplyRing:
        return "replies";
    case SlotKind::Ready:
        return "ready";
    case SlotKind::Tasks:
        return "tasks";
    case SlotKind::SoftwareIrq:
        return "irq";
    case SlotKind::PciDevice:
        return "pci";
    case SlotKind::Display:
        return "display";
    case SlotKind::Disk:
        return "disk";
    case SlotKind::MmioSlot:
        return "mmio-slot";
    case SlotKind::HostSockets:
        return "host-sockets";
    case SlotKind::Entropy:
        return "entropy";
    case SlotKind::Config:
        return "data";
    case SlotKind::HostInput:
        return "input";
    case SlotKind::Snapshot:
        return "snapshot";
    }
    return "?";
}

usize edge_count()
{
    usize count = 0;
    for (usize index = 0; index < boot_manifest.task_count; ++index)
        count += boot_manifest.tasks[index].slot_count;
    return count;
}

}

ErrorOr<Services> ControlHandler::handle(ListServices const& request)
{
    usize total = m_services.service_count();
    if (request.first > total)
        return Error(ControlError::PastTheEnd, "the page starts past the last service");
    Services reply;
    reply.total = u16(total);
    for (usize index = request.first; index < total && reply.services.size() < services_per_page; ++index) {
        auto view = m_services.service(index);
        Service row;
        row.name = TRY(Name::try_from(view.name));
        row.state = view.state;
        row.restarts = view.restarts;
        row.maximum_restarts = view.maximum_restarts;
        if (view.ended)
            row.last_exit_status = view.last_exit_status;
        TRY(reply.services.try_append(row));
    }
    return reply;
}

ErrorOr<protocol::Done> ControlHandler::handle(Restart const& request) { return done(TRY(m_services.restart_service(request.name.view()))); }
ErrorOr<protocol::Done> ControlHandler::handle(Stop const& request) { return done(TRY(m_services.stop_service(request.name.view()))); }
ErrorOr<protocol::Done> ControlHandler::handle(Start const& request) { return done(TRY(m_services.start_service(request.name.view()))); }

ErrorOr<Edges> ControlHandler::handle(CapabilityGraph const& request)
{
    usize total = edge_count();
    if (request.first > total)
        return Error(ControlError::PastTheEnd, "the page starts past the last edge");
    Edges reply;
    reply.total = u16(total);
    usize number = 0;
    for (usize index = 0; index < boot_manifest.task_count; ++index) {
        TaskSpec const& task = boot_manifest.tasks[index];
        for (usize slot = 0; slot < task.slot_count; ++slot, ++number) {
            if (number < request.first || reply.edges.size() == edges_per_page)
                continue;
            SlotSpec const& spec = task.slots[slot];
            Edge edge;
            edge.holder = TRY(Name::try_from(task.name));
            edge.slot = TRY(Name::try_from(spec.name));
            edge.kind = TRY(FixedString<maximum_kind>::try_from(kind_name(spec.kind)));
            edge.rights = spec.rights;
            bool ring = spec.kind == SlotKind::RequestRing || spec.kind == SlotKind::ReplyRing;
            if (ring && spec.connection < boot_manifest.connection_count)
                edge.connection = TRY(Name::try_from(boot_manifest.connections[spec.connection].name));
            TRY(reply.edges.try_append(edge));
        }
    }
    return reply;
}

ErrorOr<void> answer_control(RingReceiver& inbox, RingSender& outbox, ControlledServices& services)
{
    u8 request[protocol::payload_capacity<Protocol>];
    u8 reply[protocol::payload_capacity<Protocol>];
    ControlHandler handler(services);
    for (;;) {
        auto received = inbox.try_receive(request);
        if (received.is_error()) {
            if (received.error().code() == ErrorCode::Empty)
                return {};
            if (received.error().code() == ErrorCode::InvalidArgument || received.error().code() == ErrorCode::MalformedMessage)
                continue; /* a slot the protocol does not take was dropped */
            return received.release_error();
        }
        /* vectra.control's requests carry no capability: one that came along is not kept. */
        if (received.value().has_capability)
            (void)system::remove(received.value().capability.handle, received.value().capability.capability_class);
        usize length = protocol::dispatch<Protocol>(handler, std::span<u8 const>(request, received.value().length), reply);
        auto sent = outbox.try_send(std::span<u8 const>(reply, length));
        /* A client that left no room for the reply loses it: initd never waits on its administrator. */
        if (sent.is_error() && sent.error().code() != ErrorCode::Full)
            return sent.release_error();
    }
}

}
