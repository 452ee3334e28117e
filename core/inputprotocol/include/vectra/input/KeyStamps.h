/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * An input driver's end of the key-to-photon measurement (docs/adr/0047-input-routing.md,
 * amendment "Key to photon"): the monotonic time the driver ran after the interrupt that brought
 * each key press, counted from 1 in arrival order, for the first `limit` presses (0: none). The
 * stamps are held while a batch carries a press and given out after the next batch that carries
 * none — the key's release — so printing them stays off the key's own path. At most
 * `maximum_held` wait; presses beyond that are counted, not stamped.
 */

#pragma once

#include <span>
#include <vectra/input/DeviceProtocol.h>

namespace vectra::input::device {

class KeyStamps {
public:
    static constexpr usize maximum_held = 16;
    /* Key codes from BTN_MISC on are buttons (a pointer's), not keys. */
    static constexpr u16 first_button_code = 0x100;

    struct Stamp {
        u64 key { 0 };
        u64 nanoseconds { 0 };
    };

    explicit KeyStamps(u64 limit = 0)
        : m_limit(limit)
    {
    }

    /* One event of the batch the interrupt at `now` brought. */
    void event(RawEvent const&, u64 now);
    /* After the batch was sent: the stamps to print now (none while it carried a press), valid until the next call. */
    [[nodiscard]] std::span<Stamp const> after_batch();

    [[nodiscard]] u64 presses() const { return m_presses; }

private:
    u64 m_limit { 0 };
    u64 m_presses { 0 };
    bool m_batch_pressed { false };
    Stamp m_held[maximum_held];
    usize m_held_count { 0 };
    Stamp m_due[maximum_held];
};

}
