/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vsh's commands over a vfsd session: ls [-l], cat, cd, pwd, mkdir, rm, mv, echo, date, ps, help,
 * exit. Paths typed by the person are resolved against the working directory component by
 * component into a typed Path ("." stays, ".." goes up and stops at /, every other component
 * checked by core/path), never joined as strings. Every failure is one line naming the command,
 * the path and the error ("cat: /nope: not-found"); nothing a person types ends the shell but exit.
 */

#pragma once

#include <vectra/Path.h>
#include <vectra/WallClock.h>
#include <vectra/fs/Client.h>
#include <vsh/Extension.h>
#include <vsh/Notifier.h>
#include <vsh/Sink.h>
#include <vectra/snapshot/TaskList.h>
#include <vsh/Words.h>

namespace vectra::vsh {

struct Outcome {
    bool exit { false };
    i32 status { 0 };
};

class Shell {
public:
    /* `tasks` may be null: the Task was granted no snapshot, and ps says so; `notifier` too: no notifyd session. */
    Shell(vfs::Client& files, WallClock& clock, tasks::TaskList* tasks, Sink& sink, Notifier* notifier = nullptr)
        : m_files(files)
        , m_clock(clock)
        , m_tasks(tasks)
        , m_sink(sink)
        , m_notifier(notifier)
    {
    }

    /* More commands (vctl's), offered every line before "no such command"; may be null. */
    void set_extension(Extension* extension) { m_extension = extension; }

    /* Runs one line as typed (split into words first). */
    [[nodiscard]] Outcome run_line(std::string_view line);
    [[nodiscard]] Outcome run(Words const&);
    /* How many lines run_line was given (each typed line, empty ones too). */
    [[nodiscard]] u64 lines_run() const { return m_lines_run; }

    [[nodiscard]] Path const& directory() const { return m_directory; }
    /* The prompt: "vsh:/a/b$ " (the directory cut to its last 40 bytes when longer). */
    [[nodiscard]] FixedString<64> prompt() const;

private:
    [[nodiscard]] ErrorOr<Path> resolve(std::string_view text) const;
    void fail(std::string_view command, std::string_view path, Error const&);
    void line(std::string_view);

    void list(Words const&);
    void list_one(std::string_view typed, Path const&, bool long_form);
    void concatenate(Words const&);
    void change_directory(Words const&);
    void make_directories(Words const&);
    void remove(Words const&);
    void move(Words const&);
    void echo(Words const&);
    void date();
    void processes();
    void post_notification(Words const&);
    void help();

    vfs::Client& m_files;
    WallClock& m_clock;
    tasks::TaskList* m_tasks;
    Sink& m_sink;
    Notifier* m_notifier { nullptr };
    Extension* m_extension { nullptr };
    Path m_directory;
    Words m_words;
    tasks::TaskRow m_rows[64]; /* ps's table */
    u64 m_lines_run { 0 };
};

}
