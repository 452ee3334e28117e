/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * More commands for vsh's Shell from another app (vctl's `vctl …`, apps/vctl): the Shell offers a
 * line's words to its extension before it says "no such command", and lists the extension's help
 * after its own.
 */

#pragma once

#include <vsh/Sink.h>
#include <vsh/Words.h>

namespace vectra::vsh {

class Extension {
public:
    /* Runs `words` when words[0] is one of its commands, writing to `sink`; false when it is not. */
    [[nodiscard]] virtual bool run(Words const& words, Sink& sink) = 0;
    /* Its lines of `help`. */
    virtual void help(Sink& sink) = 0;

protected:
    ~Extension() = default;
};

}
