/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * qsort as an in-place heap sort (O(n log n) in the worst case, no recursion, no memory) and
 * bsearch.
 */

#include <vectra/libc/Libc.h>

namespace vectra::libc {

namespace {

void swap_elements(u8* left, u8* right, usize size)
{
    for (usize index = 0; index < size; ++index) {
        u8 kept = left[index];
        left[index] = right[index];
        right[index] = kept;
    }
}

/* Moves the element at `root` down until the heap below it (up to `count`) is ordered again. */
void sift_down(u8* base, usize root, usize count, usize size, Comparison compare)
{
    for (;;) {
        usize child = 2 * root + 1;
        if (child >= count)
            return;
        if (child + 1 < count && compare(base + child * size, base + (child + 1) * size) < 0)
            ++child;
        if (compare(base + root * size, base + child * size) >= 0)
            return;
        swap_elements(base + root * size, base + child * size, size);
        root = child;
    }
}

}

void sort(void* memory, usize count, usize size, Comparison compare)
{
    if (count < 2 || size == 0)
        return;
    auto* base = static_cast<u8*>(memory);
    for (usize root = count / 2; root-- > 0;)
        sift_down(base, root, count, size, compare);
    for (usize end = count - 1; end > 0; --end) {
        swap_elements(base, base + end * size, size);
        sift_down(base, 0, end, size, compare);
    }
}

void* binary_search(void const* key, void const* memory, usize count, usize size, Comparison compare)
{
    auto const* base = static_cast<u8 const*>(memory);
    usize low = 0;
    usize high = count;
    while (low < high) {
        usize middle = low + (high - low) / 2;
        int order = compare(key, base + middle * size);
        if (order == 0)
            return const_cast<u8*>(base + middle * size);
        if (order < 0)
            high = middle;
        else
            low = middle + 1;
    }
    return nullptr;
}

}
