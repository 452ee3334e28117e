/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * VectraKit's errors (docs/adr/0046-vectrakit.md): one code per rule a tree edit, a layout or an
 * event can break, so a test names the rule.
 */

#pragma once

#include <vectra/Error.h>

namespace vectra::kit {

enum class KitError : u16 {
    TreeFull = 1, /* every widget slot of the caller's arrays is in use */
    StaleWidget = 2, /* the id's slot is free or holds a later widget (its generation moved on) */
    RootExists = 3, /* a second widget without a parent */
    NotAContainer = 4, /* a child added under a widget that is not a row or a column */
    WrongKind = 5, /* an operation for another kind of widget (a list model on a button) */
    TextTooLong = 6, /* the text, or a text field's text after an edit, does not fit its capacity */
    InvalidText = 7, /* bytes that are not UTF-8, or a control character typed into a field */
    GlyphFailed = 8, /* the glyph source could not give a glyph (a font service's refusal) */
    BufferTooSmall = 9, /* a canvas smaller than its stated size, or a serialisation buffer too small */
    OutOfBounds = 10, /* a layout rectangle beyond ±2^20 or larger than 2^16 on a side */
};

inline constexpr ErrorDomain domain {
    "vectra.kit",
    [](u16 code) -> char const* {
        switch (static_cast<KitError>(code)) {
        case KitError::TreeFull:
            return "tree-full";
        case KitError::StaleWidget:
            return "stale-widget";
        case KitError::RootExists:
            return "root-exists";
        case KitError::NotAContainer:
            return "not-a-container";
        case KitError::WrongKind:
            return "wrong-kind";
        case KitError::TextTooLong:
            return "text-too-long";
        case KitError::InvalidText:
            return "invalid-text";
        case KitError::GlyphFailed:
            return "glyph-failed";
        case KitError::BufferTooSmall:
            return "buffer-too-small";
        case KitError::OutOfBounds:
            return "out-of-bounds";
        }
        return nullptr;
    },
};

constexpr ErrorDomain const& error_domain(KitError) { return domain; }

}
