/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * shell-check (image shell): the terminal vsh speaks to, with a person typing a script. It serves
 * vectra.tty (Typist.h) and, at each read, checks vsh's answer to the last line typed against what
 * it must show (and must not), printing one console line per step; then it types the next line.
 * Every step checked, it types `exit` when all passed and `exit 1` otherwise, so vsh — the image's
 * check Task — ends with the verdict. The test program for vsh until vterm serves it.
 */

#include <shellcheck/ScriptedPerson.h>
#include <vectra/System.h>
#include <vectra/TaskEntry.h>
#include <vectra/Try.h>
#include <vectra/footprints/shell_check.h>

VECTRA_TASK_ENTRY(shell_check);

namespace vectra::task_entries {

namespace {

using shellcheck::Step;

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
    { "ps", "ps\r", { " vfsd ", " vsh ", " shell-check ", " storaged " }, "ps:", true },
    { "missing file", "cat /boot/nope.txt\r", { "\r\ncat: /boot/nope.txt: not-found\r\n" }, {} },
    { "not a directory", "cd /boot/hello.txt\r", { "\r\ncd: /boot/hello.txt: not-a-directory\r\n" }, {} },
    { "cross-mount rename", "mv /boot/hello.txt /projects/hello.txt\r", { "\r\nmv: /boot/hello.txt: cross-mount\r\n" }, {} },
    { "mount point", "rm /boot\r", { "\r\nrm: /boot: mount-point\r\n" }, {} },
    { "unclosed quote", "echo 'open\r", { "\r\nvsh: a quote is not closed\r\n" }, {} },
};

constexpr std::string_view greeting[] = { "vsh: a small shell on vfsd", "vsh:/$ " };

}

ErrorOr<i32> shell_check(Bundle& bundle)
{
    TRY(check_footprint(bundle, footprints::shell_check)); /* generated from footprint.json */
    auto console = TRY(bundle.take<ConsoleCap>("console"));
    TRY(shellcheck::serve_script(bundle, console, "shell-check", script, greeting));
    return 0;
}

}
