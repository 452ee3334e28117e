/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vsh's commands (Shell.h).
 */

#include <vectra/Rfc3339.h>
#include <vsh/Shell.h>

namespace vectra::vsh {

namespace {

/* Class numbers of vectra/CapabilityClass.h that ps names in its columns. */
constexpr usize memory_class = 2;
constexpr usize ring_class = 3;
constexpr usize reticle_class = 6;

char const* kind_name(vfs::NodeKind kind) { return kind == vfs::NodeKind::Directory ? "dir " : "file"; }

}

void Shell::line(std::string_view text)
{
    m_sink.text(text);
    m_sink.text("\r\n");
}

void Shell::fail(std::string_view command, std::string_view path, Error const& error)
{
    m_sink.format("{}: {}: {}\r\n", command, path, error.name());
}

FixedString<64> Shell::prompt() const
{
    FixedString<64> text;
    FixedString<256> directory;
    (void)format_into(directory, "{}", m_directory);
    auto shown = directory.view();
    if (shown.size() > 40)
        shown = shown.substr(shown.size() - 40);
    text.append("vsh:");
    text.append(shown);
    text.append("$ ");
    return text;
}

ErrorOr<Path> Shell::resolve(std::string_view text) const
{
    if (text.empty())
        return Error(ErrorCode::InvalidArgument, "an empty path");
    Path path = text[0] == '/' ? Path::root() : m_directory;
    while (!text.empty()) {
        usize slash = text.find('/');
        auto component = text.substr(0, slash);
        text = slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1);
        if (component.empty() || component == ".")
            continue;
        if (component == "..") {
            if (!path.is_root())
                path = TRY(path.parent());
            continue;
        }
        path = TRY(path.try_join(component));
    }
    return path;
}

Outcome Shell::run_line(std::string_view text)
{
    ++m_lines_run;
    auto parsed = parse_words(text, m_words);
    if (parsed.is_error()) {
        m_sink.format("vsh: {}\r\n", describe(parsed.error()));
        return {};
    }
    return run(m_words);
}

Outcome Shell::run(Words const& words)
{
    if (words.count() == 0)
        return {};
    auto command = words[0];
    if (command == "ls")
        list(words);
    else if (command == "cat")
        concatenate(words);
    else if (command == "cd")
        change_directory(words);
    else if (command == "pwd")
        m_sink.format("{}\r\n", m_directory);
    else if (command == "mkdir")
        make_directories(words);
    else if (command == "rm")
        remove(words);
    else if (command == "mv")
        move(words);
    else if (command == "echo")
        echo(words);
    else if (command == "date")
        date();
    else if (command == "ps")
        processes();
    else if (command == "notify")
        post_notification(words);
    else if (command == "help")
        help();
    else if (command == "exit") {
        Outcome outcome { true, 0 };
        if (words.count() > 1) {
            i32 status = 0;
            for (char digit : words[1]) {
                if (digit < '0' || digit > '9' || status > 25) {
                    m_sink.format("exit: {}: not a status (0-255)\r\n", words[1]);
                    return {};
                }
                status = status * 10 + (digit - '0');
            }
            if (status > 255) {
                m_sink.format("exit: {}: not a status (0-255)\r\n", words[1]);
                return {};
            }
            outcome.status = status;
        }
        return outcome;
    } else if (!m_extension || !m_extension->run(words, m_sink)) {
        m_sink.format("vsh: {}: no such command (help lists them)\r\n", command);
    }
    return {};
}

void Shell::list_one(std::string_view typed, Path const& path, bool long_form)
{
    auto status = m_files.stat(path);
    if (status.is_error())
        return fail("ls", typed, status.error());
    if (status.value().kind == vfs::NodeKind::File) {
        if (long_form)
            m_sink.format("file {:>10} {}\r\n", status.value().size, typed);
        else
            line(typed);
        return;
    }
    u64 cursor = 0;
    for (;;) {
        auto page = m_files.list(path, cursor);
        if (page.is_error())
            return fail("ls", typed, page.error());
        auto const& listing = page.value();
        for (usize index = 0; index < listing.count; ++index) {
            auto name = listing.names[index].view();
            bool directory = listing.kinds[index] == vfs::NodeKind::Directory;
            if (!long_form) {
                m_sink.format("{}{}\r\n", name, directory ? "/" : "");
                continue;
            }
            u64 size = 0;
            if (auto child = path.try_join(name); !child.is_error() && !directory) {
                auto child_status = m_files.stat(child.value());
                if (child_status.is_error()) {
                    fail("ls", name, child_status.error());
                    continue;
                }
                size = child_status.value().size;
            }
            m_sink.format("{} {:>10} {}{}\r\n", kind_name(listing.kinds[index]), size, name, directory ? "/" : "");
        }
        if (!listing.more)
            return;
        cursor = listing.next;
    }
}

