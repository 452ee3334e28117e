/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio-net's Task: its footprint checked, its virtio-net-pci function brought up (reset,
 * VERSION_1 + MAC + STATUS negotiated, no offloads; receive queue 0 and transmit queue 1 on MSI-X
 * entries 0 and 1, or both on the INTx pin when the function has no MSI-X), vectra.link served to
 * netd on the direct connection the manifest gives it. When the device breaks a queue, every
 * outstanding request is answered `device-failed`, the device is reset and the Task ends (initd
 * restarts it per its policy; netd sees PeerRestarted).
 */

#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <vectra/driver/VirtioPci.h>
#include <vectra/footprints/virtio_net.h>
#include <virtionet/Link.h>

VECTRA_TASK_ENTRY(virtio_net);

namespace vectra::task_entries {

namespace {

using P = net::link::Protocol;

constexpr u16 queue_size = 256;
constexpr SignalBit receive_bit { 8 };
constexpr SignalBit transmit_bit { 9 };
/* Component data, which a restart of the Task does not reset: the injected fault fires once per boot. */
constinit u64 s_fault_after_frames = CONFIG_VIRTIO_NET_FAULT_AFTER_FRAMES;

/* The image's injected driver bug (CONFIG_VIRTIO_NET_FAULT_AFTER_FRAMES): a write through an address nothing maps. */
[[noreturn]] void fault_now()
{
    auto* volatile target = reinterpret_cast<u64 volatile*>(0x4000'0000'0000ull); /* 64 TiB: mapped on no platform */
    *target = 1;
    VERIFY_NOT_REACHED();
}

class PciDevice final : public virtionet::Device {
public:
    explicit PciDevice(driver::VirtioPciDevice& device)
        : m_device(device)
    {
    }
    ErrorOr<u64> dma_address(MemCap const& memory) const override { return m_device.dma_address(memory); }
    void notify(u16 queue) override { m_device.notify(queue); }

private:
    driver::VirtioPciDevice& m_device;
};

ErrorOr<void> send(ServerConnection& connection, std::span<u8 const> reply)
{
    return endpoint::send_waiting_for_space(connection.outbox(), reply);
}

ErrorOr<void> take_requests(ServerConnection& connection, virtionet::Link& link)
{
    u8 request[protocol::payload_capacity<P>];
    u8 reply[protocol::payload_capacity<P>];
    for (;;) {
        auto received = endpoint::receive(connection.inbox(), request);
        if (received.is_error()) {
            /* Full: no room in this Task's space for the request's MemCap; it waits until a buffer comes back. */
            if (received.error().code() == ErrorCode::Empty || received.error().code() == ErrorCode::Full)
                return {};
            return received.release_error();
        }
        std::optional<ReceivedCapability> capability;
        if (received.value().has_capability)
            capability = received.value().capability;
        usize length = link.take(std::span<u8 const>(request, received.value().length), capability, reply);
        if (length != 0)
            TRY(send(connection, std::span<u8 const>(reply, length)));
    }
}

ErrorOr<void> serve(ServerConnection& connection, virtionet::Link& link, driver::VirtioPciDevice& device,
    driver::VirtioQueue& receive, driver::VirtioQueue& transmit, bool intx)
{
    u64 mask = connection.inbox().doorbell().mask() | receive_bit.mask() | transmit_bit.mask();
    u8 reply[protocol::payload_capacity<P>];
    for (;;) {
        u64 woken = endpoint::wait(mask);
        /* Acknowledge before looking: a buffer used after the look raises the bit again. */
        if (intx && (woken & receive_bit.mask())) {
            (void)device.interrupt_status(); /* deasserts the line before it is unmasked */
            TRY(system::acknowledge_interrupt(receive.interrupt));
        }
        if (!intx && (woken & receive_bit.mask()))
            TRY(system::acknowledge_interrupt(receive.interrupt));
        if (!intx && (woken & transmit_bit.mask()))
            TRY(system::acknowledge_interrupt(transmit.interrupt));
        for (;;) {
            auto finished = link.take_finished(reply);
            if (finished.is_error()) {
                /* The device broke a queue: answer everything it held, then end (and be restarted). */
                while (usize length = link.answer_outstanding(reply))
                    TRY(send(connection, std::span<u8 const>(reply, length)));
                return finished.release_error();
            }
            if (finished.value() == 0)
                break;
            TRY(send(connection, std::span<u8 const>(reply, finished.value())));
        }
        if (s_fault_after_frames != 0 && link.frames_received() >= s_fault_after_frames) {
            s_fault_after_frames = 0;
            fault_now(); /* with the client's buffers at the device */
        }
        TRY(take_requests(connection, link));
        link.publish();
    }
}

}

ErrorOr<i32> virtio_net(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::virtio_net)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto pci = TRY(bundle.take<PciDeviceCap>("device"));
    auto requests_ring = TRY(bundle.take<RingCap>("requests"));
    auto replies_ring = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto info = TRY(system::pci_describe(pci));
    auto device = TRY(driver::VirtioPciDevice::open(pci, memory, virtio::net::wanted_features | virtio::feature_event_index));
    auto const* region = TRY(device.device_configuration());
    auto configuration = TRY(virtio::net::Configuration::read(region->base, region->length, device.features()));
    bool event_index = (device.features() & virtio::feature_event_index) != 0;
    /* MSI-X entries 0 and 1 where the function has MSI-X; its one INTx pin for both queues where it has not. */
    bool intx = !device.has_msix();
    auto receive = TRY(device.set_up_queue(memory, virtio::net::receive_queue, queue_size,
        intx ? pci_interrupt_intx : u16(0), receive_bit, event_index));
    auto transmit = TRY(device.set_up_queue(memory, virtio::net::transmit_queue, queue_size,
        intx ? driver::queue_shares_intx : u16(1), transmit_bit, event_index));
    /* The headers the device reads (transmit) and writes (receive), in memory it sees. */
    auto header_memory = TRY(system::create_memory(memory, 4096));
    auto headers = TRY(system::map_memory(header_memory));
    u64 headers_address = TRY(device.dma_address(header_memory));
    device.start();

    PciDevice link_device(device);
    virtionet::Link link(link_device, receive.ring, transmit.ring, headers, headers_address, configuration);
    auto connection = TRY(ServerConnection::bind(requests_ring, replies_ring, net::link::schema_id));
    TRY(endpoint::raise(ready));
    auto const& mac = configuration.mac;
    auto link_info = link.info();
    TRY(print_line(console, "virtio-net: {:04x}:{:04x}, MAC {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}, link {}, MTU {}; features {:#x}; queues of {} on {}; {} receive buffers and {} transmits outstanding",
        info.vendor_id, info.device_id, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], link_info.up ? "up" : "down",
        link_info.mtu, device.features(), receive.ring.layout().size, intx ? "the INTx pin" : "MSI-X entries 0 and 1",
        link_info.receive_limit, link_info.transmit_limit));
    auto served = serve(connection, link, device, receive, transmit, intx);
    /* The device must not touch memory this Task's end gives back: reset it. */
    (void)device.reset();
    if (served.is_error()) {
        TRY(print_line(console, "virtio-net: ending: {} ({})", error_code_name(served.error().code()), served.error().message()));
        return served.release_error();
    }
    return 0;
}

}
