/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string_view>
#include <vectra/Error.h>
#include <vectra/Ring.h>

namespace vectra::initd {

/*
 * vectra.control in initd (ADR 0045 §6). The Supervisor binds its ends of the connection the
 * manifest compiler made for the Task marked "control" (BootManifest::control_connection) to
 * these bits of its mask, and on the request bit calls answer_control() from its loop: every
 * waiting request, one at a time, decoded and checked before anything changes. The protocol's
 * types stay in the server (src/ControlServer.cpp, with CONFIG_INITD_CONTROL; src/NoControl.cpp
 * otherwise): the Supervisor answers in these terms.
 */
inline constexpr SignalBit control_request_bit { 62 };
inline constexpr SignalBit control_space_bit { 63 };

/* Why a request is refused (each one of vectra.control's errors), or None: it was done. */
enum class ControlRefusal : u8 {
    None,
    UnknownService,
    NotAService,
    PolicyExhausted,
    Busy,
    Grouped,
    NotRunning,
    Running,
};

/* One of initd's services as vectra.control lists it (state: control::ServiceState's numbers). */
struct ServiceView {
    std::string_view name;
    u8 state { 0 };
    u32 restarts { 0 };
    u32 maximum_restarts { 0 };
    bool ended { false };
    i32 last_exit_status { 0 };
};

/* What the server asks of the Supervisor. Each action checks first and changes nothing when it refuses. */
class ControlledServices {
public:
    [[nodiscard]] virtual usize service_count() const = 0;
    [[nodiscard]] virtual ServiceView service(usize index) const = 0;
    [[nodiscard]] virtual ErrorOr<ControlRefusal> restart_service(std::string_view name) = 0;
    [[nodiscard]] virtual ErrorOr<ControlRefusal> stop_service(std::string_view name) = 0;
    [[nodiscard]] virtual ErrorOr<ControlRefusal> start_service(std::string_view name) = 0;

protected:
    ~ControlledServices() = default;
};

/* Answers every request waiting in `inbox`; a reply the client left no room for is dropped (counted). */
[[nodiscard]] ErrorOr<void> answer_control(RingReceiver& inbox, RingSender& outbox, ControlledServices&);

}
