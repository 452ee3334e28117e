/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vectra.control, declared once: what initd serves the image's one administrator Task (vctl) on
 * a direct connection the manifest creates for the Task that says `"control": true` (ADR 0045 §6).
 * No other Task holds either Ring, so no other Task can ask.
 *
 * `list-services` pages through initd's services (16 a page, from `first`): name, state, restarts
 * inside the policy's window, and the last exit status when it has ended. `restart` stops a
 * service as a crash would — its Rings reset, so its clients see PeerRestarted and bind again —
 * and spawns it afresh at once, counted against its restart policy; `stop` stops it and leaves
 * it stopped (its clients see PeerRestarted, and then nobody answers until `start`); `start`
 * spawns a stopped (or given-up) service afresh with its history cleared. Services inside a
 * group are the group's to supervise: the group is named instead. `capability-graph` pages
 * through the boot table initd runs (12 edges a page): every slot of every Task's Bundle —
 * holder, slot, kind, rights, the connection a Ring belongs to.
 *
 * initd answers one request at a time from its supervision loop; each request is decoded and
 * checked completely before anything changes.
 */

#pragma once

#include <optional>
#include <vectra/BoundedVector.h>
#include <vectra/FixedString.h>
#include <vectra/protocol/Declaration.h>

namespace vectra::control {

enum class ControlError : u16 {
    UnknownService = 1,
    NotAService = 2,
    PolicyExhausted = 3,
    Busy = 4,
    Grouped = 5,
    NotRunning = 6,
    Running = 7,
    PastTheEnd = 8,
};

inline constexpr usize services_per_page = 16;
inline constexpr usize edges_per_page = 12;
inline constexpr usize maximum_name = 31;  /* a manifest name: 1-31 of [a-z0-9_-] */
inline constexpr usize maximum_kind = 12;

/* A service's state, as initd sees it. */
enum class ServiceState : u8 {
    NotStarted = 1,
    Starting = 2,   /* spawned, not yet ready */
    Ready = 3,
    BackingOff = 4, /* ended; restarted after its back-off */
    GivenUp = 5,    /* ended past its policy */
    Stopped = 6,    /* stopped through vectra.control */
};

using Name = FixedString<maximum_name>;

struct ListServices {
    u16 first { 0 };
    static constexpr auto fields() { return vectra::fields(field("first", &ListServices::first)); }
};

struct Service {
    Name name;
    u8 state { 0 };                     /* a ServiceState */
    u32 restarts { 0 };                 /* inside the policy's window, the one under way included */
    u32 maximum_restarts { 0 };         /* the policy's */
    std::optional<i32> last_exit_status; /* -1 for a panic, fault or stop; absent until it ends */
    static constexpr auto fields()
    {
        return vectra::fields(field("name", &Service::name), field("state", &Service::state), field("restarts", &Service::restarts),
            field("maximum_restarts", &Service::maximum_restarts), field("last_exit_status", &Service::last_exit_status));
    }
};

struct Services {
    BoundedVector<Service, services_per_page> services;
    u16 total { 0 };
    static constexpr auto fields() { return vectra::fields(field("services", &Services::services), field("total", &Services::total)); }
};

struct Restart {
    Name name;
    static constexpr auto fields() { return vectra::fields(field("name", &Restart::name)); }
};

struct Stop {
    Name name;
    static constexpr auto fields() { return vectra::fields(field("name", &Stop::name)); }
};

struct Start {
    Name name;
    static constexpr auto fields() { return vectra::fields(field("name", &Start::name)); }
};

struct CapabilityGraph {
    u16 first { 0 };
    static constexpr auto fields() { return vectra::fields(field("first", &CapabilityGraph::first)); }
};

/* One grant of the boot table: `holder`'s Bundle slot `slot` holds a capability of `kind` with `rights`. */
struct Edge {
    Name holder;
    Name slot;
    FixedString<maximum_kind> kind; /* console, memory, requests, replies, ready, tasks, irq, pci, display, disk, mmio-slot, host-sockets, entropy, data, input, snapshot */
    u32 rights { 0 };               /* vectra/Rights.h bits */
    Name connection;                /* a Ring's connection; empty otherwise */
    static constexpr auto fields()
    {
        return vectra::fields(field("holder", &Edge::holder), field("slot", &Edge::slot), field("kind", &Edge::kind),
            field("rights", &Edge::rights), field("connection", &Edge::connection));
    }
};

struct Edges {
    BoundedVector<Edge, edges_per_page> edges;
    u16 total { 0 };
    static constexpr auto fields() { return vectra::fields(field("edges", &Edges::edges), field("total", &Edges::total)); }
};

struct Protocol {
    static constexpr std::string_view name = "vectra.control";
    static constexpr u16 version = 1;
    static constexpr u32 slot_count = 2;
    static constexpr u32 slot_size = 2048;
    using Errors = ControlError;

    static constexpr auto errors()
    {
        using protocol::error;
        return protocol::errors(error(ControlError::UnknownService, "unknown-service", "no Task of initd's has that name"),
            error(ControlError::NotAService, "not-a-service", "the Task is a check: it runs once and is not controlled"),
            error(ControlError::PolicyExhausted, "policy-exhausted", "a restart now would exceed the service's restart policy"),
            error(ControlError::Busy, "busy", "the service is starting or backing off: a restart is in progress"),
            error(ControlError::Grouped, "grouped", "the service is supervised by a group: control the group"),
            error(ControlError::NotRunning, "not-running", "the service is stopped or given up: start it"),
            error(ControlError::Running, "running", "the service is running: stop or restart it"),
            error(ControlError::PastTheEnd, "past-the-end", "the page starts past the last entry"));
    }

    static constexpr auto messages()
    {
        using protocol::message;
        return protocol::messages(
            message<ListServices, Services>("list-services", "initd's services from `first`, 16 a page: name, state, restarts in the policy's window, last exit status; with the total."),
            message<Restart, protocol::Done>("restart", "Stops the service (its Rings reset: clients see PeerRestarted) and spawns it afresh, counted against its restart policy."),
            message<Stop, protocol::Done>("stop", "Stops the service and leaves it stopped (its Rings reset)."),
            message<Start, protocol::Done>("start", "Spawns a stopped or given-up service afresh, its restart history cleared."),
            message<CapabilityGraph, Edges>("capability-graph", "The boot table's grants from `first`, 12 a page: holder, slot, kind, rights, connection; with the total."));
    }
};

inline constexpr ErrorDomain domain = protocol::error_domain<Protocol>();
constexpr ErrorDomain const& error_domain(ControlError) { return domain; }
inline constexpr u64 schema_id = protocol::schema_id<Protocol>;

}
