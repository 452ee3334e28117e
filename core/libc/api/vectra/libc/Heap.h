/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * A heap with free, over memory its owner hands it (a carve of a Task's Reticle): for ported code
 * that allocates and frees many buffers over a long life (BoringSSL: tens per TLS handshake),
 * where a ScopedAllocationArena, which never gives memory back, would run out.
 */

#pragma once

#include <span>
#include <vectra/Types.h>

namespace vectra::libc {

class Heap {
public:
    /* Every block is aligned to this, as malloc's are on both architectures. */
    static constexpr usize alignment = 16;

    /* Uses `memory` (its aligned part) for every block; the caller keeps it alive and unused. */
    explicit Heap(std::span<u8> memory);
    Heap(Heap const&) = delete;
    Heap& operator=(Heap const&) = delete;

    /* `size` bytes (0 gives a unique block), or null when no free range is large enough. */
    [[nodiscard]] void* allocate(usize size);

    /*
     * Gives a block back, zeroed (what was in it may be key material), merged with free
     * neighbours. A pointer this heap did not hand out, or one given back already, panics:
     * the caller's memory is corrupt and nothing it does next can be trusted.
     */
    void release(void* block);

    /* The usable size of a live block: at least what was asked for. */
    [[nodiscard]] usize usable_size(void const* block) const;

    [[nodiscard]] bool owns(void const* block) const;
    [[nodiscard]] usize capacity() const { return m_size; }
    /* Bytes in live blocks, their headers included, now and at most since construction. */
    [[nodiscard]] usize in_use() const { return m_in_use; }
    [[nodiscard]] usize peak_in_use() const { return m_peak; }
    [[nodiscard]] usize live_blocks() const { return m_live_blocks; }
    /* Allocations refused because nothing free was large enough. */
    [[nodiscard]] usize refusals() const { return m_refusals; }

private:
    struct FreeBlock;
    /* Free blocks by size class: exact to 512 bytes, then four classes per power of two. */
    static constexpr usize exact_classes = 32;
    static constexpr usize classes_per_power = 4;
    static constexpr usize class_count = exact_classes + (31 - 5 + 1) * classes_per_power;
    static constexpr usize bitmap_words = (class_count + 63) / 64;

    [[nodiscard]] static usize class_of(usize size);
    [[nodiscard]] usize checked_header(void const* block) const;
    void insert(FreeBlock*, usize size);
    void unlink(FreeBlock*, usize size);
    [[nodiscard]] u8* end() const { return m_base + m_size; }

    u8* m_base { nullptr };
    usize m_size { 0 };
    FreeBlock* m_classes[class_count] {};
    u64 m_nonempty[bitmap_words] {};
    usize m_in_use { 0 };
    usize m_peak { 0 };
    usize m_live_blocks { 0 };
    usize m_refusals { 0 };
};

}
