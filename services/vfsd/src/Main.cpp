/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vfsd's Task: one Ring inbox, one signal wait per loop, the footprint in footprint.json.
 */

#include <vectra/Executor.h>
#include <vectra/Signal.h>
#include <vectra/Try.h>
#include <vectra/config.h>
#include <vectra/kernel/Console.h>
#include <vectra/kernel/Entries.h>
#include <vfsd/Server.h>

namespace vectra::task_entries {

ErrorOr<i32> vfsd(Bundle& bundle)
{
    constexpr SignalBit request_bit { 0 };
    constexpr SignalBit space_bit { 1 };

    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto& self = this_task();
    auto& space = self.capabilities();
    auto receiver = TRY(RingReceiver::bind(space, requests, vfs::schema_id, self.signals(), request_bit));
    auto sender = TRY(RingSender::bind(space, replies, vfs::schema_id, self.signals(), space_bit));
    Reticle* reticle = TRY(space.lookup(memory, RightRetype));
    auto* filesystem = TRY(vfs::RamFilesystem::try_create(*reticle, CONFIG_VFSD_NODES, CONFIG_VFSD_BLOCKS));
    TRY(raise(space, ready));

    u8 request[vfs::ring_slot_size];
    u8 reply[vfs::ring_slot_size];
    for (;;) {
        (void)wait(request_bit.mask());
        for (;;) {
            auto received = receiver.try_receive(request);
            if (received.is_error()) {
                if (received.error().code() == ErrorCode::Empty)
                    break;
                /* A slot the client corrupted, or a capability vfsd does not take: answer nothing, keep serving. */
                TRY(print_line(console, "vfsd: dropped a request: {}", received.error().message()));
                if (received.error().code() == ErrorCode::PeerRestarted)
                    return received.release_error();
                continue;
            }
            usize length = vfs::handle_request(*filesystem, std::span<u8 const>(request, received.value().length), reply);
            while (sender.try_send(std::span<u8 const>(reply, length)).is_error())
                (void)wait(space_bit.mask());
        }
    }
}

}
