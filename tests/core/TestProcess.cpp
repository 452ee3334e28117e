/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <string.h>
#include <vector>
#include <vectra/Arguments.h>
#include <vectra/Bundle.h>
#include <vectra/Configuration.h>
#include <vectra/Process.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/encoding/Binary.h>
#include <vectra/kernel/Executor.h>
#include <vectra/kernel/MemoryObject.h>

using namespace vectra;

namespace {

/*
 * A Task whose Bundle a supervisor filled, and the supervisor's own space: the child side of
 * these tests runs inside the Task, where Bundle::take and the kernel calls act for it.
 */
struct Family {
    test::Arena arena { 1 * MiB };
    SignalMask mask; /* outlives the space that names it */
    CapabilitySpace parent { allocate_space_id() };
    std::vector<std::pair<std::string, std::vector<u8>>> raw_slots;
    std::vector<Rights> raw_rights;

    /* Grants the child `bytes` as the slot `name`, raw: what a careless or hostile parent could place. */
    void grant_raw(std::string_view name, std::vector<u8> const& bytes, Rights rights = RightRead)
    {
        raw_slots.emplace_back(std::string(name), bytes);
        raw_rights.push_back(rights);
    }

    /* Runs `body` in a Task holding the raw slots. */
    template<typename Body>
    ErrorOr<i32> run_child(Body&& body)
    {
        return test::run_as_task(arena.reticle(), [&](Task& task) {
            for (usize index = 0; index < raw_slots.size(); ++index) {
                auto const& [name, bytes] = raw_slots[index];
                auto memory = MemoryObject::try_create(arena.reticle(), parent, bytes.size()).release_value();
                auto view = writable_view(parent, memory).release_value();
                memcpy(view.data(), bytes.data(), bytes.size());
                REQUIRE_FALSE(task.bundle().grant(name, parent, memory, raw_rights[index]).is_error());
            }
        }, body);
    }
};

/* Runs `body` as a parent Task holding "memory" (a Reticle to spawn from) and "tasks" (RightSpawn). */
template<typename Body>
ErrorOr<i32> run_parent(test::Arena& arena, Body&& body)
{
    CapabilitySpace supervisor(allocate_space_id());
    Reticle* child_memory = arena.reticle().try_carve(512 * KiB).release_value();
    auto memory = supervisor.mint<CapabilityClass::Reticle>(child_memory, all_rights).release_value();
    auto result = test::run_as_task(arena.reticle(), [&](Task& task) {
        auto tasks = supervisor.mint<CapabilityClass::Task>(&task, RightSpawn | RightGrant | RightMove).release_value();
        REQUIRE_FALSE(task.bundle().grant("memory", supervisor, memory, RightRetype).is_error());
        REQUIRE_FALSE(task.bundle().give("tasks", supervisor, std::move(tasks)).is_error());
    }, body);
    (void)supervisor.clear();
    return result;
}

/* Spawns `entry` from the parent's Bundle authority, lets `fill` grant into it, runs it; its exit status. */
template<typename Fill>
ErrorOr<i32> spawn_and_run(Bundle& bundle, TaskEntry entry, Fill&& fill)
{
    constexpr SignalBit exit_bit { 5 };
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto tasks = TRY(bundle.take<TaskCap>("tasks"));
    SpawnRequest request { "child", entry };
    request.notify_on_exit = true;
    request.exit_bit = exit_bit;
    auto child = TRY(system::spawn(tasks, memory, request));
    TRY(fill(child, memory));
    (void)system::wait(exit_bit.mask());
    auto status = TRY(system::task_status(child));
    TRY(system::reap(std::move(child)));
    if (status.exit_cause != ExitCause::Returned)
        return Error(status.exit_error, "the child did not return");
    return status.exit_status;
}

Arguments make_arguments(std::initializer_list<std::string_view> values)
{
    Arguments arguments;
    for (auto value : values)
        REQUIRE_FALSE(arguments.values.try_append(Arguments::Value::try_from(value).release_value()).is_error());
    return arguments;
}

EnvironmentVariable variable(std::string_view name, std::string_view value)
{
    EnvironmentVariable result;
    REQUIRE_FALSE(result.name.try_assign(name).is_error());
    REQUIRE_FALSE(result.value.try_assign(value).is_error());
    return result;
}

/* The canonical message of a one-argument list, written by hand so tests can break it. */
std::vector<u8> one_argument_message(std::string_view text)
{
    std::vector<u8> bytes { 1, 0 };
    u32 body = 4 + 4 + static_cast<u32>(text.size());
    for (int shift = 0; shift < 32; shift += 8)
        bytes.push_back(static_cast<u8>(body >> shift));
    bytes.insert(bytes.end(), { 1, 0, 0, 0 });
    for (int shift = 0; shift < 32; shift += 8)
        bytes.push_back(static_cast<u8>(text.size() >> shift));
    bytes.insert(bytes.end(), text.begin(), text.end());
    return bytes;
}

ErrorOr<ExitStatus> says_usage(Bundle&) { return ExitStatus::Usage; }
ErrorOr<ExitStatus> fails(Bundle&) { return Error(ErrorCode::NotFound, "failing on purpose"); }

/* A Task written in the process shape: its exit status says whether its arguments were as expected. */
ErrorOr<ExitStatus> echo_main(Bundle& bundle)
{
    Arguments arguments;
    if (take_arguments(bundle, arguments).is_error())
        return ExitStatus::Usage;
    Environment environment;
    if (take_environment(bundle, environment).is_error())
        return ExitStatus::Usage;
    if (arguments.count() != 2 || arguments[0] != "echo" || arguments[1] != "hello")
        return ExitStatus::Failure;
    if (environment.find("HOME") != std::optional<std::string_view>("/home"))
        return ExitStatus::Failure;
    return ExitStatus::Success;
}

}

