/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vsh as a Task (vsh::run, what its Task entry calls) against vfsd's real loop and a terminal Task
 * serving vectra.tty (components/shellcheck's Typist) whose person types key sequences and reads
 * what vsh wrote back after each: the test acts as the person, the shell is real. Editing keys,
 * history, Ctrl+C, quoting, every command and every error (missing file, not a directory,
 * cross-mount rename, a name too long, a line too long), a flood of typed bytes, wrapping at the
 * window's width, a window closed and vsh reopening one, and exit statuses.
 */

#include "../core/FsTestTasks.h"
#include <catch2/catch.hpp>
#include <new>
#include <notifyd/Loop.h>
#include <shellcheck/Typist.h>
#include <string>
#include <vector>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/kernel/Executor.h>
#include <vfsd/Server.h>
#include <vectra/kernel/SnapshotDevice.h>
#include <vectra/snapshot/KernelTaskList.h>
#include <vsh/Run.h>

using namespace vectra;
using namespace vectra::test;

namespace {

struct Step {
    std::string keys;                 /* typed; more than 256 bytes go over several reads */
    std::vector<std::string> expect;  /* each must be in what vsh wrote back */
    std::vector<std::string> absent;  /* none may be */
    bool close { false };             /* close the window instead of typing */
    u16 columns { 0 };                /* resize the window before typing (0: unchanged) */
    bool restart { false };           /* restart the terminal (its listener reset) instead of typing */
};

Ring* s_terminal_listener = nullptr; /* the terminal's listener, reset to restart the terminal */

/* The person at the terminal: types each step, checks vsh's answer to it at the next read. */
class ScriptedPerson final : public shellcheck::Person {
public:
    std::vector<Step> steps;
    std::vector<std::string> failures;
    std::vector<std::string> answers; /* vsh's answer to each step */
    std::string greeting;
    shellcheck::Typist* typist { nullptr };

    /* A restart step was typed and no later read has come: the terminal serves again. */
    bool restarting() const { return m_current > 0 && m_current <= steps.size() && steps[m_current - 1].restart; }

    shellcheck::Reaction react(usize, std::span<u8 const> screen) override
    {
        std::string answer(screen.begin(), screen.end());
        m_answer += answer;
        if (m_offset < m_typing.size())
            return type_more();
        if (m_current == 0 && !m_greeted) {
            greeting = m_answer;
            m_greeted = true;
        } else if (m_current > 0) {
            check(steps[m_current - 1], m_answer);
        }
        m_answer.clear();
        if (m_current == steps.size())
            return {};
        auto const& step = steps[m_current++];
        if (step.columns)
            typist->resize(step.columns, 24);
        if (step.close)
            return { shellcheck::Reaction::Kind::Close, {} };
        if (step.restart) {
            /* As a supervisor restarting the terminal: its listener reset; the read stays unanswered. */
            s_terminal_listener->reset();
            return {};
        }
        m_typing = step.keys;
        m_offset = 0;
        return type_more();
    }

private:
    shellcheck::Reaction type_more()
    {
        usize length = std::min<usize>(tty::maximum_read, m_typing.size() - m_offset);
        auto keys = std::span<u8 const>(reinterpret_cast<u8 const*>(m_typing.data()) + m_offset, length);
        m_offset += length;
        return { shellcheck::Reaction::Kind::Type, keys };
    }
    void check(Step const& step, std::string const& answer)
    {
        answers.push_back(answer);
        for (auto const& wanted : step.expect) {
            if (answer.find(wanted) == std::string::npos)
                failures.push_back("after " + printable(step.keys) + ": missing " + printable(wanted) + " in " + printable(answer));
        }
        for (auto const& unwanted : step.absent) {
            if (answer.find(unwanted) != std::string::npos)
                failures.push_back("after " + printable(step.keys) + ": unexpected " + printable(unwanted) + " in " + printable(answer));
        }
    }
    static std::string printable(std::string const& text)
    {
        std::string shown;
        for (unsigned char character : text.substr(0, 600)) {
            if (character == '\r')
                shown += "\\r";
            else if (character == '\n')
                shown += "\\n";
            else if (character < 0x20 || character == 0x7f)
                shown += "\\x" + std::string(1, "0123456789abcdef"[character >> 4]) + "0123456789abcdef"[character & 15];
            else
                shown += char(character);
        }
        return "'" + shown + "'";
    }

    usize m_current { 0 };
    bool m_greeted { false };
    std::string m_answer;
    std::string m_typing;
    usize m_offset { 0 };
};

ScriptedPerson* s_person = nullptr;

ErrorOr<i32> vfsd_task(Bundle& bundle)
{
    auto served = TRY(start_server(bundle));
    auto memory = TRY(bundle.take<ReticleCap>("second"));
    /* A second RAM filesystem at /mnt, for renames across mounts. */
    auto placed = TRY(endpoint::memory(memory, vfs::RamFilesystem::bytes_needed(8, 8)));
    auto* second = TRY(vfs::RamFilesystem::try_create(placed, 8, 8));
    TRY(served.service.router->mount(TRY(Path::root().try_join("mnt")), *second));
    auto text = std::string_view("Hello from vfsd.\nSecond line.\n");
    auto hello = TRY(Path::root().try_join("hello.txt"));
    TRY(served.service.filesystem->write(hello, 0, { reinterpret_cast<u8 const*>(text.data()), text.size() }));
    TRY(vfs::serve_sessions(served.service, std::move(served.requests), std::move(served.replies)));
    return 0;
}

ErrorOr<i32> terminal_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto placed = TRY(endpoint::memory(memory, sizeof(shellcheck::Typist)));
    /* Each restart (the person resets the listener) is a new terminal on the same listener, as initd respawns one. */
    for (;;) {
        auto* typist = new (placed.data()) shellcheck::Typist(*s_person);
        s_person->typist = typist;
        auto listen_requests = TRY(system::attenuate(requests, RightReceive));
        auto listen_replies = TRY(system::attenuate(replies, RightSend));
        auto served = typist->serve(std::move(listen_requests), std::move(listen_replies));
        typist->~Typist();
        if (!served.is_error() || !served.error().is(ErrorCode::PeerRestarted) || !s_person->restarting()) {
            TRY(served);
            return 0;
        }
    }
}

/* notifyd's loop (no screen: its notifications are only counted), for vsh's notify command. */
ErrorOr<i32> notifyd_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    TRY(notifyd::run(memory, 1024, nullptr, std::move(requests), std::move(replies), nullptr));
    return 0;
}

