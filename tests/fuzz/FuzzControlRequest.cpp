/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a vectra.control request, answered by initd's own handler
 * (services/initd ControlHandler.h) through the declaration's dispatch. The services it acts on
 * are a model of initd's (names, states, a restart policy each) that applies exactly the rules
 * the Supervisor does; the target checks the dispatch invariants (DispatchFuzzer.h), that a
 * refused request changed nothing, and that no state leaves the protocol's range. The capability
 * graph pages a boot table of this target's own.
 */

#include "DispatchFuzzer.h"
#include <cstring>
#include <initd/ControlHandler.h>
#include <initd/Manifest.h>
#include <vectra/TaskEntry.h>

using namespace vectra;
using namespace vectra::initd;

VECTRA_TASK_ENTRY(fuzz_unused);

namespace vectra::task_entries {

ErrorOr<i32> fuzz_unused(Bundle&) { return 0; }

}

namespace vectra::initd {

namespace {

constexpr ConnectionSpec connections[] = { { "control", "vectra.control", control::schema_id, 2, 2048, false } };
constexpr SlotSpec slots[] = {
    { "control_replies", SlotKind::ReplyRing, 0, RightReceive },
    { "control_requests", SlotKind::RequestRing, 0, RightSend },
    { "ready", SlotKind::Ready, 0, RightRaise },
};
constexpr TaskSpec tasks[] = {
    { "admin", &task_entries::fuzz_unused, TaskKind::Check, Band::Person, 128, 16, slots, 2, {}, Expectation::Success, nullptr, supervised_by_initd, 0, 0, processor_boot },
    { "echo", &task_entries::fuzz_unused, TaskKind::Service, Band::Person, 128, 16, slots + 2, 1, { 2, 1000, 1 }, Expectation::Success, nullptr, supervised_by_initd, 1, 0, processor_boot },
};

}

BootManifest const boot_manifest { "fuzz", tasks, 2, connections, 1, 0 };

}

namespace {

/* Services as initd keeps them: state numbers of control::ServiceState, restarts against a policy of 2. */
struct Model final : ControlledServices {
    struct Entry {
        char const* name;
        u8 state;
        u32 restarts;
    };
    Entry entries[3] = { { "echo", 3, 0 }, { "idle", 3, 2 }, { "slow", 2, 0 } };

    usize service_count() const override { return 3; }
    ServiceView service(usize index) const override
    {
        VERIFY(index < 3);
        return { entries[index].name, entries[index].state, entries[index].restarts, 2, entries[index].restarts > 0, -1 };
    }
    Entry* find(std::string_view name, ControlRefusal& refusal)
    {
        refusal = name == "admin" ? ControlRefusal::NotAService : ControlRefusal::UnknownService;
        for (auto& entry : entries) {
            if (name == entry.name) {
                refusal = ControlRefusal::None;
                return &entry;
            }
        }
        return nullptr;
    }
    /* Stop or restart: only a ready service, a restart only within its policy. */
    ControlRefusal end(std::string_view name, bool restart)
    {
        ControlRefusal refusal;
        auto* entry = find(name, refusal);
        if (!entry)
            return refusal;
        if (entry->state == 2 || entry->state == 4)
            return ControlRefusal::Busy;
        if (entry->state != 3)
            return ControlRefusal::NotRunning;
        if (restart && entry->restarts >= 2)
            return ControlRefusal::PolicyExhausted;
        entry->restarts += restart ? 1 : 0;
        entry->state = restart ? 2 : 6;
        return ControlRefusal::None;
    }
    ErrorOr<ControlRefusal> restart_service(std::string_view name) override { return end(name, true); }
    ErrorOr<ControlRefusal> stop_service(std::string_view name) override { return end(name, false); }
    ErrorOr<ControlRefusal> start_service(std::string_view name) override
    {
        ControlRefusal refusal;
        auto* entry = find(name, refusal);
        if (!entry)
            return refusal;
        if (entry->state != 5 && entry->state != 6)
            return ControlRefusal::Running;
        entry->restarts = 0;
        entry->state = 2;
        return ControlRefusal::None;
    }
};

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    Model model;
    ControlHandler handler(model);
    Model::Entry before[3];
    memcpy(before, model.entries, sizeof(before));
    auto outcome = test::fuzz_dispatch<control::Protocol>(handler, std::span<u8 const>(data, size));
    if (outcome.refused)
        VERIFY(memcmp(before, model.entries, sizeof(before)) == 0);
    for (auto const& entry : model.entries)
        VERIFY(entry.state >= 1 && entry.state <= 6 && entry.restarts <= 2);
    return 0;
}
