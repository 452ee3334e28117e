/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A person typing a script (ScriptedPerson.h).
 */

#include <new>
#include <shellcheck/ScriptedPerson.h>
#include <vectra/System.h>
#include <vectra/Try.h>
#include <vectra/concurrent/Endpoints.h>

namespace vectra::shellcheck {

namespace {

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

Reaction type(std::string_view keys)
{
    return { Reaction::Kind::Type, { reinterpret_cast<u8 const*>(keys.data()), keys.size() } };
}

}

Reaction ScriptedPerson::react(usize, std::span<u8 const> screen)
{
    if (m_next == 0 && !m_greeted) {
        m_greeted = true;
        std::string_view missing;
        for (auto wanted : m_greeting) {
            if (missing.empty() && !contains(screen, wanted))
                missing = wanted;
        }
        report("greeting and prompt", missing.empty(), missing);
    } else if (m_next > 0 && m_next <= m_script.size()) {
        check(m_script[m_next - 1], screen);
    }
    if (m_next < m_script.size())
        return type(m_script[m_next++].keys);
    if (m_next == m_script.size()) {
        ++m_next;
        if (m_failures == 0)
            (void)print_line(m_console, "{}: passed ({} steps)", m_who, m_script.size() + 1);
        else
            (void)print_line(m_console, "{}: {} of {} steps FAILED", m_who, m_failures, m_script.size() + 1);
        return type(m_failures == 0 ? "exit\r" : "exit 1\r");
    }
    return {};
}

void ScriptedPerson::report(char const* label, bool passed, std::string_view why)
{
    if (passed) {
        (void)print_line(m_console, "{}: {}: ok", m_who, label);
        return;
    }
    ++m_failures;
    (void)print_line(m_console, "{}: {}: FAILED: {}", m_who, label, shown(why).view());
}

void ScriptedPerson::check(Step const& step, std::span<u8 const> screen)
{
    if (step.print)
        print_rows(screen);
    for (auto wanted : step.expect) {
        if (!wanted.empty() && !contains(screen, wanted))
            return report(step.label, false, wanted);
    }
    if (!step.absent.empty() && contains(screen, step.absent))
        return report(step.label, false, step.absent);
    report(step.label, true, "");
}

/* The answer's plain lines on the console: each line the program wrote that holds no control sequence. */
void ScriptedPerson::print_rows(std::span<u8 const> screen)
{
    std::string_view text(reinterpret_cast<char const*>(screen.data()), screen.size());
    while (!text.empty()) {
        usize end = text.find("\r\n");
        auto line = text.substr(0, end);
        if (!line.empty() && line.find('\x1b') == std::string_view::npos && line.find('\r') == std::string_view::npos)
            (void)print_line(m_console, "{}: | {}", m_who, shown(line).view());
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 2);
    }
}

ErrorOr<void> serve_script(Bundle& bundle, ConsoleCap const& console, char const* who, std::span<Step const> script,
    std::span<std::string_view const> greeting)
{
    auto memory = TRY(bundle.take<ReticleCap>("memory"));
    auto requests = TRY(bundle.take<RingCap>("requests"));
    auto replies = TRY(bundle.take<RingCap>("replies"));
    auto ready = TRY(bundle.take<SignalCap>("ready"));
    ScriptedPerson person(console, who, script, greeting);
    auto placed = TRY(endpoint::memory(memory, sizeof(Typist)));
    auto* typist = new (placed.data()) Typist(person);
    TRY(print_line(console, "{}: a terminal of {}x{} cells, {} steps to type", who, typist->columns(), typist->rows(), script.size()));
    auto served = typist->serve(std::move(requests), std::move(replies), &ready);
    typist->~Typist();
    return served;
}

}
