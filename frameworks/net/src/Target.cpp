/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/FixedString.h>
#include <vectra/Try.h>
#include <vectra/http/Characters.h>
#include <vectra/http/Error.h>
#include <vectra/http/Target.h>

namespace vectra::http {

namespace {

Error invalid(char const* why) { return Error(HttpError::InvalidTarget, why); }

ErrorOr<Path> join_segment(Path const& path, std::string_view segment)
{
    FixedString<Path::maximum_component_length> decoded;
    for (usize index = 0; index < segment.size(); ++index) {
        char character = segment[index];
        if (character == '%') {
            if (index + 2 >= segment.size())
                return invalid("'%' is followed by two hex digits");
            int high = hex_digit_value(u8(segment[index + 1]));
            int low = hex_digit_value(u8(segment[index + 2]));
            if (high < 0 || low < 0)
                return invalid("'%' is followed by two hex digits");
            character = char(high * 16 + low);
            index += 2;
        }
        u8 byte = u8(character);
        if (byte == '/' || byte == '\\' || byte < 0x20 || byte == 0x7f)
            return invalid("a path segment with a separator or control byte (encoded or not)");
        if (decoded.length() == Path::maximum_component_length)
            return Error(HttpError::TargetTooLong, "a path segment is longer than a file name can be");
        (void)decoded.append(std::string_view(&character, 1));
    }
    if (decoded.view() == "." || decoded.view() == "..")
        return invalid("'.' and '..' segments are refused");
    auto joined = path.try_join(decoded.view());
    if (joined.is_error())
        return Error(HttpError::TargetTooLong, "the path has more segments than a Path holds");
    return joined.release_value();
}

/* The path and query of an origin-form or absolute-form target ("/" for an authority alone). */
ErrorOr<std::string_view> path_and_query(std::string_view target)
{
    if (target.empty() || target == "*")
        return invalid("no path in this target");
    if (target.front() != '/') {
        usize scheme_end = target.find("://");
        if (scheme_end == std::string_view::npos)
            return invalid("a target is /path or scheme://authority/path");
        target.remove_prefix(scheme_end + 3);
        usize path_start = target.find('/');
        target = path_start == std::string_view::npos ? std::string_view("/") : target.substr(path_start);
    }
    return target;
}

}

ErrorOr<TargetPath> parse_target_path(std::string_view target)
{
    target = TRY(path_and_query(target));
    target = target.substr(0, target.find('?'));
    if (target.empty() || target.front() != '/')
        return invalid("a path starts with '/'");
    TargetPath result;
    target.remove_prefix(1);
    while (!target.empty()) {
        usize slash = target.find('/');
        auto segment = target.substr(0, slash);
        if (segment.empty())
            return invalid("an empty path segment ('//')");
        result.path = TRY(join_segment(result.path, segment));
        if (slash == std::string_view::npos)
            return result;
        target.remove_prefix(slash + 1);
    }
    result.directory = true;
    return result;
}

std::optional<std::string_view> folder_location(std::string_view target, std::span<char> buffer)
{
    auto parsed = parse_target_path(target);
    if (parsed.is_error() || parsed.value().directory)
        return {};
    auto written = path_and_query(target);
    if (written.is_error())
        return {};
    usize question = written.value().find('?');
    auto path = written.value().substr(0, question);
    auto query = question == std::string_view::npos ? std::string_view {} : written.value().substr(question);
    if (path.size() + 1 + query.size() > buffer.size())
        return {};
    usize length = 0;
    for (char character : path)
        buffer[length++] = character;
    buffer[length++] = '/';
    for (char character : query)
        buffer[length++] = character;
    return std::string_view(buffer.data(), length);
}

}
