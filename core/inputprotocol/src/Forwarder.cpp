/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/input/Forwarder.h>

namespace vectra::input::device {

ErrorOr<Client<Protocol>> bind_inputd(Bundle& bundle)
{
    return Client<Protocol>::bind(TRY(bundle.take<RingCap>("inputd_requests")), TRY(bundle.take<RingCap>("inputd_replies")));
}

ErrorOr<void> Forwarder::describe(Describe const& description)
{
    m_batch = {};
    TRY(m_inputd.call(description));
    return {};
}

ErrorOr<void> Forwarder::add(RawEvent const& event)
{
    if (m_batch.events.size() == maximum_events)
        TRY(flush());
    return m_batch.events.try_append(event);
}

ErrorOr<void> Forwarder::flush()
{
    if (m_batch.events.size() == 0)
        return {};
    usize count = m_batch.events.size();
    auto taken = m_inputd.call(m_batch);
    m_batch = {};
    if (taken.is_error() && taken.error().is(DeviceError::NotDescribed))
        return Error(ErrorCode::PeerRestarted, "inputd restarted: the driver starts again and describes the device");
    if (taken.is_error())
        return taken.release_error();
    m_sent += count;
    m_refused += taken.value().refused;
    return {};
}

}