ErrorOr<i32> vsh_task(Bundle& bundle)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto connections = TRY(vsh::take_connections(bundle));
    /* With notifyd's listener granted, as entry vsh_notifying takes it. */
    auto notify_requests = bundle.take<RingCap>("notify_requests");
    if (!notify_requests.is_error()) {
        connections.notify_requests = notify_requests.release_value();
        connections.notify_replies = TRY(bundle.take<RingCap>("notify_replies"));
    }
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    /* With the snapshot granted, ps reads the kernel's table as the image's vsh does. */
    auto snapshot = bundle.take<DeviceCap>("snapshot");
    if (snapshot.is_error())
        return vsh::run(&console, memory, std::move(connections), nullptr);
    auto tasks = TRY(tasks::KernelTaskList::create(snapshot.release_value(), memory));
    return vsh::run(&console, memory, std::move(connections), &tasks);
}

struct Ended {
    ExitCause cause;
    i32 status;
    Error error;
};

/* vfsd, the terminal and vsh as Tasks; the person's script played until vsh ends. */
Ended play(ScriptedPerson& person, bool grant_snapshot = false, bool grant_notifyd = false)
{
    s_person = &person;
    Arena arena(24 * MiB);
    auto& executor = Executor::current();
    CapabilitySpace parent(allocate_space_id());
    auto files = make_listener(arena.reticle(), parent);
    auto terminal = make_listener(arena.reticle(), parent);
    s_terminal_listener = terminal.requests_ring;
    auto memory = [&](usize size) {
        return parent.mint<CapabilityClass::Reticle>(arena.reticle().try_carve(size).value(), all_rights).release_value();
    };
    auto spawn = [&](char const* name, TaskEntry entry, usize stack) {
        SpawnParameters parameters { name, entry };
        parameters.stack_size = stack;
        return executor.spawn(arena.reticle(), parameters).value();
    };
    Task* vfsd = spawn("vfsd", vfsd_task, 128 * KiB);
    REQUIRE(grant_service(*vfsd, parent, files, memory(4 * MiB)));
    REQUIRE_FALSE(vfsd->bundle().grant("second", parent, memory(1 * MiB), RightRetype).is_error());
    Task* typist = spawn("terminal", terminal_task, 64 * KiB);
    REQUIRE(grant_service(*typist, parent, terminal, memory(1 * MiB)));
    Task* shell = spawn("vsh", vsh_task, 64 * KiB);
    REQUIRE(grant_client(*shell, parent, files, memory(vsh::memory_needed() + 256 * KiB)));
    /* The console hears vsh's start, each window's end and its exit (the test's output). */
    auto* console = arena.reticle().try_create<ConsoleDevice>(&arena.reticle()).value();
    REQUIRE_FALSE(shell->bundle().give("console", parent, parent.mint<CapabilityClass::Device>(console, RightWrite | RightMove).release_value()).is_error());
    if (grant_snapshot) {
        auto* table = arena.reticle().try_create<SnapshotDevice>(&arena.reticle()).value();
        REQUIRE_FALSE(shell->bundle()
                          .give("snapshot", parent, parent.mint<CapabilityClass::Device>(table, RightRead | RightGrant | RightRevoke | RightMove).release_value())
                          .is_error());
    }
    REQUIRE_FALSE(shell->bundle().grant("terminal_requests", parent, terminal.requests, RightSend).is_error());
    REQUIRE_FALSE(shell->bundle().grant("terminal_replies", parent, terminal.replies, RightReceive).is_error());
    auto notices = make_listener(arena.reticle(), parent);
    Task* notifier = nullptr;
    if (grant_notifyd) {
        notifier = spawn("notifyd", notifyd_task, 64 * KiB);
        REQUIRE(grant_service(*notifier, parent, notices, memory(1 * MiB)));
        REQUIRE_FALSE(shell->bundle().grant("notify_requests", parent, notices.requests, RightSend).is_error());
        REQUIRE_FALSE(shell->bundle().grant("notify_replies", parent, notices.replies, RightReceive).is_error());
    }

    i32 status = executor.run_until_exit(*shell).value();
    Ended ended { shell->exit_cause(), status, shell->exit_error() };
    terminal.requests_ring->reset();
    REQUIRE(executor.run_until_exit(*typist).value() == 1);
    files.requests_ring->reset();
    REQUIRE(executor.run_until_exit(*vfsd).value() == 1);
    if (notifier) {
        notices.requests_ring->reset();
        REQUIRE(executor.run_until_exit(*notifier).value() == 1);
    }
    while (Task* task = executor.tasks())
        REQUIRE_FALSE(executor.reap(*task).is_error());
    s_person = nullptr;
    return ended;
}

