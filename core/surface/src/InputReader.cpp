/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/surface/InputReader.h>

namespace vectra::surface {

ErrorOr<bool> InputReader::take(SurfaceClient& client, InputEvents& events)
{
    auto reply = TRY(m_read.take(client));
    if (!reply)
        return false;
    events = *reply;
    return true;
}

}
