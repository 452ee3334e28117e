/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A session service Task and client Tasks over a real session listener, for the benchmarks
 * whose sides talk through sessions (BenchProtocols.cpp, BenchFonts.cpp, BenchNet.cpp): both get the
 * listener's Rings ("requests", "replies"), each a Reticle of its own ("memory"); the client runs
 * until it ends, then the listener is reset (the service's loop ends with PeerRestarted) and both
 * are reaped.
 */

#pragma once

#include "../TestSupport.h"
#include <initializer_list>
#include <vector>
#include <vectra/Session.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/Ring.h>

namespace vectra::bench {

struct SessionPairSizes {
    usize service_memory { 256 * KiB };
    usize client_memory { 1 * MiB };
    usize stack { 64 * KiB };
};

/* What a service Task is granted besides the listener and its memory (BenchNetHost.cpp: the host-sockets capability). */
using GrantService = void (*)(Task& service, CapabilitySpace& parent, Reticle& memory);

/*
 * A service Task and several client Tasks on one listener (each client a Reticle of its own of
 * `client_memory`): the clients run until each ended, in order, then the listener is reset.
 */
inline void run_session_clients(TaskEntry service_entry, std::initializer_list<TaskEntry> client_entries, SessionPairSizes sizes,
    GrantService grant_service = nullptr)
{
    test::Arena arena(sizes.service_memory + client_entries.size() * sizes.client_memory + 4 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    using session::Protocol;
    Ring* requests_ring = MUST(Ring::try_create(arena.reticle(), Protocol::slot_count, Protocol::slot_size, session::schema_id));
    Ring* replies_ring = MUST(Ring::try_create(arena.reticle(), Protocol::slot_count, Protocol::slot_size, session::schema_id));
    auto requests = MUST(parent.mint<CapabilityClass::Ring>(requests_ring, all_rights));
    auto replies = MUST(parent.mint<CapabilityClass::Ring>(replies_ring, all_rights));
    Reticle* service_memory = MUST(arena.reticle().try_carve(sizes.service_memory));
    auto service_reticle = MUST(parent.mint<CapabilityClass::Reticle>(service_memory, all_rights));
    Task* service = MUST(executor.spawn(arena.reticle(), { "service", service_entry, sizes.stack }));
    MUST(service->bundle().grant("requests", parent, requests, RightReceive));
    MUST(service->bundle().grant("replies", parent, replies, RightSend));
    MUST(service->bundle().grant("memory", parent, service_reticle, RightRetype));
    if (grant_service)
        grant_service(*service, parent, arena.reticle());
    std::vector<Reticle*> client_memories;
    std::vector<Task*> clients;
    for (auto entry : client_entries) {
        Reticle* client_memory = MUST(arena.reticle().try_carve(sizes.client_memory));
        auto client_reticle = MUST(parent.mint<CapabilityClass::Reticle>(client_memory, all_rights));
        Task* client = MUST(executor.spawn(arena.reticle(), { "client", entry, sizes.stack }));
        MUST(client->bundle().grant("requests", parent, requests, RightSend));
        MUST(client->bundle().grant("replies", parent, replies, RightReceive));
        MUST(client->bundle().grant("memory", parent, client_reticle, RightRetype));
        client_memories.push_back(client_memory);
        clients.push_back(client);
    }
    for (Task* client : clients)
        (void)executor.run_until_exit(*client);
    requests_ring->reset();
    (void)executor.run_until_exit(*service);
    for (Task* client : clients)
        MUST(executor.reap(*client));
    MUST(executor.reap(*service));
    for (Reticle* client_memory : client_memories)
        client_memory->~Reticle();
    service_memory->~Reticle();
}

inline void run_session_pair(TaskEntry service_entry, TaskEntry client_entry, SessionPairSizes sizes)
{
    run_session_clients(service_entry, { client_entry }, sizes);
}

}