std::string repeated(std::string const& keys, int times)
{
    std::string all;
    for (int time = 0; time < times; ++time)
        all += keys;
    return all;
}

void require_passed(ScriptedPerson const& person)
{
    for (auto const& failure : person.failures)
        UNSCOPED_INFO(failure);
    REQUIRE(person.failures.empty());
}

/* Plays the script and requires every check passed and vsh's status. */
Ended play_expecting(ScriptedPerson& person, i32 status, bool grant_snapshot = false, bool grant_notifyd = false)
{
    auto ended = play(person, grant_snapshot, grant_notifyd);
    require_passed(person);
    INFO("vsh ended: " << ended.error.name());
    REQUIRE(ended.cause == ExitCause::Returned);
    REQUIRE(ended.status == status);
    return ended;
}

Step typed(std::string keys, std::vector<std::string> expect, std::vector<std::string> absent = {})
{
    return Step { std::move(keys), std::move(expect), std::move(absent) };
}

}

TEST_CASE("vsh greets, names its window and runs every command on vfsd")
{
    ScriptedPerson person;
    person.steps = {
        typed("pwd\r", { "\r\n/\r\n" }),
        typed("mkdir /docs /docs/old\r", {}, { "mkdir:" }),
        typed("ls /\r", { "docs/\r\n", "hello.txt\r\n", "mnt/\r\n" }),
        typed("ls -l /\r", { "dir           0 docs/\r\n", "file         30 hello.txt\r\n" }),
        typed("cat /hello.txt\r", { "\r\nHello from vfsd.\r\nSecond line.\r\n" }),
        typed("cd docs\r", {}, { "cd:" }),
        typed("pwd\r", { "\r\n/docs\r\n", "vsh:/docs$ " }),
        typed("mv ../hello.txt greeting.txt\r", {}, { "mv:" }),
        typed("ls\r", { "greeting.txt\r\n", "old/\r\n" }),
        typed("mv greeting.txt old\r", {}, { "mv:" }),
        typed("ls -l old\r", { "file         30 greeting.txt\r\n" }),
        typed("cat ./old/../old/greeting.txt\r", { "Hello from vfsd.\r\n" }),
        typed("rm old/greeting.txt\r", {}, { "rm:" }),
        typed("cd ..\r", {}),
        typed("rm /docs/old /docs\r", {}, { "rm:" }),
        typed("ls /\r", { "mnt/\r\n" }, { "docs", "hello.txt" }),
        typed("echo one   two\r", { "\r\none two\r\n" }),
        typed("date\r", { "\r\n1970-01-01T", "Z (confidence unknown, source none)\r\n" }),
        typed("help\r", { "ls [-l] [PATH...]", "exit [STATUS]" }),
        typed("ps\r", { "ps: this shell was granted no snapshot capability\r\n" }),
        typed("cd\r", {}),
        typed("exit\r", {}),
    };
    (void)play_expecting(person, 0);
    REQUIRE(person.greeting.find("vsh: a small shell on vfsd; help lists the commands\r\n") != std::string::npos);
    REQUIRE(person.greeting.find("vsh:/$ ") != std::string::npos);
}

