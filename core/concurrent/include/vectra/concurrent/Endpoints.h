/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Every kernel call and Ring binding the connection library, its services and its clients make,
 * in one place (src/Endpoints.cpp). Each acts for the calling Task: its own capability space,
 * its own Signal Mask. Nothing else in core/concurrent, core/fs, services/vfsd or the test
 * components binds a Ring end or calls the kernel for a connection.
 */

#pragma once

#include <optional>
#include <span>
#include <vectra/Capability.h>
#include <vectra/Error.h>
#include <vectra/Ring.h>
#include <vectra/SignalBit.h>

namespace vectra::endpoint {

/* Binds the producer end of `ring` (RightSend) for the calling Task; `space_bit` rises when a full Ring gets room. */
[[nodiscard]] ErrorOr<RingSender> bind_sender(RingCap const& ring, u64 schema_id, SignalBit space_bit);
/* Binds the consumer end (RightReceive); `doorbell` rises when an empty Ring gets a message. */
[[nodiscard]] ErrorOr<RingReceiver> bind_receiver(RingCap const& ring, u64 schema_id, SignalBit doorbell);

/* Takes the next message; a capability in its slot lands in the calling Task's space. */
[[nodiscard]] ErrorOr<ReceivedMessage> receive(RingReceiver&, std::span<u8> buffer);
/* Sends with a capability moved out of the calling Task's space (the handle is emptied on success). */
[[nodiscard]] ErrorOr<void> send_moving(RingSender&, std::span<u8 const> message, RingCap&& capability);
[[nodiscard]] ErrorOr<void> send_moving(RingSender&, std::span<u8 const> message, ReticleCap&& capability);
/* Sends with a derived copy (the `keep` subset of its rights; needs RightGrant) of one of the Task's capabilities. */
[[nodiscard]] ErrorOr<void> send_copy(RingSender&, std::span<u8 const> message, RingCap const& capability, Rights keep);
[[nodiscard]] ErrorOr<void> send_copy(RingSender&, std::span<u8 const> message, MemCap const& capability, Rights keep);

/* Sends, waiting on the Ring's space bit while it is full (a server's reply it has room for by its own rule). */
[[nodiscard]] ErrorOr<void> send_waiting_for_space(RingSender&, std::span<u8 const> message);

/* The monotonic clock, in nanoseconds since boot. */
[[nodiscard]] u64 now_nanoseconds();
/* Parks the calling Task until a bit of `mask` is pending; returns (and clears) those bits. */
u64 wait(u64 mask);
/* As wait(), but `timeout_bit` is raised (and returned) at `deadline_nanoseconds` if nothing came first. */
u64 wait_until(u64 mask, u64 deadline_nanoseconds, SignalBit timeout_bit);
/* Lets every other runnable Task run once. */
void yield();

/* Memory and Rings, in the calling Task's space. */
[[nodiscard]] ErrorOr<ReticleCap> carve(ReticleCap const& parent, usize size);
[[nodiscard]] ErrorOr<void> reclaim(ReticleCap const&);
[[nodiscard]] ErrorOr<RingCap> create_ring(ReticleCap const& memory, u32 slot_count, u32 slot_size, u64 schema_id);
[[nodiscard]] ErrorOr<RingCap> attenuate(RingCap const&, Rights keep);
[[nodiscard]] ErrorOr<void> remove(RingCap&&);
[[nodiscard]] ErrorOr<void> remove(ReticleCap&&);
[[nodiscard]] ErrorOr<ReticleCap> as_reticle(ReceivedCapability const&);
[[nodiscard]] ErrorOr<RingCap> as_ring(ReceivedCapability const&);
/* `size` zeroed bytes of a new memory object retyped from `from` (RightRetype), mapped writable: where a service places its own objects. */
[[nodiscard]] ErrorOr<std::span<u8>> memory(ReticleCap const& from, usize size);
/* Raises the bit a SignalCap (RightRaise) names: a ready signal, say. */
[[nodiscard]] ErrorOr<void> raise(SignalCap const&);
/* Drops a capability a message brought that the receiver does not keep. */
void discard(ReceivedCapability const&);

/* Memory a client lent with a request: the MemCap and how many bytes it holds. */
struct LentMemory {
    MemCap memory;
    usize size { 0 };
};
/*
 * The MemCap a request carried, checked for RightRead (and RightWrite when `writable`: the server
 * writes into it) and mapped to learn its size. InvalidArgument when none came, WrongClass for another class;
 * MissingRight without the rights; the mapping's error (a removed or revoked copy) otherwise.
 * A protocol reports each as its own buffer error.
 */
[[nodiscard]] ErrorOr<LentMemory> lent_memory(std::optional<ReceivedCapability> const&, bool writable);

}
