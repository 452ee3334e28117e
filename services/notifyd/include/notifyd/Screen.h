/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * Where notifyd's notifications are shown (docs/adr/0048-notifyd.md §3, §4): in an image, one
 * transient surface of compositord each, drawn with fontd's text (Display.h). The loop tells it
 * what to draw and asks it to make the screen match the Board; a click on a notification is the
 * person's withdrawal of it.
 */

#pragma once

#include <notifyd/Board.h>

namespace vectra::notifyd {

class Screen {
public:
    virtual ~Screen() = default;
    /* Draws the notification in Board slot `slot` (title and body as posted) into that slot's pixels. */
    [[nodiscard]] virtual ErrorOr<void> draw(usize slot, notify::Post const&) = 0;
    /* Makes the screen match `board`: surfaces created, moved and destroyed; returns once presented. */
    [[nodiscard]] virtual ErrorOr<void> show(Board const&) = 0;
    /* Withdraws from `board` every notification clicked since the last call; how many. Never waits. */
    [[nodiscard]] virtual ErrorOr<usize> take_clicks(Board&) = 0;
    /* The Signal bits that ring when clicks may be ready: the loop waits on them with its sessions'. */
    [[nodiscard]] virtual u64 input_mask() const = 0;
    /* Clicks that are ready although their bit may have been taken (a call met the reply on its
     * way): the loop takes them before it waits again. */
    [[nodiscard]] virtual bool has_input() const = 0;
};

}
