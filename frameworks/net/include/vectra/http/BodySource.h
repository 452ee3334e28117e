/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Where a response body comes from when the server, not the handler, pushes it
 * (ResponseWriter::stream_body, docs/adr/0053-response-bodies-pushed-between-turns.md): the
 * server reads the next bytes into the connection's body buffer whenever the stream took the
 * previous ones, so a slow peer holds its own connection only and every other connection keeps
 * moving. A source belongs to one response at a time.
 */

#pragma once

#include <span>
#include <vectra/Error.h>

namespace vectra::http {

class BodySource {
public:
    virtual ~BodySource() = default;
    /* The next bytes of the body, in order, into `buffer` (not empty): at least one, or an error. */
    [[nodiscard]] virtual ErrorOr<usize> read(std::span<u8> buffer) = 0;
    /* The response is over (every byte sent, or the connection ended first): the source lets go of what it holds. */
    virtual void finish() = 0;
};

}