void Shell::list(Words const& words)
{
    bool long_form = false;
    usize first = 1;
    if (words.count() > 1 && words[1] == "-l") {
        long_form = true;
        first = 2;
    }
    if (first == words.count()) {
        FixedString<256> shown;
        (void)format_into(shown, "{}", m_directory);
        return list_one(shown.view(), m_directory, long_form);
    }
    for (usize index = first; index < words.count(); ++index) {
        auto path = resolve(words[index]);
        if (path.is_error()) {
            fail("ls", words[index], path.error());
            continue;
        }
        if (words.count() - first > 1)
            m_sink.format("{}:\r\n", words[index]);
        list_one(words[index], path.value(), long_form);
    }
}

void Shell::concatenate(Words const& words)
{
    if (words.count() < 2)
        return line("cat: which file? (cat PATH...)");
    for (usize index = 1; index < words.count(); ++index) {
        auto path = resolve(words[index]);
        if (path.is_error()) {
            fail("cat", words[index], path.error());
            continue;
        }
        auto opened = m_files.open(path.value());
        if (opened.is_error()) {
            fail("cat", words[index], opened.error());
            continue;
        }
        auto file = opened.release_value();
        u8 buffer[vfs::maximum_transfer];
        u64 offset = 0;
        bool ended_with_newline = true;
        for (;;) {
            auto read = file.read_at(offset, buffer);
            if (read.is_error()) {
                fail("cat", words[index], read.error());
                break;
            }
            usize length = read.value();
            if (length == 0)
                break;
            /* A newline in the file becomes CR LF on the terminal. */
            usize start = 0;
            for (usize at = 0; at < length; ++at) {
                if (buffer[at] != '\n')
                    continue;
                m_sink.write({ buffer + start, at - start });
                m_sink.text("\r\n");
                start = at + 1;
            }
            m_sink.write({ buffer + start, length - start });
            ended_with_newline = buffer[length - 1] == '\n';
            offset += length;
        }
        if (!ended_with_newline)
            m_sink.text("\r\n");
        (void)file.close();
    }
}

void Shell::change_directory(Words const& words)
{
    if (words.count() > 2)
        return line("cd: one directory at most (cd [PATH])");
    if (words.count() == 1) {
        m_directory = Path::root();
        return;
    }
    auto path = resolve(words[1]);
    if (path.is_error())
        return fail("cd", words[1], path.error());
    auto status = m_files.stat(path.value());
    if (status.is_error())
        return fail("cd", words[1], status.error());
    if (status.value().kind != vfs::NodeKind::Directory)
        return fail("cd", words[1], Error(vfs::VfsError::NotADirectory, "cd into a file"));
    m_directory = path.value();
}

void Shell::make_directories(Words const& words)
{
    if (words.count() < 2)
        return line("mkdir: which directory? (mkdir PATH...)");
    for (usize index = 1; index < words.count(); ++index) {
        auto path = resolve(words[index]);
        if (path.is_error()) {
            fail("mkdir", words[index], path.error());
            continue;
        }
        if (auto made = m_files.create_directory(path.value()); made.is_error())
            fail("mkdir", words[index], made.error());
    }
}

void Shell::remove(Words const& words)
{
    if (words.count() < 2)
        return line("rm: which file? (rm PATH...)");
    for (usize index = 1; index < words.count(); ++index) {
        auto path = resolve(words[index]);
        if (path.is_error()) {
            fail("rm", words[index], path.error());
            continue;
        }
        if (auto removed = m_files.remove(path.value()); removed.is_error())
            fail("rm", words[index], removed.error());
    }
}

