/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <span>
#include <type_traits>
#include <utility>
#include <vectra/Error.h>
#include <vectra/Types.h>

namespace vectra {

/*
 * A sequence of at most Capacity elements stored inline (no allocator). Elements must be
 * default-constructible: every slot holds one, whether in use or not. Slots past size() are
 * default-initialised, not zeroed (a trivial element's bytes there are indeterminate): every
 * accessor stops at size(), and a new slot is assigned before it is counted. A decoded message
 * with a 1,536-byte payload no longer pays a 1,536-byte clear, even when value-initialised
 * (the constructor is user-provided for that reason).
 */
template<typename T, usize Capacity>
class BoundedVector {
public:
    using ValueType = T;

    constexpr BoundedVector() { }

    [[nodiscard]] ErrorOr<void> try_append(T value)
    {
        if (m_size == Capacity)
            return Error(ErrorCode::Full, "bounded vector is at capacity");
        m_elements[m_size++] = std::move(value);
        return {};
    }

    /* Appends every element of `values`, or nothing when they do not all fit. */
    [[nodiscard]] ErrorOr<void> try_extend(std::span<T const> values)
    {
        if (values.size() > Capacity - m_size)
            return Error(ErrorCode::Full, "bounded vector is at capacity");
        /* One copy: stepping m_size per element would reload it after every store (a u8 may alias it). */
        if constexpr (std::is_trivially_copyable_v<T>) {
            if (!values.empty())
                __builtin_memcpy(m_elements + m_size, values.data(), values.size() * sizeof(T));
            m_size += values.size();
        } else {
            for (auto const& value : values)
                m_elements[m_size++] = value;
        }
        return {};
    }

    /* Appends a default element and returns it, for filling in place. */
    [[nodiscard]] ErrorOr<T*> try_append_default()
    {
        if (m_size == Capacity)
            return Error(ErrorCode::Full, "bounded vector is at capacity");
        m_elements[m_size] = T {};
        return &m_elements[m_size++];
    }

    constexpr void remove_last()
    {
        VERIFY(m_size > 0);
        --m_size;
    }
    constexpr void clear() { m_size = 0; }

    [[nodiscard]] constexpr usize size() const { return m_size; }
    [[nodiscard]] constexpr bool is_empty() const { return m_size == 0; }
    [[nodiscard]] static constexpr usize capacity() { return Capacity; }

    [[nodiscard]] constexpr T& operator[](usize index)
    {
        VERIFY(index < m_size);
        return m_elements[index];
    }
    [[nodiscard]] constexpr T const& operator[](usize index) const
    {
        VERIFY(index < m_size);
        return m_elements[index];
    }

    [[nodiscard]] constexpr T* begin() { return m_elements; }
    [[nodiscard]] constexpr T* end() { return m_elements + m_size; }
    [[nodiscard]] constexpr T const* begin() const { return m_elements; }
    [[nodiscard]] constexpr T const* end() const { return m_elements + m_size; }
    [[nodiscard]] constexpr std::span<T const> span() const { return { m_elements, m_size }; }
    [[nodiscard]] constexpr std::span<T> span() { return { m_elements, m_size }; }

private:
    T m_elements[Capacity > 0 ? Capacity : 1];
    usize m_size { 0 };
};

}
