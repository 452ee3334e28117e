/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Path.h>
#include <vectra/Try.h>

namespace vectra {

ErrorOr<void> Path::validate_component(std::string_view component)
{
    if (component.empty())
        return Error(ErrorCode::InvalidArgument, "path component is empty");
    if (component.size() > maximum_component_length)
        return Error(ErrorCode::NameTooLong, "path component is longer than 63 bytes");
    if (component == "." || component == "..")
        return Error(ErrorCode::InvalidArgument, "path component is \".\" or \"..\"");
    for (char character : component) {
        if (character == '/')
            return Error(ErrorCode::InvalidArgument, "path component contains a separator");
        if (character == '\0')
            return Error(ErrorCode::InvalidArgument, "path component contains NUL");
    }
    return {};
}

ErrorOr<Path> Path::try_join(std::string_view component) const
{
    TRY(validate_component(component));
    if (m_count == maximum_components)
        return Error(ErrorCode::TooLarge, "path has too many components");
    Path result = *this;
    result.m_components[result.m_count++] = TRY(Component::try_from(component));
    return result;
}

ErrorOr<Path> Path::parent() const
{
    if (is_root())
        return Error(ErrorCode::InvalidArgument, "the root has no parent");
    Path result = *this;
    --result.m_count;
    return result;
}

Path::Representation Path::representation() const
{
    Representation components;
    for (usize index = 0; index < m_count; ++index)
        MUST(components.try_append(m_components[index]));
    return components;
}

ErrorOr<Path> Path::from_representation(Representation const& components)
{
    Path path;
    for (auto const& component : components)
        path = TRY(path.try_join(component.view()));
    return path;
}

bool Path::operator==(Path const& other) const
{
    if (m_count != other.m_count)
        return false;
    for (usize index = 0; index < m_count; ++index) {
        if (m_components[index].view() != other.m_components[index].view())
            return false;
    }
    return true;
}

ErrorOr<void> Path::encode(ByteWriter& writer) const
{
    TRY(writer.write<u8>(static_cast<u8>(m_count)));
    for (usize index = 0; index < m_count; ++index) {
        auto text = m_components[index].view();
        TRY(writer.write<u8>(static_cast<u8>(text.size())));
        TRY(writer.write_bytes(as_bytes(text)));
    }
    return {};
}

ErrorOr<Path> Path::decode(ByteReader& reader)
{
    u8 count = TRY(reader.read<u8>());
    if (count > maximum_components)
        return Error(ErrorCode::MalformedMessage, "path has too many components");
    Path path;
    for (u8 index = 0; index < count; ++index) {
        u8 length = TRY(reader.read<u8>());
        auto bytes = TRY(reader.read_bytes(length));
        auto valid = validate_component(as_text(bytes));
        if (valid.is_error())
            return Error(ErrorCode::MalformedMessage, valid.error().message());
        path = TRY(path.try_join(as_text(bytes)));
    }
    return path;
}

}
