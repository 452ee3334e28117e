/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <cstdlib>
#include <memory>
#include <vectra/Reticle.h>

namespace vectra::test {

/* Host memory standing in for a platform memory region, handed out as a root Reticle. */
class Arena {
public:
    explicit Arena(usize size)
        : m_memory(static_cast<u8*>(std::aligned_alloc(4096, size)))
        , m_reticle(reinterpret_cast<uptr>(m_memory), size)
    {
    }
    ~Arena() { std::free(m_memory); }
    Arena(Arena const&) = delete;
    Arena& operator=(Arena const&) = delete;

    Reticle& reticle() { return m_reticle; }

private:
    u8* m_memory;
    Reticle m_reticle;
};

}
