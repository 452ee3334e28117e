/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string_view>
#include <vectra/kernel/Init.h>

extern "C" vectra::kernel::InitEntry const __start_vectra_init[];
extern "C" vectra::kernel::InitEntry const __stop_vectra_init[];

namespace vectra::kernel {

namespace {

bool comes_before(InitEntry const& left, InitEntry const& right)
{
    if (left.init_class != right.init_class)
        return left.init_class < right.init_class;
    if (left.priority != right.priority)
        return left.priority < right.priority;
    return std::string_view(left.name) < std::string_view(right.name);
}

}

ErrorOr<void> sorted_init_entries(InitEntry const** output, usize capacity, usize& count)
{
    usize total = static_cast<usize>(__stop_vectra_init - __start_vectra_init);
    if (total > capacity)
        return Error(ErrorCode::Full, "more init entries than the kernel's init table holds");
    /* Insertion sort: a few dozen entries at most, and it keeps equal keys stable. */
    for (usize index = 0; index < total; ++index) {
        InitEntry const* entry = &__start_vectra_init[index];
        usize position = index;
        while (position > 0 && comes_before(*entry, *output[position - 1])) {
            output[position] = output[position - 1];
            --position;
        }
        output[position] = entry;
    }
    count = total;
    return {};
}

}
