/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <netd/FaultInjection.h>
#include <vectra/Panic.h>
#include <vectra/config.h>

namespace vectra::netd {

namespace {

constinit ConnectFault s_fault { CONFIG_NETD_FAULT_ON_CONNECT_PORT };

}

void fault_on_connect(u16 remote_port)
{
    if (!s_fault.fires(remote_port))
        return;
    auto* volatile target = reinterpret_cast<u64 volatile*>(0x4000'0000'0000ull); /* 64 TiB: mapped on no platform */
    *target = 1;
    VERIFY_NOT_REACHED();
}

}
