/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A person at the terminal who types a script (images shell and admin): at each read it checks
 * the program's answer to the last line typed against what it must show (and must not), prints
 * one console line per step ("<who>: <step>: ok", or FAILED with what was missing), then types the
 * next line; after the last step it types `exit` when every step passed and `exit 1` otherwise.
 * A step marked `print` also copies the answer's plain lines to the console ("<who>: | …").
 */

#pragma once

#include <shellcheck/Typist.h>
#include <span>
#include <string_view>
#include <vectra/Bundle.h>
#include <vectra/Capability.h>

namespace vectra::shellcheck {

struct Step {
    char const* label;
    std::string_view keys;
    std::string_view expect[4];
    std::string_view absent;
    bool print { false };
};

class ScriptedPerson final : public Person {
public:
    /* `greeting`: what the first screen shows before anything is typed (each string). */
    ScriptedPerson(ConsoleCap const& console, char const* who, std::span<Step const> script, std::span<std::string_view const> greeting)
        : m_console(console)
        , m_who(who)
        , m_script(script)
        , m_greeting(greeting)
    {
    }

    Reaction react(usize, std::span<u8 const> screen) override;

private:
    void report(char const* label, bool passed, std::string_view why);
    void check(Step const&, std::span<u8 const> screen);
    void print_rows(std::span<u8 const> screen);

    ConsoleCap const& m_console;
    char const* m_who;
    std::span<Step const> m_script;
    std::span<std::string_view const> m_greeting;
    usize m_next { 0 };
    bool m_greeted { false };
    usize m_failures { 0 };
};

/*
 * A terminal Task's life with a scripted person: its slots memory, requests, replies and ready
 * taken from `bundle` (whose footprint the caller checked), then vectra.tty served with `who`
 * typing `script` ("<who>: a terminal of CxR cells, N steps to type" first on `console`), until
 * the program's session ends for good.
 */
[[nodiscard]] ErrorOr<void> serve_script(Bundle& bundle, ConsoleCap const& console, char const* who, std::span<Step const> script,
    std::span<std::string_view const> greeting);

}
