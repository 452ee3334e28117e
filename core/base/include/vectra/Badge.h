/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

namespace vectra {

/* A Badge<T> can only be made by T: a public constructor taking one is callable only from T. */
template<typename T>
class Badge {
    friend T;
    constexpr Badge() = default;

public:
    Badge(Badge const&) = delete;
    Badge(Badge&&) = default;
    Badge& operator=(Badge const&) = delete;
};

}
