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
    }
}

void HostSocketDevice::close_all()
{
    for (u32 index = 0; index < maximum_host_sockets; ++index)
        close(index);
}

bool is_loopback(HostAddress const& address)
{
    if (address.family == 4)
        return address.bytes[0] == 127;
    if (address.family != 6)
        return false;
    for (usize index = 0; index < 10; ++index) {
        if (address.bytes[index] != 0)
            return false;
    }
    if (address.bytes[10] == 0xff && address.bytes[11] == 0xff)
        return address.bytes[12] == 127;
    if (address.bytes[10] != 0 || address.bytes[11] != 0 || address.bytes[12] != 0 || address.bytes[13] != 0
        || address.bytes[14] != 0)
        return false;
    return address.bytes[15] == 1;
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
        auto* address = TRY(address_of(call));
        TRY(check_permitted(*device, *address));
        if (device->open_count() == maximum_host_sockets)
            return Error(ErrorCode::Full, "the capability holds as many host sockets as it may");
        auto descriptor = platform::host_socket_open(kind, *address, u16(call.extra >> 8), result.status);
        if (descriptor.is_error())
            return result;
        result.value = TRY(device->adopt(descriptor.value()));
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
        if (call.address != nullptr)
            TRY(check_permitted(*device, *call.address));
        return platform::host_socket_send(descriptor, call.bytes, call.address);
    }
    case HostSocketOperation::Receive: {
        i32 descriptor = TRY(device->descriptor(call.index));
        auto* address = TRY(address_of(call));
        return platform::host_socket_receive(descriptor, call.bytes, *address);
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

}
