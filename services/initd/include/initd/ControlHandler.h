/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <initd/Control.h>
#include <vectra/control/Protocol.h>

namespace vectra::initd {

/*
 * vectra.control's handler (one method per message, for protocol::dispatch): the Supervisor's
 * answers (ControlledServices) in the protocol's terms, every refusal as the declared error; the
 * capability graph from boot_manifest. With CONFIG_INITD_CONTROL only (src/ControlServer.cpp).
 */
class ControlHandler {
public:
    explicit ControlHandler(ControlledServices& services)
        : m_services(services)
    {
    }

    ErrorOr<control::Services> handle(control::ListServices const&);
    ErrorOr<protocol::Done> handle(control::Restart const&);
    ErrorOr<protocol::Done> handle(control::Stop const&);
    ErrorOr<protocol::Done> handle(control::Start const&);
    ErrorOr<control::Edges> handle(control::CapabilityGraph const&);

private:
    ControlledServices& m_services;
};

}
