/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * shell-check (image shell): the terminal vsh speaks to, with a person typing a script. It serves
 * vectra.tty (Typist.h) and, at each read, checks vsh's answer to the last line typed against what
 * it must show (and must not), printing one console line per step; then it types the next line.
 * Every step checked, it types `exit` when all passed and `exit 1` otherwise, so vsh — the image's
 * check Task — ends with the verdict. The test program for vsh until vterm serves it.
 */

#include <new>
#include <shellcheck/Typist.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>
#include <vectra/footprints/shell_check.h>

VECTRA_TASK_ENTRY(shell_check);

namespace vectra::task_entries {

namespace {

struct Step {
    char const* label;
    std::string_view keys;
    std::string_view expect[4];
    std::string_view absent;
};

constexpr Step script[] = {
    { "mkdir", "mkdir /projects /projects/notes\r", {}, "mkdir:" },
    { "ls /", "ls /\r", { "boot/\r\n", "projects/\r\n" }, "ls:" },
    { "ls -l /boot", "ls -l /boot\r", { "file         72 hello.txt\r\n" }, "ls:" },
    { "cat /boot/hello.txt", "cat /boot/hello.txt\r",
        { "\r\nHello from the image builder: this file was copied onto /boot by mcopy.\r\n" }, "cat:" },
    { "cd /projects", "cd /projects\r", { "vsh:/projects$ " }, "cd:" },
    { "mv notes drafts", "mv notes drafts\r", {}, "mv:" },
    { "ls", "ls\r", { "\r\ndrafts/\r\n" }, "notes" },
    { "rm drafts", "rm drafts\r", {}, "rm:" },
    { "ls -l /projects", "ls -l /projects\r", {}, "drafts" },
    { "echo with quotes", "echo 'quoted  words' and\\ more \"\\\"here\\\"\"\r", { "\r\nquoted  words and more \"here\"\r\n" }, {} },
    { "editing keys", "ech hello\x1b[H\x1b[C\x1b[C\x1b[Co\r", { "\r\nhello\r\n" }, "no such command" },
    { "history", "\x1b[A\r", { "\r\nhello\r\n" }, "no such command" },
    { "date", "date\r", { "(confidence " }, "date:" },
    { "ps", "ps\r", { " vfsd ", " vsh ", " shell-check ", " storaged " }, "ps:" },
    { "missing file", "cat /boot/nope.txt\r", { "\r\ncat: /boot/nope.txt: not-found\r\n" }, {} },
    { "not a directory", "cd /boot/hello.txt\r", { "\r\ncd: /boot/hello.txt: not-a-directory\r\n" }, {} },
    { "cross-mount rename", "mv /boot/hello.txt /projects/hello.txt\r", { "\r\nmv: /boot/hello.txt: cross-mount\r\n" }, {} },
    { "mount point", "rm /boot\r", { "\r\nrm: /boot: mount-point\r\n" }, {} },
    { "unclosed quote", "echo 'open\r", { "\r\nvsh: a quote is not closed\r\n" }, {} },
};
constexpr usize step_count = sizeof(script) / sizeof(script[0]);

/* The text's printable bytes (controls as '.'), at most 120 of them, for a console line. */
FixedString<128> shown(std::string_view text)
{
    FixedString<128> result;
    for (char character : text.substr(0, 120)) {
        char safe = (character >= 0x20 && character < 0x7f) ? character : '.';
        result.append({ &safe, 1 });
    }
    return result;
}

bool contains(std::span<u8 const> screen, std::string_view wanted)
{
    std::string_view text(reinterpret_cast<char const*>(screen.data()), screen.size());
    return text.find(wanted) != std::string_view::npos;
}

class ScriptedPerson final : public shellcheck::Person {
public:
    explicit ScriptedPerson(ConsoleCap const& console)
        : m_console(console)
    {
    }

    shellcheck::Reaction react(usize, std::span<u8 const> screen) override
    {
        if (m_next == 0 && !m_greeted) {
            m_greeted = true;
            bool greeted = contains(screen, "vsh: a small shell on vfsd") && contains(screen, "vsh:/$ ");
            report("greeting and prompt", greeted, greeted ? "" : "no greeting");
        } else if (m_next > 0 && m_next <= step_count) {
            check(script[m_next - 1], screen);
        }
        if (m_next < step_count)
            return type(script[m_next++].keys);
        if (m_next == step_count) {
            ++m_next;
            if (m_failures == 0)
                (void)print_line(m_console, "shell-check: passed ({} steps)", step_count + 1);
            else
                (void)print_line(m_console, "shell-check: {} of {} steps FAILED", m_failures, step_count + 1);
            return type(m_failures == 0 ? "exit\r" : "exit 1\r");
        }
        return {};
    }

private:
    static shellcheck::Reaction type(std::string_view keys)
    {
        return { shellcheck::Reaction::Kind::Type, { reinterpret_cast<u8 const*>(keys.data()), keys.size() } };
    }

    void report(char const* label, bool passed, std::string_view why)
    {
        if (passed) {
            (void)print_line(m_console, "shell-check: {}: ok", label);
            return;
        }
        ++m_failures;
        (void)print_line(m_console, "shell-check: {}: FAILED: {}", label, shown(why).view());
    }

    void check(Step const& step, std::span<u8 const> screen)
    {
        if (std::string_view(step.label) == "ps")
            print_rows(screen);
        for (auto wanted : step.expect) {
            if (!wanted.empty() && !contains(screen, wanted))
                return report(step.label, false, wanted);
        }
        if (!step.absent.empty() && contains(screen, step.absent))
            return report(step.label, false, step.absent);
        report(step.label, true, "");
    }

    /* ps's table on the console: each line vsh wrote that holds no control sequence. */
    void print_rows(std::span<u8 const> screen)
    {
        std::string_view text(reinterpret_cast<char const*>(screen.data()), screen.size());
        while (!text.empty()) {
            usize end = text.find("\r\n");
            auto line = text.substr(0, end);
            if (!line.empty() && line.find('\x1b') == std::string_view::npos && line.find('\r') == std::string_view::npos)
                (void)print_line(m_console, "shell-check: | {}", shown(line).view());
            if (end == std::string_view::npos)
                break;
            text.remove_prefix(end + 2);
        }
    }

    ConsoleCap const& m_console;
    usize m_next { 0 };
    bool m_greeted { false };
    usize m_failures { 0 };
};

}

ErrorOr<i32> shell_check(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::shell_check)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    ScriptedPerson person(console);
    auto placed = TRY(endpoint::memory(memory, sizeof(shellcheck::Typist)));
    auto* typist = new (placed.data()) shellcheck::Typist(person);
    TRY(print_line(console, "shell-check: a terminal of {}x{} cells, {} steps to type", typist->columns(), typist->rows(), step_count));
    auto served = typist->serve(std::move(requests), std::move(replies), &ready);
    typist->~Typist();
    TRY(served);
    return 0;
}

}
