/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include "FatDevices.h"
#include "FatTools.h"
#include <initializer_list>
#include <string_view>

namespace vectra::test {

inline Path fat_path(std::initializer_list<std::string_view> components)
{
    Path path = Path::root();
    for (auto component : components)
        path = path.try_join(component).release_value();
    return path;
}

inline std::span<u8 const> bytes_of(std::string const& text)
{
    return { reinterpret_cast<u8 const*>(text.data()), text.size() };
}

inline std::string read_all(fat::Volume& volume, Path const& path)
{
    auto file = volume.open(path);
    INFO((file.is_error() ? file.error().message() : "opened"));
    REQUIRE(!file.is_error());
    auto size = volume.stat(path).value().size;
    std::string bytes(size, '\0');
    auto read = volume.read(file.value(), 0, { reinterpret_cast<u8*>(bytes.data()), bytes.size() });
    REQUIRE(!read.is_error());
    REQUIRE(read.value() == size);
    return bytes;
}

inline void write_file(fat::Volume& volume, Path const& path, std::string const& bytes)
{
    auto file = volume.create_file(path);
    INFO((file.is_error() ? file.error().message() : "created"));
    REQUIRE(!file.is_error());
    auto written = volume.write(file.value(), 0, bytes_of(bytes));
    INFO((written.is_error() ? written.error().message() : "written"));
    REQUIRE(!written.is_error());
}

template<typename T>
void require_ok(ErrorOr<T> const& result)
{
    INFO((result.is_error() ? result.error().message() : "ok"));
    REQUIRE(!result.is_error());
}

}
