/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * virtio-net's Task, one entry per transport: virtio_net brings up a virtio-net-pci function
 * (receive queue 0 and transmit queue 1 on MSI-X entries 0 and 1, or both on the INTx pin when
 * the function has no MSI-X), virtio_net_mmio the virtio-net device in a virtio-mmio slot (aarch64;
 * both queues on the slot's one line). Both: reset, VERSION_1 + MAC + STATUS negotiated, no
 * offloads, its footprint checked, vectra.link served to netd on the direct connection the
 * manifest gives it (one loop over driver::VirtioDevice). When the device breaks a queue, every
 * outstanding request is answered `device-failed`, the device is reset and the Task ends (initd
 * restarts it per its policy; netd sees PeerRestarted).
 */

#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/config.h>
#include <string_view>
#include <vectra/Format.h>
#include <vectra/driver/VirtioMmio.h>
#include <vectra/driver/VirtioPci.h>
#include <vectra/footprints/virtio_net.h>
#include <vectra/footprints/virtio_net_mmio.h>
#include <virtionet/Link.h>

VECTRA_TASK_ENTRY(virtio_net);
VECTRA_TASK_ENTRY(virtio_net_mmio);

namespace vectra::task_entries {

namespace {

using P = net::link::Protocol;

constexpr u16 queue_size = 256;
constexpr SignalBit receive_bit { 8 };
constexpr SignalBit transmit_bit { 9 };
/* virtio-net's configuration as far as Configuration::read looks (MAC, status, queue pairs, MTU, …). */
constexpr usize configuration_bytes = 64;
/* Component data, which a restart of the Task does not reset: the injected fault fires once per boot. */
constinit u64 s_fault_after_frames = CONFIG_VIRTIO_NET_FAULT_AFTER_FRAMES;

/* The image's injected driver bug (CONFIG_VIRTIO_NET_FAULT_AFTER_FRAMES): a write through an address nothing maps. */
[[noreturn]] void fault_now()
{
    auto* volatile target = reinterpret_cast<u64 volatile*>(0x4000'0000'0000ull); /* 64 TiB: mapped on no platform */
    *target = 1;
    VERIFY_NOT_REACHED();
}

/* The Link's view of the device (virtionet::Device, which the host test simulates), over either transport. */
class LinkDevice final : public virtionet::Device {
public:
    explicit LinkDevice(driver::VirtioDevice& device)
        : m_device(device)
    {
    }
    ErrorOr<u64> dma_address(MemCap const& memory) const override { return m_device.dma_address(memory); }
    void notify(u16 queue) override { m_device.notify(queue); }
    void reset() override { (void)m_device.reset(); }

private:
    driver::VirtioDevice& m_device;
};

/* Requests taken, and replies sent, in one kernel call each: up to this many at a time — no more
   than one receive burst can carry (the kernel's 2048-byte buffer holds 17 records at this
   protocol's largest payload), so a burst returning fewer than asked means the Ring is empty or a
   capability waits at its head. */
constexpr usize burst_limit = 16;

/* Replies gathered and sent in bursts (ADR 0029, amendment 2026-12-07). */
class Replies {
public:
    explicit Replies(ServerConnection& connection)
        : m_connection(connection)
    {
    }
    /* Where the next reply is encoded. */
    [[nodiscard]] std::span<u8> next() { return m_bytes[m_count]; }
    /* The reply encoded at next(), `length` bytes; a full batch goes out. */
    [[nodiscard]] ErrorOr<void> add(usize length)
    {
        m_messages[m_count] = std::span<u8 const>(m_bytes[m_count], length);
        if (++m_count == burst_limit)
            return flush();
        return {};
    }
    /* Sends every gathered reply, waiting on the Ring's space bit while it is full. */
    [[nodiscard]] ErrorOr<void> flush()
    {
        usize sent = 0;
        while (sent < m_count) {
            auto burst = m_connection.outbox().try_send_burst(std::span<std::span<u8 const> const>(m_messages + sent, m_count - sent));
            if (burst.is_error() && burst.error().code() != ErrorCode::Full)
                return burst.release_error();
            usize count = burst.is_error() ? 0 : burst.value();
            if (count == 0)
                (void)endpoint::wait(m_connection.outbox().space_bit().mask());
            sent += count;
        }
        m_count = 0;
        return {};
    }

private:
    ServerConnection& m_connection;
    u8 m_bytes[burst_limit][protocol::payload_capacity<P>];
    std::span<u8 const> m_messages[burst_limit];
    usize m_count { 0 };
};

/* One request to the Link; its reply, when it has one now, gathered. */
ErrorOr<void> take_one(virtionet::Link& link, Replies& replies, std::span<u8 const> request, std::optional<ReceivedCapability> capability)
{
    usize length = link.take(request, capability, replies.next());
    if (length != 0)
        TRY(replies.add(length));
    return {};
}

ErrorOr<void> take_requests(ServerConnection& connection, virtionet::Link& link, Replies& replies)
{
    /* Once per batch: the lent region's copy still exists (revoked with buffers at the device: serving ends). */
    bool checked = false;
    auto check = [&]() -> ErrorOr<void> {
        if (!checked)
            TRY(link.check_lent());
        checked = true;
        return {};
    };
    for (;;) {
        /* Requests without a capability, up to burst_limit in one call; a slot carrying one (a lend) ends a burst. */
        std::optional<Error> failure;
        auto burst = connection.inbox().receive_burst(burst_limit, [&](std::span<u8 const> request) {
            if (failure)
                return;
            auto taken = check();
            if (!taken.is_error())
                taken = take_one(link, replies, request, std::nullopt);
            if (taken.is_error())
                failure = taken.release_error();
        });
        if (failure)
            return std::move(*failure);
        if (burst.is_error() && burst.error().code() != ErrorCode::Empty)
            return burst.release_error();
        if (!burst.is_error() && burst.value() == burst_limit)
            continue;
        /* Fewer than a burst: the Ring is empty, or a capability waits at its head. */
        u8 request[protocol::payload_capacity<P>];
        auto received = endpoint::receive(connection.inbox(), request);
        if (received.is_error()) {
            /* Full: no room in this Task's space for a lend's MemCap. */
            if (received.error().code() == ErrorCode::Empty || received.error().code() == ErrorCode::Full)
                return {};
            return received.release_error();
        }
        TRY(check());
        std::optional<ReceivedCapability> capability;
        if (received.value().has_capability)
            capability = received.value().capability;
        TRY(take_one(link, replies, std::span<u8 const>(request, received.value().length), capability));
    }
}

ErrorOr<void> serve(ServerConnection& connection, virtionet::Link& link, driver::VirtioDevice& device,
    driver::VirtioQueue& receive, driver::VirtioQueue& transmit)
{
    u64 mask = connection.inbox().doorbell().mask() | receive_bit.mask() | transmit_bit.mask();
    Replies replies(connection);
    u64 woken = 0;
    for (;;) {
        /* Acknowledge before looking: a buffer used after the look raises the bit again. The device's
           own acknowledge first (the ISR read deasserts an INTx pin; a virtio-mmio slot's InterruptACK).
           A transmit queue sharing the receive queue's line has no IrqCap: its bit is never raised. */
        if (woken & receive_bit.mask()) {
            device.interrupted(receive);
            TRY(system::acknowledge_interrupt(receive.interrupt));
        }
        if ((woken & transmit_bit.mask()) && transmit.entry != driver::queue_shares_intx) {
            device.interrupted(transmit);
            TRY(system::acknowledge_interrupt(transmit.interrupt));
        }
        for (;;) {
            auto finished = link.take_finished(replies.next());
            if (finished.is_error()) {
                /* The device broke a queue: answer everything it held, then end (and be restarted). */
                while (usize length = link.answer_outstanding(replies.next()))
                    TRY(replies.add(length));
                TRY(replies.flush());
                return finished.release_error();
            }
            if (finished.value() == 0)
                break;
            TRY(replies.add(finished.value()));
        }
        if (s_fault_after_frames != 0 && link.frames_received() >= s_fault_after_frames) {
            s_fault_after_frames = 0;
            fault_now(); /* with the client's buffers at the device */
        }
        TRY(take_requests(connection, link, replies));
        TRY(replies.flush());
        link.publish();
        /* Each queue asks for an interrupt at its next used entry; entries the device used before
           it could see that are taken now rather than waited for (Link::prepare_to_wait). */
        woken = link.prepare_to_wait() ? endpoint::wait(mask) : 0;
    }
}

/*
 * The two queues, set up apart from the entries (never inlined) and kept where the ErrorOr holding
 * them lies: a queue's ring bookkeeping is some 4 KiB, and the copies set-up makes on the way must
 * not stay in the entry's frame under the serving loop's (the Task has 32 KiB of stack).
 */
struct Queues {
    driver::VirtioQueue receive;
    driver::VirtioQueue transmit;
};

/* PCI: MSI-X entries 0 and 1 where the function has MSI-X; its one INTx pin for both queues where it has not. */
[[gnu::noinline]] ErrorOr<Queues> set_up_queues(driver::VirtioPciDevice& device, ReticleCap const& memory, bool intx)
{
    bool event_index = (device.features() & virtio::feature_event_index) != 0;
    return Queues {
        TRY(device.set_up_queue(memory, virtio::net::receive_queue, queue_size, intx ? pci_interrupt_intx : u16(0),
            receive_bit, event_index)),
        TRY(device.set_up_queue(memory, virtio::net::transmit_queue, queue_size, intx ? driver::queue_shares_intx : u16(1),
            transmit_bit, event_index)),
    };
}

/* virtio-mmio: the slot's one line, which the receive queue binds and the transmit queue shares. */
[[gnu::noinline]] ErrorOr<Queues> set_up_queues(driver::VirtioMmioDevice& device, ReticleCap const& memory)
{
    bool event_index = (device.features() & virtio::feature_event_index) != 0;
    return Queues {
        TRY(device.set_up_queue(memory, virtio::net::receive_queue, queue_size, receive_bit, event_index)),
        TRY(device.set_up_queue(memory, virtio::net::transmit_queue, queue_size, transmit_bit, event_index)),
    };
}

/*
 * What both entries do once the device is open and its queues set up: the headers' memory, the
 * device started, vectra.link served until a Ring or a queue fails, the device reset.
 * `device_name` and `signal` say which device and which interrupts, for the start-up line.
 */
ErrorOr<i32> serve_link(Bundle& bundle, ConsoleCap const& console, ReticleCap const& memory, driver::VirtioDevice& device,
    driver::VirtioQueue& receive, driver::VirtioQueue& transmit, std::string_view device_name, std::string_view signal)
{
    auto requests_ring = TRY(bundle.take<RingCap>("requests"));
    auto replies_ring = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    u8 configuration_copy[configuration_bytes] {};
    usize length = TRY(device.read_device_configuration(configuration_copy));
    auto configuration = TRY(virtio::net::Configuration::read(configuration_copy, length, device.features()));
    /* The headers the device reads (transmit) and writes (receive), in memory it sees. */
    auto header_memory = TRY(system::create_memory(memory, 4096));
    auto headers = TRY(system::map_memory(header_memory));
    u64 headers_address = TRY(device.dma_address(header_memory));
    device.start();

    LinkDevice link_device(device);
    virtionet::Link link(link_device, receive.ring, transmit.ring, headers, headers_address, configuration);
    auto connection = TRY(ServerConnection::bind(requests_ring, replies_ring, net::link::schema_id));
    TRY(endpoint::raise(ready));
    auto const& mac = configuration.mac;
    auto link_info = link.info();
    TRY(print_line(console, "virtio-net: {}, MAC {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}, link {}, MTU {}; features {:#x}; queues of {} on {}; {} receive buffers and {} transmits outstanding",
        device_name, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], link_info.up ? "up" : "down",
        link_info.mtu, device.features(), receive.ring.layout().size, signal,
        link_info.receive_limit, link_info.transmit_limit));
    /* When this returns, the Link's end resets the device before the lent region's copy goes: the
       device touches no memory this Task's end gives back. */
    auto served = serve(connection, link, device, receive, transmit);
    if (served.is_error()) {
        TRY(print_line(console, "virtio-net: ending: {} ({})", error_code_name(served.error().code()), served.error().message()));
        return served.release_error();
    }
    return 0;
}

}

ErrorOr<i32> virtio_net(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::virtio_net)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto pci = TRY(bundle.take<PciDeviceCap>("device"));
    auto info = TRY(system::pci_describe(pci));
    auto device = TRY(driver::VirtioPciDevice::open(pci, memory, virtio::net::wanted_features | virtio::feature_event_index));
    bool intx = !device.has_msix();
    auto queues = set_up_queues(device, memory, intx);
    if (queues.is_error())
        return queues.release_error();
    FixedString<16> device_name;
    format_into(device_name, "{:04x}:{:04x}", info.vendor_id, info.device_id);
    return serve_link(bundle, console, memory, device, queues.value().receive, queues.value().transmit, device_name.view(),
        intx ? "the INTx pin" : "MSI-X entries 0 and 1");
}

ErrorOr<i32> virtio_net_mmio(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::virtio_net_mmio)); /* generated from mmio.footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto slot = TRY(bundle.take<VirtioMmioSlotCap>("device"));
    auto info = TRY(system::mmio_slot_describe(slot));
    driver::SlotRegisters registers(slot);
    /* Reset (a restarted driver finds the device as the last one left it), negotiate. */
    auto device = TRY(driver::VirtioMmioDevice::open(slot, registers, virtio::net::wanted_features | virtio::feature_event_index));
    auto queues = set_up_queues(device, memory);
    if (queues.is_error())
        return queues.release_error();
    auto names = driver::name_slot(info);
    return serve_link(bundle, console, memory, device, queues.value().receive, queues.value().transmit, names.device.view(),
        names.line.view());
}

}
