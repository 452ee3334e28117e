/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <string_view>
#include <vectra/BoundedVector.h>
#include <vectra/Bytes.h>
#include <vectra/Error.h>
#include <vectra/FixedString.h>
#include <vectra/Format.h>

namespace vectra {

/*
 * A typed, absolute path: a sequence of validated components, never a string that was
 * formatted together. Components are 1–63 bytes, contain no '/' and no NUL, and are never
 * "." or "..", so a Path cannot escape the directory it is resolved against.
 */
class Path {
public:
    static constexpr usize maximum_components = 16;
    static constexpr usize maximum_component_length = 63;
    using Component = FixedString<maximum_component_length>;

    [[nodiscard]] static Path root() { return Path(); }

    /* Checks one component; the error says which rule it broke. */
    [[nodiscard]] static ErrorOr<void> validate_component(std::string_view);

    [[nodiscard]] ErrorOr<Path> try_join(std::string_view component) const;
    [[nodiscard]] ErrorOr<Path> parent() const;

    [[nodiscard]] usize component_count() const { return m_count; }
    [[nodiscard]] std::string_view component(usize index) const { return m_components[index].view(); }
    [[nodiscard]] std::string_view last() const { return m_count ? m_components[m_count - 1].view() : std::string_view(); }
    [[nodiscard]] bool is_root() const { return m_count == 0; }
    [[nodiscard]] bool operator==(Path const&) const;

    /* The canonical wire form: u8 count, then per component u8 length + bytes. */
    [[nodiscard]] ErrorOr<void> encode(ByteWriter&) const;
    [[nodiscard]] static ErrorOr<Path> decode(ByteReader&);

    /* How core/encoding carries a Path: its components, rebuilt only when every one is valid. */
    using Representation = BoundedVector<Component, maximum_components>;
    static constexpr std::string_view representation_name = "path";
    [[nodiscard]] Representation representation() const;
    [[nodiscard]] static ErrorOr<Path> from_representation(Representation const&);

private:
    Component m_components[maximum_components];
    usize m_count { 0 };
};

}

/* Paths print as "/a/b" for people; that text is never parsed back into a Path. */
template<>
struct fmt::formatter<vectra::Path> : fmt::formatter<std::string_view> {
    template<typename Context>
    auto format(vectra::Path const& path, Context& context) const
    {
        auto output = context.out();
        if (path.is_root())
            *output++ = '/';
        for (vectra::usize index = 0; index < path.component_count(); ++index) {
            *output++ = '/';
            for (char character : path.component(index))
                *output++ = character;
        }
        return output;
    }
};
