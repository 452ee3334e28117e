/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <string.h>
#include <vector>
#include <vectra/Arguments.h>
#include <vectra/Executor.h>
#include <vectra/MemoryObject.h>
#include <vectra/Process.h>
#include <vectra/encoding/Binary.h>

using namespace vectra;

namespace {

/* A parent and a child with its Bundle, as a supervisor and the Task it spawns hold them. */
struct Family {
    test::Arena arena { 256 * KiB };
    SignalMask mask; /* outlives the spaces that name it */
    CapabilitySpace parent { allocate_space_id() };
    CapabilitySpace child { allocate_space_id() };
    Bundle bundle { child };

    /* Grants the child `bytes` as the slot `name`, raw: what a careless or hostile parent could place. */
    void grant_raw(std::string_view name, std::vector<u8> const& bytes, Rights rights = RightRead)
    {
        auto memory = MemoryObject::try_create(arena.reticle(), parent, bytes.size()).release_value();
        auto view = writable_view(parent, memory).release_value();
        memcpy(view.data(), bytes.data(), bytes.size());
        REQUIRE_FALSE(bundle.grant(name, parent, memory, rights).is_error());
    }
};

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
    CapabilitySpace space(allocate_space_id());
    Bundle bundle(space);
    REQUIRE(usage(bundle).value() == 2);
    REQUIRE(failing(bundle).error().code() == ErrorCode::NotFound);
}

TEST_CASE("a Task spawned through task_main reads its arguments and environment from its Bundle slots")
{
    test::Arena arena(1 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    Task* task = executor.spawn(arena.reticle(), { "echo", task_main<echo_main> }).value();
    auto arguments = grant_arguments(task->bundle(), arena.reticle(), parent, make_arguments({ "echo", "hello" }));
    REQUIRE_FALSE(arguments.is_error());
    Environment environment;
    REQUIRE_FALSE(environment.variables.try_append(variable("HOME", "/home")).is_error());
    REQUIRE_FALSE(environment.variables.try_append(variable("LANG", "C.UTF-8")).is_error());
    REQUIRE_FALSE(grant_environment(task->bundle(), arena.reticle(), parent, environment).is_error());
    REQUIRE(executor.run_until_exit(*task).value() == static_cast<i32>(ExitStatus::Success));
    REQUIRE(task->exit_cause() == ExitCause::Returned);
    REQUIRE_FALSE(executor.reap(*task).is_error());
}

TEST_CASE("arguments and environment round trip through their slots, read-only")
{
    Family family;
    auto arguments = make_arguments({ "vfsd", "--root", "/", "ünïcode" });
    auto original = grant_arguments(family.bundle, family.arena.reticle(), family.parent, arguments).release_value();
    REQUIRE(family.bundle.slots()[0].rights == RightRead);
    Arguments read;
    REQUIRE_FALSE(take_arguments(family.bundle, read).is_error());
    REQUIRE(read.count() == 4);
    REQUIRE(read[0] == "vfsd");
    REQUIRE(read[3] == "ünïcode");

    Environment environment;
    REQUIRE_FALSE(environment.variables.try_append(variable("A", "1")).is_error());
    REQUIRE_FALSE(environment.variables.try_append(variable("B_2", "")).is_error());
    REQUIRE_FALSE(grant_environment(family.bundle, family.arena.reticle(), family.parent, environment).is_error());
    Environment read_environment;
    REQUIRE_FALSE(take_environment(family.bundle, read_environment).is_error());
    REQUIRE(read_environment.count() == 2);
    REQUIRE(read_environment.find("A") == std::optional<std::string_view>("1"));
    REQUIRE(read_environment.find("B_2") == std::optional<std::string_view>(""));
    REQUIRE_FALSE(read_environment.find("C").has_value());

    /* The parent keeps the original; removing it revokes what the child holds. */
    REQUIRE_FALSE(family.parent.remove(std::move(original)).is_error());
    REQUIRE(family.child.count() == 1);
}

TEST_CASE("no slot, a slot taken already, a slot of another class or without RightRead are refused")
{
    Family family;
    Arguments read;
    Environment environment;
    REQUIRE(take_arguments(family.bundle, read).error().code() == ErrorCode::NotFound);
    REQUIRE(take_environment(family.bundle, environment).error().code() == ErrorCode::NotFound);

    REQUIRE_FALSE(
        grant_arguments(family.bundle, family.arena.reticle(), family.parent, make_arguments({ "x" })).is_error());
    REQUIRE_FALSE(take_arguments(family.bundle, read).is_error());
    REQUIRE(take_arguments(family.bundle, read).error().code() == ErrorCode::NotFound);

    auto signal = family.parent.mint<CapabilityClass::Signal>(&family.mask, all_rights, 3).release_value();
    REQUIRE_FALSE(family.bundle.grant("arguments", family.parent, signal, RightRaise).is_error());
    REQUIRE(take_arguments(family.bundle, read).error().code() == ErrorCode::WrongClass);

    family.grant_raw("environment", { 1, 0, 4, 0, 0, 0, 0, 0, 0, 0 }, RightWrite);
    REQUIRE(take_environment(family.bundle, environment).error().code() == ErrorCode::MissingRight);
}

TEST_CASE("malformed argument bytes are refused, each with its own error")
{
    Arguments read;
    auto refusal = [&](std::vector<u8> const& bytes) {
        Family family;
        family.grant_raw("arguments", bytes);
        return take_arguments(family.bundle, read).error().code();
    };
    auto good = one_argument_message("ok");
    {
        Family family;
        family.grant_raw("arguments", good);
        REQUIRE_FALSE(take_arguments(family.bundle, read).is_error());
        REQUIRE(read[0] == "ok");
    }
    /* Bytes after the message are not part of it (memory objects are often larger). */
    auto padded = good;
    padded.insert(padded.end(), { 0xff, 0xff, 0xff });
    {
        Family family;
        family.grant_raw("arguments", padded);
        REQUIRE_FALSE(take_arguments(family.bundle, read).is_error());
    }
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

TEST_CASE("an environment must have well-formed names in strictly ascending order, on both sides")
{
    auto environment_of = [](std::initializer_list<std::string_view> names) {
        Environment environment;
        for (auto name : names)
            REQUIRE_FALSE(environment.variables.try_append(variable(name, "v")).is_error());
        return environment;
    };
    REQUIRE_FALSE(validate_environment(environment_of({})).is_error());
    REQUIRE_FALSE(validate_environment(environment_of({ "A", "B", "b" })).is_error());
    REQUIRE(validate_environment(environment_of({ "B", "A" })).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(validate_environment(environment_of({ "A", "A" })).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(validate_environment(environment_of({ "" })).error().code() == ErrorCode::InvalidArgument);
    REQUIRE(validate_environment(environment_of({ "A=B" })).error().code() == ErrorCode::InvalidArgument);

    Family family;
    REQUIRE(grant_environment(family.bundle, family.arena.reticle(), family.parent, environment_of({ "B", "A" }))
                .error()
                .code()
        == ErrorCode::InvalidArgument);
    REQUIRE(family.bundle.count() == 0);

    /* Written without the check, as a hostile parent might: the child refuses it after decoding. */
    u8 buffer[maximum_binary_size<Environment>()];
    usize length = encode_binary(environment_of({ "Z", "A" }), buffer).release_value();
    family.grant_raw("environment", std::vector<u8>(buffer, buffer + length));
    Environment read;
    REQUIRE(take_environment(family.bundle, read).error().code() == ErrorCode::InvalidArgument);
}
