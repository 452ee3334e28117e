/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A driver's side of vectra.input.device (docs/adr/0040-inputd.md §1, §6): the device described
 * once, then its raw events forwarded in batches of up to maximum_events. Shared by every input
 * driver that feeds inputd — the virtio-input driver's `virtio_input_forward` and the hosted
 * window's `host_input_forward` — so they forward alike.
 */

#pragma once

#include <vectra/Bundle.h>
#include <vectra/Connection.h>
#include <vectra/input/DeviceProtocol.h>

namespace vectra::input::device {

/* A driver's connection to inputd, from the `inputd_requests` and `inputd_replies` slots of its Bundle. */
[[nodiscard]] ErrorOr<Client<Protocol>> bind_inputd(Bundle&);

class Forwarder {
public:
    explicit Forwarder(Client<Protocol>& inputd)
        : m_inputd(inputd)
    {
    }

    /* Says what the device is; the batch starts empty (a describe again after a restart forgets held keys). */
    [[nodiscard]] ErrorOr<void> describe(Describe const&);
    /* Adds one event to the batch, sending a full batch first. */
    [[nodiscard]] ErrorOr<void> add(RawEvent const&);
    /*
     * Sends the batch, if any. An inputd that answers `not-described` restarted: PeerRestarted,
     * for the driver to end and its supervisor to start it again (it then describes again).
     */
    [[nodiscard]] ErrorOr<void> flush();
    /* Events sent so far, and the ones inputd refused. */
    [[nodiscard]] u64 sent() const { return m_sent; }
    [[nodiscard]] u64 refused() const { return m_refused; }

private:
    Client<Protocol>& m_inputd;
    Events m_batch;
    u64 m_sent { 0 };
    u64 m_refused { 0 };
};

}
