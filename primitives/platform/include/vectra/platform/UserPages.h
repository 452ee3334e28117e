/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The page walks both architectures' protection domains share: setting every page entry of a
 * range, and checking every page of a range allows an access. Each platform supplies how to
 * find a page's entry (its own table format) and what an entry must say.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform {

/* Writes `entry_for(page)` into every page's entry of [base, end); `entry_of(page)` may return null (nothing to map). */
template<typename EntryOf, typename EntryFor>
void set_page_entries(u64 base, u64 end, u64 page_size, EntryOf&& entry_of, EntryFor&& entry_for)
{
    for (u64 page = base; page < end; page += page_size) {
        u64* entry = entry_of(page);
        if (entry)
            *entry = entry_for(page);
    }
}

/* Whether every page touched by [base, base + size) has an entry that `allows`. */
template<typename EntryOf, typename Allows>
[[nodiscard]] bool every_page_allows(u64 base, u64 size, u64 page_size, EntryOf&& entry_of, Allows&& allows)
{
    for (u64 page = base & ~(page_size - 1); page < base + size; page += page_size) {
        u64* entry = entry_of(page);
        if (!entry || !allows(*entry))
            return false;
    }
    return true;
}

}