TEST_CASE("exit statuses have stable numbers and names, and other numbers are refused")
{
    REQUIRE(static_cast<u8>(ExitStatus::Success) == 0);
    REQUIRE(static_cast<u8>(ExitStatus::Failure) == 1);
    REQUIRE(static_cast<u8>(ExitStatus::Usage) == 2);
    REQUIRE(static_cast<u8>(ExitStatus::Unavailable) == 3);
    REQUIRE(static_cast<u8>(ExitStatus::Denied) == 4);
    REQUIRE(static_cast<u8>(ExitStatus::BadInput) == 5);
    REQUIRE(std::string_view(exit_status_name(ExitStatus::Unavailable)) == "Unavailable");
    for (i32 number = 0; number <= last_exit_status; ++number)
        REQUIRE(static_cast<i32>(exit_status_from(number).value()) == number);
    REQUIRE(exit_status_from(-1).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(exit_status_from(last_exit_status + 1).error().code() == ErrorCode::InvalidArgument);
}

TEST_CASE("task_main turns a process main into a TaskEntry: the status becomes its number, an error stays")
{
    TaskEntry usage = task_main<says_usage>;
    TaskEntry failing = task_main<fails>;
    Bundle bundle;
    REQUIRE(usage(bundle).value() == 2);
    REQUIRE(failing(bundle).error().code() == ErrorCode::NotFound);
}

namespace {

Arguments echo_arguments() { return make_arguments({ "echo", "hello" }); }

Environment home_environment()
{
    Environment environment;
    REQUIRE_FALSE(environment.variables.try_append(variable("HOME", "/home")).is_error());
    REQUIRE_FALSE(environment.variables.try_append(variable("LANG", "C.UTF-8")).is_error());
    return environment;
}

/* The child of the round-trip test: reads both slots and checks them (and that they are read-only). */
ErrorOr<i32> round_trip_child(Bundle& bundle)
{
    Bundle::SlotDescription slots[Bundle::capacity];
    usize count = TRY(bundle.describe(slots));
    if (count != 2 || slots[0].rights != RightRead || slots[1].rights != RightRead)
        return 10;
    Arguments read;
    TRY(take_arguments(bundle, read));
    if (read.count() != 4 || read[0] != "vfsd" || read[3] != "ünïcode")
        return 11;
    Environment environment;
    TRY(take_environment(bundle, environment));
    if (environment.count() != 2 || environment.find("A") != std::optional<std::string_view>("1")
        || environment.find("B_2") != std::optional<std::string_view>("") || environment.find("C").has_value())
        return 12;
    return 0;
}

}

TEST_CASE("a Task spawned through task_main reads its arguments and environment from its Bundle slots")
{
    test::Arena arena(2 * MiB);
    auto status = run_parent(arena, [](Bundle& bundle) -> ErrorOr<i32> {
        return spawn_and_run(bundle, task_main<echo_main>, [](TaskCap const& child, ReticleCap const& memory) -> ErrorOr<void> {
            TRY(grant_arguments(child, memory, echo_arguments()));
            TRY(grant_environment(child, memory, home_environment()));
            return {};
        });
    });
    REQUIRE(status.value() == static_cast<i32>(ExitStatus::Success));
}

TEST_CASE("arguments and environment round trip through their slots, read-only")
{
    test::Arena arena(2 * MiB);
    auto status = run_parent(arena, [](Bundle& bundle) -> ErrorOr<i32> {
        return spawn_and_run(bundle, round_trip_child, [](TaskCap const& child, ReticleCap const& memory) -> ErrorOr<void> {
            TRY(grant_arguments(child, memory, make_arguments({ "vfsd", "--root", "/", "ünïcode" })));
            Environment environment;
            TRY(environment.variables.try_append(variable("A", "1")));
            TRY(environment.variables.try_append(variable("B_2", "")));
            TRY(grant_environment(child, memory, environment));
            return {};
        });
    });
    REQUIRE(status.value() == 0);
}

TEST_CASE("a parent fills a child's Bundle only before it runs")
{
    test::Arena arena(2 * MiB);
    auto status = run_parent(arena, [](Bundle& bundle) -> ErrorOr<i32> {
        constexpr SignalBit exit_bit { 5 };
        auto memory = TRY(bundle.take<ReticleCap>("memory"));
        auto tasks = TRY(bundle.take<TaskCap>("tasks"));
        SpawnRequest request { "child", task_main<says_usage> };
        request.notify_on_exit = true;
        request.exit_bit = exit_bit;
        auto child = TRY(system::spawn(tasks, memory, request));
        system::yield(); /* the child runs (and ends) */
        (void)system::wait(exit_bit.mask());
        auto late = grant_arguments(child, memory, echo_arguments());
        TRY(system::reap(std::move(child)));
        return late.is_error() && late.error().code() == ErrorCode::Busy ? 0 : 1;
    });
    REQUIRE(status.value() == 0);
}

TEST_CASE("no slot, a slot taken already, a slot of another class or without RightRead are refused")
{
    {
        Family family;
        auto status = family.run_child([](Bundle& bundle) -> ErrorOr<i32> {
            Arguments read;
            Environment environment;
            if (take_arguments(bundle, read).error().code() != ErrorCode::NotFound)
                return 1;
            if (take_environment(bundle, environment).error().code() != ErrorCode::NotFound)
                return 2;
            return 0;
        });
        REQUIRE(status.value() == 0);
    }
    {
        Family family;
        family.grant_raw("arguments", one_argument_message("x"));
        auto status = family.run_child([](Bundle& bundle) -> ErrorOr<i32> {
            Arguments read;
            TRY(take_arguments(bundle, read));
            return take_arguments(bundle, read).error().code() == ErrorCode::NotFound ? 0 : 1;
        });
        REQUIRE(status.value() == 0);
    }
    {
        Family family;
        auto status = test::run_as_task(family.arena.reticle(), [&](Task& task) {
            auto signal = family.parent.mint<CapabilityClass::Signal>(&family.mask, all_rights, 3).release_value();
            REQUIRE_FALSE(task.bundle().grant("arguments", family.parent, signal, RightRaise).is_error());
        }, [](Bundle& bundle) -> ErrorOr<i32> {
            Arguments read;
            return take_arguments(bundle, read).error().code() == ErrorCode::WrongClass ? 0 : 1;
        });
        REQUIRE(status.value() == 0);
    }
    {
        Family family;
        family.grant_raw("environment", { 1, 0, 4, 0, 0, 0, 0, 0, 0, 0 }, RightWrite);
        auto status = family.run_child([](Bundle& bundle) -> ErrorOr<i32> {
            Environment environment;
            return take_environment(bundle, environment).error().code() == ErrorCode::MissingRight ? 0 : 1;
        });
        REQUIRE(status.value() == 0);
    }
}

namespace {

ErrorCode refusal(std::vector<u8> const& bytes)
{
    Family family;
    family.grant_raw("arguments", bytes);
    auto status = family.run_child([](Bundle& bundle) -> ErrorOr<i32> {
        Arguments read;
        auto taken = take_arguments(bundle, read);
        return taken.is_error() ? static_cast<i32>(taken.error().code()) : 0;
    });
    return static_cast<ErrorCode>(status.value());
}

}

TEST_CASE("malformed argument bytes are refused, each with its own error")
{
    auto good = one_argument_message("ok");
    REQUIRE(refusal(good) == ErrorCode::None);
    /* Bytes after the message are not part of it (memory objects are often larger). */
    auto padded = good;
    padded.insert(padded.end(), { 0xff, 0xff, 0xff });
    REQUIRE(refusal(padded) == ErrorCode::None);
    REQUIRE(refusal({ 1, 0, 0 }) == ErrorCode::MalformedMessage); /* shorter than a header */
    auto truncated = good;
    truncated.pop_back();
    REQUIRE(refusal(truncated) == ErrorCode::MalformedMessage); /* claims more than the memory holds */
    auto other_version = good;
    other_version[0] = 2;
    REQUIRE(refusal(other_version) == ErrorCode::SchemaMismatch);
    auto bad_utf8 = one_argument_message("o\xff");
    REQUIRE(refusal(bad_utf8) == ErrorCode::MalformedMessage);
    auto too_many = good;
    too_many[6] = Arguments::maximum_count + 1;
    REQUIRE(refusal(too_many) == ErrorCode::TooLarge);
    auto too_long = one_argument_message(std::string(Arguments::maximum_bytes + 1, 'a'));
    REQUIRE(refusal(too_long) == ErrorCode::TooLarge);
    auto count_says_two = good;
    count_says_two[6] = 2;
    REQUIRE(refusal(count_says_two) == ErrorCode::MalformedMessage); /* the body ends inside the second */
}

namespace {

Environment environment_of(std::initializer_list<std::string_view> names)
{
    Environment environment;
    for (auto name : names)
        REQUIRE_FALSE(environment.variables.try_append(variable(name, "v")).is_error());
    return environment;
}

}

TEST_CASE("an environment must have well-formed names in strictly ascending order, on both sides")
{
    REQUIRE_FALSE(validate_environment(environment_of({})).is_error());
    REQUIRE_FALSE(validate_environment(environment_of({ "A", "B", "b" })).is_error());
    REQUIRE(validate_environment(environment_of({ "B", "A" })).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(validate_environment(environment_of({ "A", "A" })).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(validate_environment(environment_of({ "" })).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(validate_environment(environment_of({ "A=B" })).error().code() == ErrorCode::InvalidArgument);

    /* The parent side refuses before placing anything. */
    test::Arena arena(2 * MiB);
    auto status = run_parent(arena, [](Bundle& bundle) -> ErrorOr<i32> {
        return spawn_and_run(bundle, task_main<says_usage>, [](TaskCap const& child, ReticleCap const& memory) -> ErrorOr<void> {
            auto refused = grant_environment(child, memory, environment_of({ "B", "A" }));
            if (!refused.is_error() || refused.error().code() != ErrorCode::InvalidArgument)
                return Error(ErrorCode::InvalidArgument, "an unsorted environment was granted");
            return {};
        });
    });
    REQUIRE(status.value() == static_cast<i32>(ExitStatus::Usage));

    /* Written without the check, as a hostile parent might: the child refuses it after decoding. */
    u8 buffer[maximum_binary_size<Environment>()];
    usize length = encode_binary(environment_of({ "Z", "A" }), buffer).release_value();
    Family family;
    family.grant_raw("environment", std::vector<u8>(buffer, buffer + length));
    auto child = family.run_child([](Bundle& bundle) -> ErrorOr<i32> {
        Environment read;
        return take_environment(bundle, read).error().code() == ErrorCode::InvalidArgument ? 0 : 1;
    });
    REQUIRE(child.value() == 0);
}

namespace {

/* A Task's configuration type, and what a generated footprint header would say of its declaration. */
struct SampleConfiguration {
    static constexpr u16 version = 3;
    u8 level { 0 };
    Utf8String<8> name;
    static constexpr auto fields()
    {
        return vectra::fields(vectra::field("level", &SampleConfiguration::level), vectra::field("name", &SampleConfiguration::name));
    }
};

struct SampleDeclared {
    static constexpr u16 version = 3;
    static constexpr u64 structure_hash = encoding::structure_hash<SampleConfiguration>();
    static constexpr usize maximum_bytes = maximum_binary_size<SampleConfiguration>();
};
struct OtherVersion : SampleDeclared {
    static constexpr u16 version = 4;
};
struct OtherStructure : SampleDeclared {
    static constexpr u64 structure_hash = encoding::structure_hash<Arguments>();
};
static_assert(configuration_matches<SampleConfiguration, SampleDeclared>());
static_assert(!configuration_matches<SampleConfiguration, OtherVersion>());
static_assert(!configuration_matches<SampleConfiguration, OtherStructure>());
/* What tools/manifest/taskconfig.py computes for {"level": integer 0-255, "name": string of 8 bytes}
   (tests/tools/test_manifest.py holds the same number): the compiler's hash is core/encoding's. */
static_assert(encoding::structure_hash<SampleConfiguration>() == 0xaf753ca3fd1008d2ull);

std::vector<u8> sample_message(u8 level, std::string_view name)
{
    std::vector<u8> bytes { 3, 0, static_cast<u8>(1 + 4 + name.size()), 0, 0, 0, level, static_cast<u8>(name.size()), 0, 0, 0 };
    bytes.insert(bytes.end(), name.begin(), name.end());
    return bytes;
}

ErrorCode configuration_refusal(std::vector<u8> const& bytes, Rights rights = RightRead)
{
    Family family;
    family.grant_raw("config", bytes, rights);
    auto status = family.run_child([](Bundle& bundle) -> ErrorOr<i32> {
        SampleConfiguration read;
        auto taken = take_configuration(bundle, read);
        if (!taken.is_error() && (read.level != 7 || read.name.bytes() != "vfsd"))
            return -1;
        return taken.is_error() ? static_cast<i32>(taken.error().code()) : 0;
    });
    return static_cast<ErrorCode>(status.value());
}

}

TEST_CASE("a configuration is taken from the read-only config slot and decoded into the Task's own type")
{
    auto good = sample_message(7, "vfsd");
    REQUIRE(configuration_refusal(good) == ErrorCode::None);
    auto in_a_page = good;
    in_a_page.resize(4096, 0xee); /* the memory object is a page; the bytes after the message are not read */
    REQUIRE(configuration_refusal(in_a_page) == ErrorCode::None);
    REQUIRE(configuration_refusal(good, RightWrite) == ErrorCode::MissingRight);
    REQUIRE(configuration_refusal({ 3, 0, 1 }) == ErrorCode::MalformedMessage);
    auto truncated = good;
    truncated.pop_back();
    REQUIRE(configuration_refusal(truncated) == ErrorCode::MalformedMessage);
    auto other_version = good;
    other_version[0] = 1;
    REQUIRE(configuration_refusal(other_version) == ErrorCode::SchemaMismatch);
    REQUIRE(configuration_refusal(sample_message(7, "nine-byte")) == ErrorCode::TooLarge);
    /* A message claiming more than a configuration may hold, in memory that has it all. */
    std::vector<u8> huge(6 + 5000, 0);
    huge[0] = 3;
    huge[2] = u8(5000 & 0xff);
    huge[3] = u8(5000 >> 8);
    REQUIRE(configuration_refusal(huge) == ErrorCode::TooLarge);
    {
        Family family; /* no slot: a Task whose footprint declares no configuration */
        auto status = family.run_child([](Bundle& bundle) -> ErrorOr<i32> {
            SampleConfiguration read;
            return take_configuration(bundle, read).error().code() == ErrorCode::NotFound ? 0 : 1;
        });
        REQUIRE(status.value() == 0);
    }
    {
        /* The child's copy is read-only: it cannot map it writable. */
        Family family;
        family.grant_raw("config", good);
        auto status = family.run_child([](Bundle& bundle) -> ErrorOr<i32> {
            auto memory = TRY(bundle.take<MemCap>("config"));
            return system::map_memory(memory).is_error() && !system::map_memory_read_only(memory).is_error() ? 0 : 1;
        });
        REQUIRE(status.value() == 0);
    }
}
