/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The backend the netd Task started (Backend.h).
 */

#include <netd/Backend.h>
#include <vectra/Panic.h>

namespace vectra::netd {

namespace {

Backend* s_current { nullptr };

}

Backend& Backend::current()
{
    VERIFY(s_current != nullptr); /* netd starts its backend before it makes a session */
    return *s_current;
}

void Backend::install(Backend& backend) { s_current = &backend; }

}
