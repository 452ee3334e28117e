/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * What vsh's `notify TITLE [BODY]` posts through (docs/adr/0048-notifyd.md): a session of
 * notifyd's vectra.notify when the Task was granted one (entry `vsh_notifying`), else none, and
 * the command says there is no notification service.
 */

#pragma once

#include <string_view>
#include <vectra/Error.h>
#include <vectra/Session.h>
#include <vectra/notify/Protocol.h>

namespace vectra::vsh {

using NotifyClient = session::SessionClient<notify::Protocol>;

inline constexpr u32 notify_timeout_ms = 5000;

class Notifier {
public:
    explicit Notifier(NotifyClient& client)
        : m_client(client)
    {
    }
    /* Posts `title` and `body` for notify_timeout_ms; the notification's id, or notifyd's refusal. */
    [[nodiscard]] ErrorOr<u32> post(std::string_view title, std::string_view body);

private:
    NotifyClient& m_client;
};

}