TEST_CASE("every error is one line naming the command, the path and the vfs error")
{
    ScriptedPerson person;
    person.steps = {
        typed("cat /nope\r", { "\r\ncat: /nope: not-found\r\n" }),
        typed("ls /nope\r", { "\r\nls: /nope: not-found\r\n" }),
        typed("cd /hello.txt\r", { "\r\ncd: /hello.txt: not-a-directory\r\n" }),
        typed("ls /hello.txt/x\r", { "\r\nls: /hello.txt/x: not-a-directory\r\n" }),
        typed("cat /\r", { "\r\ncat: /: is-a-directory\r\n" }),
        typed("mkdir /mnt\r", { "\r\nmkdir: /mnt: already-exists\r\n" }),
        typed("mv /hello.txt /mnt/hello.txt\r", { "\r\nmv: /hello.txt: cross-mount\r\n" }),
        typed("mkdir /full /full/x\r", {}),
        typed("rm /full\r", { "\r\nrm: /full: not-empty\r\n" }),
        typed("rm /mnt\r", { "\r\nrm: /mnt: mount-point\r\n" }),
        typed("mkdir " + std::string(64, 'n') + "\r", { "\r\nmkdir: " + std::string(64, 'n') + ": name-too-long\r\n" }),
        typed("cat\r", { "\r\ncat: which file? (cat PATH...)\r\n" }),
        typed("mv a\r", { "\r\nmv: two paths (mv FROM TO)\r\n" }),
        typed("frobnicate\r", { "\r\nvsh: frobnicate: no such command (help lists them)\r\n" }),
        typed("exit 300\r", { "\r\nexit: 300: not a status (0-255)\r\n" }),
        typed("exit 7\r", {}),
    };
    (void)play_expecting(person, 7);
}

TEST_CASE("quotes and backslashes make words; a bad line is refused with its reason")
{
    ScriptedPerson person;
    person.steps = {
        typed("echo 'a  b' \"c \\\"d\\\" \\\\ e\" f\\ g\r", { "\r\na  b c \"d\" \\ e f g\r\n" }),
        typed("echo 'it''s' \"\"x\r", { "\r\nits x\r\n" }),
        typed("mkdir '/with space'\r", {}, { "mkdir:" }),
        typed("ls /\r", { "with space/\r\n" }),
        typed("cd /with\\ space\r", {}),
        typed("pwd\r", { "\r\n/with space\r\n" }),
        typed("echo 'open\r", { "\r\nvsh: a quote is not closed\r\n" }),
        typed("echo \"open\r", { "\r\nvsh: a quote is not closed\r\n" }),
        typed("echo trailing\\\r", { "\r\nvsh: the line ends with a backslash\r\n" }),
        typed([] {
            std::string line = "echo";
            for (int word = 0; word < 64; ++word)
                line += " w";
            return line + "\r";
        }(), { "\r\nvsh: the line has more than 64 words\r\n" }),
        typed("exit\r", {}),
    };
    (void)play_expecting(person, 0);
}

