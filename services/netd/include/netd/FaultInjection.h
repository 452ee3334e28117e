/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Fault injection for netd's restart proof (CONFIG_NETD_FAULT_ON_CONNECT_PORT; 0, the default, is
 * off; never set it in a real image). netd built with it ends with a CPU fault — as a bug would end
 * it, not by exiting — when it handles the boot's first tcp-connect to the configured port, with
 * every session's sockets and waiting requests still open. The flag lives in static storage, which
 * a restart of the Task does not reset: it fires once per boot.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::netd {

class ConnectFault {
public:
    constexpr explicit ConnectFault(u16 port)
        : m_port(port)
    {
    }

    /* True for the first connect to the port; never again (and never for port 0: off). */
    [[nodiscard]] bool fires(u16 remote_port)
    {
        if (m_port == 0 || m_fired || remote_port != m_port)
            return false;
        m_fired = true;
        return true;
    }

private:
    u16 m_port { 0 };
    bool m_fired { false };
};

/* Ends netd with a CPU fault if the configured connect fault fires for `remote_port`. */
void fault_on_connect(u16 remote_port);

}
