/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * vterm's end of the key-to-photon measurement (docs/adr/0047-input-routing.md, amendment
 * "Key to photon"): for each key press compositord hands a window, the monotonic time it was
 * received, the time the window's next damage went out (the program's answer to the key drawn:
 * its echo) and the time compositord answered the frame that carried that damage (composed and
 * presented). Keys are counted from 1 in the order they arrive, as the input drivers count their
 * presses, so the harness pairs each with the driver's interrupt stamp. Only the first `limit`
 * keys are stamped (0: none); at most `maximum_pending` wait for their frame at once, the rest are
 * counted and not stamped.
 */

#pragma once

#include <optional>
#include <span>
#include <vectra/Types.h>

namespace vectra::vterm {

class KeyStamps {
public:
    static constexpr usize maximum_pending = 16;

    struct Stamp {
        u64 key { 0 };
        usize window { 0 };
        u64 received { 0 };
        std::optional<u64> drawn;
        u64 flushed { 0 };
    };

    explicit KeyStamps(u64 limit = 0)
        : m_limit(limit)
    {
    }

    /* A key press handed to `window` at `now`. */
    void received(usize window, u64 now);
    /* `window`'s damage sent at `now`: the keys it received before are drawn. */
    void drawn(usize window, u64 now);
    /* The frame answered at `now`: the drawn keys are flushed, returned until the next call. */
    [[nodiscard]] std::span<Stamp const> flushed(u64 now);

    [[nodiscard]] u64 keys() const { return m_keys; }
    [[nodiscard]] bool is_on() const { return m_limit > 0; }

private:
    u64 m_limit { 0 };
    u64 m_keys { 0 };
    Stamp m_pending[maximum_pending];
    usize m_pending_count { 0 };
    Stamp m_done[maximum_pending];
};

}