TEST_CASE("the line editor inserts and deletes anywhere and walks its history")
{
    ScriptedPerson person;
    person.steps = {
        /* "ech hello": Home, right three times, insert 'o'. */
        typed("ech hello\x1b[H\x1b[C\x1b[C\x1b[Co\r", { "\r\nhello\r\n" }),
        /* Ctrl+A / Ctrl+E and Backspace at the end, Delete in the middle. */
        typed("echo worldd\x7f\x01" + repeated("\x1b[3~", 10) + "pwd\x05\r", { "\r\n/\r\n" }, { "\r\nworld" }),
        /* Ctrl+W deletes the word before the cursor, Ctrl+U everything before it, Ctrl+K after it. */
        typed("echo one two\x17three\r", { "\r\none three\r\n" }),
        typed("rm /hello.txt\x15" "echo kept\r", { "\r\nkept\r\n" }),
        typed("echo left right\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x0b\r", { "\r\nleft\r\n" }),
        /* End after Home; Delete past the end does nothing. */
        typed("echo x\x1b[H\x1b[F\x1b[3~y\r", { "\r\nxy\r\n" }),
        /* Up walks back through the history, Down forward to the line being typed. */
        typed("\x1b[A\r", { "\r\nxy\r\n" }),
        typed(repeated("\x1b[A", 4) + "\r", { "\r\none three\r\n" }),
        typed("echo draft\x1b[A\x1b[A\x1b[B\x1b[B\r", { "\r\ndraft\r\n" }),
        /* Ctrl+C abandons the line: nothing runs. */
        typed("rm /hello.txt\x03", { "^C\r\n" }),
        typed("cat /hello.txt\r", { "Hello from vfsd." }),
        /* Ctrl+L clears the screen and draws the line again. */
        typed("echo after\x0c", { "\x1b[H\x1b[2J", "vsh:/$ echo after" }),
        typed("\r", { "\r\nafter\r\n" }),
        /* UTF-8: one Backspace removes one code point, not one byte. */
        typed("echo \xc3\xa4\xe2\x82\xac\x7f!\r", { "\r\n\xc3\xa4!\r\n" }),
        /* Ctrl+D on an empty line ends the shell with status 0. */
        typed("\x04", { "exit\r\n" }),
    };
    (void)play_expecting(person, 0);
}

TEST_CASE("a character typed at the end of the line is echoed alone; an edit elsewhere draws the line again")
{
    ScriptedPerson person;
    person.steps = {
        /* Each character of "echo fast" echoed as it is: the line is never drawn again with what is below erased. */
        typed("echo fast", { "echo fast" }, { "\x1b[J" }),
        typed("\r", { "\r\nfast\r\n" }),
        /* Home then a character: inserted before the rest, so the line is drawn again. */
        typed("cho x\x1b[He\r", { "\x1b[Jvsh:/$ echo x", "\r\nx\r\n" }),
        /* Reaching the window's edge (20 columns: 7 for the prompt, 13 typed): drawn again, the editor moves down. */
        Step { "echo 12345678", { "\x1b[Jvsh:/$ echo 12345678\r\n" }, {}, false, 20 },
        Step { "\r", { "\r\n12345678\r\n" }, {}, false, 80 },
        typed("exit\r", {}),
    };
    (void)play_expecting(person, 0);
}

TEST_CASE("a line past 1 KiB is refused whole, and a flood of typed bytes is survived")
{
    ScriptedPerson person;
    std::string long_line = "echo " + std::string(1100, 'z') + "\r";
    std::string flood;
    for (int line = 0; line < 64; ++line)
        flood += "echo flood " + std::to_string(line) + "\r";
    person.steps = {
        typed(long_line, { "\x07", "\r\nvsh: the line is longer than 1024 bytes\r\n" }, { std::string(1024, 'z') + "\r\n" }),
        /* Exactly 1024 bytes is a line. */
        typed("echo " + std::string(1019, 'y') + "\r", { "\r\n" + std::string(1019, 'y') + "\r\n" }, { "longer than" }),
        typed(flood, { "\r\nflood 0\r\n", "\r\nflood 31\r\n", "\r\nflood 63\r\n" }),
        typed(std::string(3000, '\x7f') + std::string(2000, '\x1b') + "[A\x1b[999999999999999999~\r", {}),
        typed("echo still here\r", { "\r\nstill here\r\n" }),
        typed("exit\r", {}),
    };
    (void)play_expecting(person, 0);
}

