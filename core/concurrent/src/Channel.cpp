/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Channel.h>
#include <vectra/System.h>
#include <vectra/Try.h>

namespace vectra {

ErrorOr<ChannelSender> ChannelSender::bind(RingCap const& ring, u64 schema_id, SignalBit space_bit)
{
    return ChannelSender(TRY(RingSender::bind(ring, schema_id, space_bit)));
}

ErrorOr<void> ChannelSender::send(std::span<u8 const> message)
{
    for (;;) {
        auto sent = m_ring.try_send(message);
        if (!sent.is_error() || sent.error().code() != ErrorCode::Full)
            return sent;
        /* The consumer raises the bit when it makes the full Ring non-full; a raise since the try stays pending. */
        (void)system::wait(m_ring.space_bit().mask());
    }
}

ErrorOr<usize> ChannelReceiver::add_producer(RingCap const& ring, SignalBit doorbell)
{
    if (m_count == maximum_producers)
        return Error(ErrorCode::Full, "the channel has as many producers as it can take");
    if ((m_doorbells & doorbell.mask()) != 0)
        return Error(ErrorCode::AlreadyExists, "another producer of this channel uses that doorbell bit");
    m_receivers[m_count] = TRY(RingReceiver::bind(ring, m_schema_id, doorbell));
    m_doorbells |= doorbell.mask();
    return m_count++;
}

ErrorOr<ChannelMessage> ChannelReceiver::try_receive(std::span<u8> buffer)
{
    for (usize turn = 0; turn < m_count; ++turn) {
        usize index = (m_next + turn) % m_count;
        auto received = m_receivers[index]->try_receive(buffer);
        if (received.is_error()) {
            if (received.error().code() == ErrorCode::Empty)
                continue;
            return received.release_error();
        }
        m_next = (index + 1) % m_count;
        return ChannelMessage { received.value().length, index };
    }
    return Error(ErrorCode::Empty, "no producer of the channel has a message");
}

ErrorOr<ChannelMessage> ChannelReceiver::receive(std::span<u8> buffer)
{
    if (m_count == 0)
        return Error(ErrorCode::NotFound, "the channel has no producers to wait for");
    for (;;) {
        auto received = try_receive(buffer);
        if (!received.is_error() || received.error().code() != ErrorCode::Empty)
            return received;
        /*
         * Every Ring was empty when looked at, so the next publish on any of them is an
         * empty → non-empty transition and raises its doorbell. A bit left over from a message
         * taken earlier only costs one more look.
         */
        (void)system::wait(m_doorbells);
    }
}

}
