/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * inputd's Task (docs/adr/0040-inputd.md): its footprint checked, its keymap, repeat and display
 * size taken from its configuration (ADR 0037), then the client listener, the two device
 * connections and the focus connection served from one loop (Server.h). An image with one driver
 * leaves the second device connection to nobody: it simply never carries a request.
 */

#include <inputd/Configuration.h>
#include <inputd/Server.h>
#include <vectra/Configuration.h>
#include <vectra/Service.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/inputd.h>

VECTRA_TASK_ENTRY(inputd);

static_assert(vectra::configuration_matches<vectra::inputd::InputConfiguration, vectra::footprints::inputd_configuration>(),
    "inputd::InputConfiguration differs from the \"config\" declared in services/inputd/footprint.json");

namespace vectra::task_entries {

ErrorOr<i32> inputd(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::inputd)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    inputd::ConnectionRings devices[] {
        { TRY(bundle.take<RingCap>("device0_requests")), TRY(bundle.take<RingCap>("device0_replies")) },
        { TRY(bundle.take<RingCap>("device1_requests")), TRY(bundle.take<RingCap>("device1_replies")) },
    };
    inputd::ConnectionRings focus { TRY(bundle.take<RingCap>("focus_requests")), TRY(bundle.take<RingCap>("focus_replies")) };
    auto ready = TRY(bundle.take<SignalCap>("ready"));

    auto configuration = inputd::configuration_from(TRY(take_slot_message(bundle, configuration_slot_name)));
    if (configuration.is_error()) {
        TRY(print_line(console, "inputd: its configuration is refused: {}", configuration.error().message()));
        return configuration.release_error();
    }
    auto const& chosen = configuration.value();
    TRY(print_line(console, "inputd: keymap {}, repeat after {} ms at {}/s, pointer scaled to {}x{}; up to {} clients",
        chosen.keymap->name, chosen.repeat.delay_milliseconds, chosen.repeat.rate_per_second, chosen.width, chosen.height,
        inputd::maximum_sessions));
    TRY(inputd::run(memory, std::move(requests), std::move(replies), devices, &focus, chosen, &ready));
    return 0;
}

}
