/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The host-sockets calls (vectra/kernel/HostSockets.h): look the DeviceCap up with the right each
 * needs, check it names host sockets, check the index and the address, then let the platform
 * talk to the host.
 */

#include <vectra/Try.h>
#include <vectra/kernel/HostSockets.h>
#include <vectra/platform/HostSockets.h>
#include "MessageInterrupts.h"

namespace vectra {

u32 HostSocketDevice::open_count() const
{
    u32 count = 0;
    for (auto descriptor : m_descriptors)
        count += descriptor >= 0 ? 1 : 0;
    return count;
}

ErrorOr<i32> HostSocketDevice::descriptor(u32 index) const
{
    if (index >= maximum_host_sockets || m_descriptors[index] < 0)
        return Error(ErrorCode::NotFound, "no open host socket at that index");
    return m_descriptors[index];
}

ErrorOr<u32> HostSocketDevice::adopt(i32 descriptor)
{
    for (u32 index = 0; index < maximum_host_sockets; ++index) {
        if (m_descriptors[index] < 0) {
            m_descriptors[index] = descriptor;
            platform::host_socket_watch(descriptor, false);
            return index;
        }
    }
    platform::host_socket_close(descriptor);
    return Error(ErrorCode::Full, "the capability holds as many host sockets as it may");
}

void HostSocketDevice::close(u32 index)
{
    if (index < maximum_host_sockets && m_descriptors[index] >= 0) {
        platform::host_socket_close(m_descriptors[index]);
        m_descriptors[index] = -1;
        m_forward_of[index] = no_forward;
        m_datagram[index] = false;
        m_watching_writable[index] = false;
    }
}

void HostSocketDevice::note_send(u32 index, HostSocketStatus status)
{
    if (index >= maximum_host_sockets || m_descriptors[index] < 0)
        return;
    /* Only a change is told to the host: most sends are done with nothing watched for room. */
    bool wanted = status == HostSocketStatus::WouldBlock;
    if (status != HostSocketStatus::Done && !wanted)
        return;
    if (m_watching_writable[index] == wanted)
        return;
    m_watching_writable[index] = wanted;
    platform::host_socket_watch(m_descriptors[index], wanted);
}

namespace {

bool same_address(HostAddress const& left, HostAddress const& right)
{
    if (left.family != right.family || left.port != right.port)
        return false;
    usize length = left.family == 6 ? 16 : 4;
    for (usize index = 0; index < length; ++index) {
        if (left.bytes[index] != right.bytes[index])
            return false;
    }
    return true;
}

}

ErrorOr<void> HostSocketDevice::add_forward(HostForward const& forward)
{
    bool families = (forward.from.family == 4 || forward.from.family == 6) && (forward.to.family == 4 || forward.to.family == 6);
    if (!families || forward.from.port == 0 || forward.to.port == 0)
        return Error(ErrorCode::InvalidArgument, "a forward names an IPv4 or IPv6 address and a port on both sides");
    if (is_loopback(forward.from))
        return Error(ErrorCode::InvalidArgument, "a forward's source is outside loopback (loopback is reached as it is)");
    if (!is_loopback(forward.to))
        return Error(ErrorCode::MissingRight, "a forward's target is a loopback address");
    if (forward.kind != HostSocketKind::TcpConnect && forward.kind != HostSocketKind::Udp)
        return Error(ErrorCode::InvalidArgument, "a forward carries TCP connects or UDP datagrams");
    if (forward_for(forward.from, forward.kind) != nullptr)
        return Error(ErrorCode::AlreadyExists, "that address and port are forwarded already");
    /* A datagram from `to` is reported as from one `from`: two UDP forwards to one target would make that a guess. */
    if (forward.kind == HostSocketKind::Udp && datagram_forward_from(forward.to) != nullptr)
        return Error(ErrorCode::AlreadyExists, "that target is a UDP forward's already");
    if (m_forward_count == maximum_host_forwards)
        return Error(ErrorCode::Full, "a host-sockets capability holds at most 8 forwards");
    m_forwards[m_forward_count++] = forward;
    return {};
}

HostForward const* HostSocketDevice::forward_for(HostAddress const& address, HostSocketKind kind) const
{
    for (u32 index = 0; index < m_forward_count; ++index) {
        if (m_forwards[index].kind == kind && same_address(m_forwards[index].from, address))
            return &m_forwards[index];
    }
    return nullptr;
}

HostForward const* HostSocketDevice::datagram_forward_from(HostAddress const& address) const
{
    for (u32 index = 0; index < m_forward_count; ++index) {
        if (m_forwards[index].kind == HostSocketKind::Udp && same_address(m_forwards[index].to, address))
            return &m_forwards[index];
    }
    return nullptr;
}

HostForward const* HostSocketDevice::forward_at(u32 index) const
{
    if (index >= maximum_host_sockets || m_forward_of[index] == no_forward)
        return nullptr;
    return &m_forwards[m_forward_of[index]];
}

void HostSocketDevice::set_forward_at(u32 index, HostForward const* forward)
{
    if (index < maximum_host_sockets)
        m_forward_of[index] = forward == nullptr ? no_forward : u8(forward - m_forwards);
}

void HostSocketDevice::close_all()
{
    for (u32 index = 0; index < maximum_host_sockets; ++index)
        close(index);
}

namespace {

ErrorOr<HostSocketDevice*> sockets_of(CapabilitySpace const& space, DeviceCap const& capability, Rights needed)
{
    if (TRY(space.lookup(capability, 0))->kind() != Device::Kind::HostSockets)
        return Error(ErrorCode::WrongClass, "the DeviceCap names a device that is not host sockets");
    return static_cast<HostSocketDevice*>(TRY(space.lookup(capability, needed)));
}

ErrorOr<HostAddress*> address_of(HostSocketCall const& call)
{
    if (call.address == nullptr)
        return Error(ErrorCode::InvalidArgument, "the operation needs an address");
    return call.address;
}

ErrorOr<void> check_permitted(HostSocketDevice const& device, HostAddress const& address)
{
    if (address.family != 4 && address.family != 6)
        return Error(ErrorCode::InvalidArgument, "an address is of family 4 or 6");
    if (device.loopback_only() && !is_loopback(address))
        return Error(ErrorCode::MissingRight, "this capability reaches loopback addresses only");
    return {};
}

}

ErrorOr<HostSocketResult> host_socket_call(CapabilitySpace const& space, DeviceCap const& capability, HostSocketCall const& call)
{
    bool reads_only = call.operation == HostSocketOperation::Ready || call.operation == HostSocketOperation::Local;
    HostSocketDevice* device = TRY(sockets_of(space, capability, reads_only ? RightRead : RightWrite));
    HostSocketResult result;
    switch (call.operation) {
    case HostSocketOperation::Open: {
        auto kind = HostSocketKind(call.extra & 0xff);
        if (kind != HostSocketKind::TcpListen && kind != HostSocketKind::TcpConnect && kind != HostSocketKind::Udp)
            return Error(ErrorCode::InvalidArgument, "no such host socket kind");
        /* One copy of the caller's address: what is checked is what the host is asked. */
        HostAddress address = *TRY(address_of(call));
        auto const* forward = kind == HostSocketKind::TcpConnect ? device->forward_for(address) : nullptr;
        if (forward != nullptr)
            address = forward->to;
        else
            TRY(check_permitted(*device, address));
        if (device->open_count() == maximum_host_sockets)
            return Error(ErrorCode::Full, "the capability holds as many host sockets as it may");
        auto descriptor = platform::host_socket_open(kind, address, u16(call.extra >> 8), result.status);
        if (descriptor.is_error())
            return result;
        result.value = TRY(device->adopt(descriptor.value()));
        device->set_forward_at(result.value, forward);
        device->set_datagram(result.value, kind == HostSocketKind::Udp);
        return result;
    }
    case HostSocketOperation::Accept: {
        i32 listener = TRY(device->descriptor(call.index));
        auto* address = TRY(address_of(call));
        if (device->open_count() == maximum_host_sockets)
            return Error(ErrorCode::Full, "the capability holds as many host sockets as it may");
        i32 accepted = platform::host_socket_accept(listener, *address, result.status);
        if (accepted < 0)
            return result;
        result.value = TRY(device->adopt(accepted));
        return result;
    }
    case HostSocketOperation::Send: {
        i32 descriptor = TRY(device->descriptor(call.index));
        if (call.address == nullptr) {
            auto sent = platform::host_socket_send(descriptor, call.bytes, nullptr);
            device->note_send(call.index, sent.status);
            return sent;
        }
        /* One copy of the caller's address, as for Open; a UDP forward's `from` becomes its `to`. */
        HostAddress destination = *call.address;
        auto const* forward = device->is_datagram(call.index) ? device->forward_for(destination, HostSocketKind::Udp) : nullptr;
        if (forward != nullptr)
            destination = forward->to;
        else
            TRY(check_permitted(*device, destination));
        auto sent = platform::host_socket_send(descriptor, call.bytes, &destination);
        device->note_send(call.index, sent.status);
        return sent;
    }
    case HostSocketOperation::Receive: {
        i32 descriptor = TRY(device->descriptor(call.index));
        auto* address = TRY(address_of(call));
        HostAddress from;
        auto received = platform::host_socket_receive(descriptor, call.bytes, from);
        /* A forwarded connection's peer is the address the Task connected to, not the host's port. */
        if (auto const* forward = device->forward_at(call.index))
            from = forward->from;
        /* A datagram from a UDP forward's target is the forwarded address's, as the Task addressed it. */
        if (received.status == HostSocketStatus::Done && device->is_datagram(call.index)) {
            if (auto const* forward = device->datagram_forward_from(from))
                from = forward->from;
        }
        *address = from;
        return received;
    }
    case HostSocketOperation::Shutdown:
        if (call.extra < 1 || call.extra > 3)
            return Error(ErrorCode::InvalidArgument, "how is 1 (receive), 2 (send) or 3 (both)");
        result.status = platform::host_socket_shutdown(TRY(device->descriptor(call.index)), u8(call.extra));
        return result;
    case HostSocketOperation::Close:
        TRY(device->descriptor(call.index));
        device->close(call.index);
        return result;
    case HostSocketOperation::Ready:
        result.value = platform::host_socket_ready(TRY(device->descriptor(call.index)));
        return result;
    case HostSocketOperation::Local: {
        i32 descriptor = TRY(device->descriptor(call.index));
        result.status = platform::host_socket_local(descriptor, *TRY(address_of(call)));
        return result;
    }
    }
    return Error(ErrorCode::InvalidArgument, "no such host-socket operation");
}

ErrorOr<IrqCap> host_sockets_interrupt(CapabilitySpace& space, DeviceCap const& sockets, ReticleCap const& memory, SignalBit bit)
{
    TRY(sockets_of(space, sockets, RightRead));
    return kernel::route_device_line(space, sockets, memory, platform::host_sockets_line(), bit,
        "the host-sockets line is routed to another holder");
}

}