void Shell::move(Words const& words)
{
    if (words.count() != 3)
        return line("mv: two paths (mv FROM TO)");
    auto from = resolve(words[1]);
    if (from.is_error())
        return fail("mv", words[1], from.error());
    auto to = resolve(words[2]);
    if (to.is_error())
        return fail("mv", words[2], to.error());
    /* Into an existing directory: under the same name there. */
    Path target = to.value();
    if (auto status = m_files.stat(target); !status.is_error() && status.value().kind == vfs::NodeKind::Directory && !from.value().is_root()) {
        auto inside = target.try_join(from.value().last());
        if (inside.is_error())
            return fail("mv", words[2], inside.error());
        target = inside.value();
    }
    if (auto renamed = m_files.rename(from.value(), target); renamed.is_error())
        fail("mv", words[1], renamed.error());
}

void Shell::echo(Words const& words)
{
    for (usize index = 1; index < words.count(); ++index) {
        if (index > 1)
            m_sink.text(" ");
        m_sink.text(words[index]);
    }
    m_sink.text("\r\n");
}

void Shell::date()
{
    auto reading = m_clock.now();
    auto text = format_rfc3339(reading.time(), FractionDigits::None);
    m_sink.format("{} (confidence {}, source {})\r\n", text.view(), time_confidence_name(reading.confidence()),
        time_source_name(reading.source()));
}

void Shell::processes()
{
    if (!m_tasks)
        return line("ps: this shell was granted no snapshot capability");
    auto table = m_tasks->read(m_rows);
    if (table.is_error())
        return fail("ps", "snapshot", table.error());
    line("   ID NAME             STATE    BAND    CPU     TIME(ms) RETICLE(KiB)  CAPS MEM RING RET");
    for (usize index = 0; index < table.value().count; ++index) {
        auto const& row = m_rows[index];
        m_sink.format("{:>5} {:<16} {:<8} {:<7} {:>3} {:>12} {:>5}/{:<6} {:>5} {:>3} {:>4} {:>3}\r\n", row.id,
            row.name.view(), tasks::state_name(row.state), tasks::band_name(row.band), row.cpu, row.time_nanoseconds / 1'000'000,
            row.reticle_used / 1024, row.reticle_size / 1024, row.capabilities, row.by_class[memory_class],
            row.by_class[ring_class], row.by_class[reticle_class]);
    }
    if (table.value().listed > table.value().count)
        m_sink.format("ps: {} more Tasks not shown\r\n", table.value().listed - table.value().count);
}

void Shell::post_notification(Words const& words)
{
    if (!m_notifier) {
        line("notify: no notification service");
        return;
    }
    if (words.count() < 2 || words.count() > 3) {
        line("notify: usage: notify TITLE [BODY]");
        return;
    }
    if (words[1].size() > notify::maximum_title || (words.count() == 3 && words[2].size() > notify::maximum_body)) {
        line("notify: a title holds at most 64 bytes, a body 256");
        return;
    }
    auto posted = m_notifier->post(words[1], words.count() == 3 ? words[2] : std::string_view {});
    if (posted.is_error()) {
        m_sink.format("notify: {}: {}\r\n", words[1], posted.error().name());
        return;
    }
    m_sink.format("notify: shown for {} s (notification {})\r\n", notify_timeout_ms / 1000, posted.value());
}

void Shell::help()
{
    line("vsh commands:");
    line("  ls [-l] [PATH...]  list a directory (-l: kind and size)");
    line("  cat PATH...        print files");
    line("  cd [PATH]          change the working directory (/ without PATH)");
    line("  pwd                print the working directory");
    line("  mkdir PATH...      make directories");
    line("  rm PATH...         remove files and empty directories");
    line("  mv FROM TO         rename (within one mount; into TO when it is a directory)");
    line("  echo WORD...       print words");
    line("  date               the wall clock, with its confidence and source");
    line("  ps                 Tasks from the kernel's snapshot");
    line("  notify TITLE [BODY] a notification through notifyd (5 s)");
    line("  help               this list");
    line("  exit [STATUS]      end the shell");
    if (m_extension)
        m_extension->help(m_sink);
    line("keys: arrows, Home/End, Delete, Ctrl+A/E/K/U/W, Up/Down history, Ctrl+C, Ctrl+L, Ctrl+D");
}

}
