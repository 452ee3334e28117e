/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vsh's notifications through notifyd (Notifier.h).
 */

#include <vectra/Try.h>
#include <vsh/Notifier.h>

namespace vectra::vsh {

ErrorOr<u32> Notifier::post(std::string_view title, std::string_view body)
{
    notify::Post request;
    request.timeout_ms = notify_timeout_ms;
    for (char byte : title)
        TRY(request.title.try_append(u8(byte)));
    for (char byte : body)
        TRY(request.body.try_append(u8(byte)));
    return TRY(m_client.call(request)).notification;
}

}
