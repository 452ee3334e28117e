/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A fixed pool of 4 KiB page tables for protection domains (CONFIG_DOMAIN_PAGE_TABLES of them,
 * in .bss): handed out zeroed, given back to a free list. Both machine platforms build their
 * domains' tables from one; `owns` tells a domain's own tables from the kernel's.
 */

#pragma once

#include <vectra/Types.h>

namespace vectra::platform {

template<usize Capacity>
class PageTablePool {
public:
    static constexpr usize entries_per_table = 512;

    /* A zeroed table, or nullptr when the pool is empty. */
    [[nodiscard]] u64* allocate()
    {
        Table* table = nullptr;
        if (m_free) {
            table = m_free;
            m_free = reinterpret_cast<Table*>(table->entries[0]);
        } else if (m_never_used < Capacity) {
            table = &m_tables[m_never_used++];
        } else {
            return nullptr;
        }
        ++m_in_use;
        for (auto& entry : table->entries)
            entry = 0;
        return table->entries;
    }

    void free(u64* entries)
    {
        auto* table = reinterpret_cast<Table*>(entries);
        table->entries[0] = reinterpret_cast<u64>(m_free);
        m_free = table;
        --m_in_use;
    }

    [[nodiscard]] usize available() const { return Capacity - m_in_use; }

    [[nodiscard]] bool owns(u64 address) const
    {
        return address >= reinterpret_cast<u64>(&m_tables[0]) && address < reinterpret_cast<u64>(&m_tables[Capacity]);
    }

private:
    struct alignas(4096) Table {
        u64 entries[entries_per_table];
    };

    Table m_tables[Capacity];
    Table* m_free { nullptr }; /* linked through entries[0] */
    usize m_never_used { 0 };
    usize m_in_use { 0 }; /* every member starts zero: the pool lives in .bss, not in the loaded image */
};

}