TEST_CASE("long lines wrap at the window's width, taken from each read")
{
    ScriptedPerson person;
    person.steps = {
        /* 20 columns: "vsh:/$ " (7) + 13 bytes ends at the edge: the editor moves to the next row itself. */
        Step { "echo 12345678", {}, {}, false, 20 },
        /* Home: the cursor goes up one row and back to column 7. */
        typed("\x1b[H", { "\x1b[1A\r\x1b[7C" }),
        typed("\r", { "\r\n12345678\r\n" }),
        Step { "exit\r", {}, {}, false, 80 },
    };
    (void)play_expecting(person, 0);
    REQUIRE(person.answers.size() >= 1);
    REQUIRE(person.answers[0].find("echo 12345678\r\n") != std::string::npos);
}

TEST_CASE("when its window closes, vsh opens a new one and keeps its directory and history")
{
    ScriptedPerson person;
    person.steps = {
        typed("cd /mnt\r", {}),
        Step { "", {}, {}, true },
        /* The new window: greeted again, the prompt shows the same directory. */
        typed("pwd\r", { "\r\n/mnt\r\n" }),
        typed("\x1b[A\r", { "\r\n/mnt\r\n" }),
        typed("exit 3\r", {}),
    };
    (void)play_expecting(person, 3);
}

TEST_CASE("ps lists the Tasks from the kernel's snapshot: vfsd, the terminal and vsh with their columns")
{
    ScriptedPerson person;
    person.steps = {
        typed("ps\r", { "   ID NAME             STATE    BAND    CPU     TIME(ms) RETICLE(KiB)  CAPS MEM RING RET\r\n", " vfsd ",
                           " terminal ", " vsh ", " person " },
            { "ps:" }),
        typed("exit\r", {}),
    };
    (void)play_expecting(person, 0, true);
}

TEST_CASE("when its terminal restarts, vsh opens a session with the new one and carries on")
{
    ScriptedPerson person;
    person.steps = {
        typed("cd /mnt\r", {}),
        Step { "", {}, {}, false, 0, true },
        typed("pwd\r", { "\r\n/mnt\r\n" }),
        typed("\x1b[A\x1b[A\r", {}),
        typed("pwd\r", { "\r\n/mnt\r\n" }),
        typed("exit 4\r", {}),
    };
    (void)play_expecting(person, 4);
}

TEST_CASE("notify posts through notifyd; without a session it says so; notifyd's refusals are one line each", "[notifyd]")
{
    {
        ScriptedPerson person;
        person.steps = {
            typed("notify Hello\r", { "\r\nnotify: no notification service\r\n" }, { "shown" }),
            typed("exit\r", {}),
        };
        (void)play_expecting(person, 0);
    }
    ScriptedPerson person;
    std::string too_long(65, 'x');
    person.steps = {
        typed("notify 'Build finished' '212 targets, 0 failed'\r", { "\r\nnotify: shown for 5 s (notification " }, { "no notification service" }),
        typed("notify\r", { "notify: usage: notify TITLE [BODY]\r\n" }),
        typed("notify a b c\r", { "notify: usage: notify TITLE [BODY]\r\n" }),
        typed("notify " + too_long + "\r", { "notify: a title holds at most 64 bytes, a body 256\r\n" }, { "shown" }),
        typed("notify ''\r", { "notify: : text-invalid\r\n" }, { "shown" }),
        typed("notify Two\r", { "notify: shown" }),
        typed("notify Three\r", { "notify: shown" }),
        typed("notify Four\r", { "notify: shown" }),
        /* notifyd shows 4 of a session: the fifth is its refusal, not an eviction. */
        typed("notify Five\r", { "notify: Five: too-many-notifications\r\n" }, { "shown" }),
        typed("help\r", { "notify TITLE [BODY]" }),
        typed("exit\r", {}),
    };
    (void)play_expecting(person, 0, false, true);
}
