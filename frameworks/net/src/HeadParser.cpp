/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/http/Characters.h>
#include <vectra/http/Error.h>
#include <vectra/http/HeadParser.h>

namespace vectra::http {

namespace {

struct MethodName {
    std::string_view text;
    Method method;
};

constexpr MethodName method_names[] = {
    { "GET", Method::Get },
    { "HEAD", Method::Head },
    { "POST", Method::Post },
    { "PUT", Method::Put },
    { "DELETE", Method::Delete },
    { "OPTIONS", Method::Options },
};

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix)
{
    return text.size() >= prefix.size() && equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

/* "HTTP/1.0" or "HTTP/1.1" into `minor`; `unsupported-version` for another HTTP/DIGIT.DIGIT. */
ErrorOr<void> parse_version(std::string_view text, u8& minor, Error malformed)
{
    if (text.size() != 8 || text.substr(0, 5) != "HTTP/" || text[6] != '.' || text[5] < '0' || text[5] > '9'
        || text[7] < '0' || text[7] > '9')
        return malformed;
    if (text[5] != '1' || (text[7] != '0' && text[7] != '1'))
        return Error(HttpError::UnsupportedVersion, "only HTTP/1.0 and HTTP/1.1 are spoken");
    minor = u8(text[7] - '0');
    return {};
}

ErrorOr<void> check_target(std::string_view target, Method method)
{
    for (char character : target) {
        u8 byte = u8(character);
        if (byte <= 0x20 || byte >= 0x7f || byte == '#')
            return Error(HttpError::InvalidTarget, "a request target holds only visible ASCII and no fragment");
    }
    if (target.front() == '/')
        return {};
    if (target == "*")
        return method == Method::Options ? ErrorOr<void> {} : Error(HttpError::InvalidTarget, "'*' is OPTIONS' target only");
    if (starts_with_ignoring_case(target, "http://") || starts_with_ignoring_case(target, "https://"))
        return {};
    return Error(HttpError::InvalidTarget, "a request target is /path, http(s)://host/path or *");
}

}

std::optional<std::string_view> Head::find(std::string_view name) const
{
    for (auto const& field : fields()) {
        if (equals_ignoring_case(field.name, name))
            return field.value;
    }
    return {};
}

HeadParser::HeadParser(MessageKind kind, std::span<u8> buffer, Limits const& limits)
    : m_kind(kind)
    , m_buffer(buffer)
    , m_limits(limits)
{
    if (m_limits.head_bytes > m_buffer.size())
        m_limits.head_bytes = m_buffer.size();
    if (m_limits.header_count > maximum_header_count)
        m_limits.header_count = maximum_header_count;
}

void HeadParser::reset()
{
    m_length = 0;
    m_skipped_empty_lines = 0;
    m_seen_line_end = false;
    m_complete = false;
    m_failed = false;
    m_request_method = Method::Get;
    m_head = Head {};
}

Head const& HeadParser::head() const
{
    VERIFY(m_complete);
    return m_head;
}

ErrorOr<usize> HeadParser::feed(std::span<u8 const> bytes)
{
    if (m_failed)
        return Error(ErrorCode::InvalidArgument, "the parser refused this message already");
    if (m_complete)
        return usize(0);
    auto fail = [this](Error error) -> ErrorOr<usize> {
        m_failed = true;
        return error;
    };
    for (usize index = 0; index < bytes.size(); ++index) {
        u8 byte = bytes[index];
        u8 previous = m_length > 0 ? m_buffer[m_length - 1] : 0;
        if (previous == '\r' && byte != '\n')
            return fail(Error(HttpError::BareCarriageReturn, "a CR not followed by LF"));
        if (byte == '\n' && previous != '\r')
            return fail(Error(HttpError::BareLineFeed, "an LF without its CR"));
        /* One empty line before a request line is skipped (RFC 9112 §2.2); a second is refused. */
        if (m_kind == MessageKind::Request && m_length == 1 && byte == '\n') {
            if (++m_skipped_empty_lines > 1)
                return fail(Error(HttpError::InvalidRequestLine, "more than one empty line before the request line"));
            m_length = 0;
            continue;
        }
        if (m_length >= m_limits.head_bytes) {
            if (!m_seen_line_end)
                return fail(Error(HttpError::TargetTooLong, "the request line is over its limit"));
            return fail(Error(HttpError::HeadersTooLarge, "the head is over its limit"));
        }
        m_buffer[m_length++] = byte;
        if (byte == '\n')
            m_seen_line_end = true;
        if (!m_seen_line_end && m_length > m_limits.request_line_bytes)
            return fail(Error(HttpError::TargetTooLong, "the request line is over its limit"));
        if (byte == '\n' && m_length >= 4 && m_buffer[m_length - 2] == '\r' && m_buffer[m_length - 3] == '\n') {
            auto parsed = parse();
            if (parsed.is_error())
                return fail(parsed.release_error());
            m_complete = true;
            return index + 1;
        }
    }
    return bytes.size();
}

ErrorOr<void> HeadParser::parse()
{
    std::string_view text(reinterpret_cast<char const*>(m_buffer.data()), m_length);
    usize line_end = text.find("\r\n");
    auto first = text.substr(0, line_end);
    if (m_kind == MessageKind::Request)
        TRY(parse_request_line(first));
    else
        TRY(parse_status_line(first));
    text.remove_prefix(line_end + 2);
    for (;;) {
        line_end = text.find("\r\n");
        auto line = text.substr(0, line_end);
        if (line.empty())
            break;
        TRY(parse_field_line(line));
        text.remove_prefix(line_end + 2);
    }
    return decide_framing();
}

ErrorOr<void> HeadParser::parse_request_line(std::string_view line)
{
    usize first_space = line.find(' ');
    if (first_space == std::string_view::npos)
        return Error(HttpError::InvalidRequestLine, "a request line is method SP target SP version");
    usize second_space = line.find(' ', first_space + 1);
    if (second_space == std::string_view::npos || line.find(' ', second_space + 1) != std::string_view::npos
        || second_space == first_space + 1)
        return Error(HttpError::InvalidRequestLine, "a request line is method SP target SP version");
    auto method = line.substr(0, first_space);
    if (!is_token(method))
        return Error(HttpError::InvalidMethod, "a method is a token");
    m_head.method_text = method;
    m_head.method = Method::Other;
    for (auto const& name : method_names) {
        if (name.text == method)
            m_head.method = name.method;
    }
    m_head.target = line.substr(first_space + 1, second_space - first_space - 1);
    TRY(parse_version(line.substr(second_space + 1), m_head.version_minor,
        Error(HttpError::InvalidRequestLine, "a request line ends in HTTP/DIGIT.DIGIT")));
    return check_target(m_head.target, m_head.method);
}

ErrorOr<void> HeadParser::parse_status_line(std::string_view line)
{
    Error malformed(HttpError::InvalidStatusLine, "a status line is HTTP/1.x SP 3DIGIT SP reason");
    if (line.size() < 12 || line[8] != ' ' || (line.size() > 12 && line[12] != ' '))
        return malformed;
    TRY(parse_version(line.substr(0, 8), m_head.version_minor, malformed));
    u16 status = 0;
    for (usize index = 9; index < 12; ++index) {
        if (line[index] < '0' || line[index] > '9')
            return malformed;
        status = u16(status * 10 + (line[index] - '0'));
    }
    if (status < 100)
        return malformed;
    m_head.status = status;
    m_head.reason = line.size() > 13 ? line.substr(13) : std::string_view {};
    for (char character : m_head.reason) {
        if (!is_field_value_character(u8(character)))
            return malformed;
    }
    return {};
}

ErrorOr<void> HeadParser::parse_field_line(std::string_view line)
{
    if (line.front() == ' ' || line.front() == '\t')
        return Error(HttpError::ObsoleteLineFolding, "a field line that starts with whitespace (obs-fold)");
    if (m_head.header_count >= m_limits.header_count)
        return Error(HttpError::TooManyHeaders, "more field lines than the limit");
    usize colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
        return Error(HttpError::InvalidHeaderName, "a field line is token ':' value");
    auto value = line.substr(colon + 1);
    for (char character : value) {
        if (!is_field_value_character(u8(character)))
            return Error(HttpError::InvalidHeaderValue, "a control byte in a field value");
    }
    m_head.headers[m_head.header_count++] = Header { line.substr(0, colon), trim_whitespace(value) };
    return {};
}

ErrorOr<void> HeadParser::decide_framing()
{
    usize lengths = 0, encodings = 0, hosts = 0;
    std::string_view length_text, encoding;
    bool close = false, keep_alive = false;
    for (auto const& field : m_head.fields()) {
        if (equals_ignoring_case(field.name, "content-length")) {
            ++lengths;
            length_text = field.value;
        } else if (equals_ignoring_case(field.name, "transfer-encoding")) {
            ++encodings;
            encoding = field.value;
        } else if (equals_ignoring_case(field.name, "host")) {
            ++hosts;
        } else if (equals_ignoring_case(field.name, "connection")) {
            close = close || list_contains(field.value, "close");
            keep_alive = keep_alive || list_contains(field.value, "keep-alive");
        }
    }
    m_head.keep_alive = m_head.version_minor == 1 ? !close : (keep_alive && !close);
    if (lengths > 1)
        return Error(HttpError::DuplicateContentLength, "more than one Content-Length");
    if (lengths > 0 && encodings > 0)
        return Error(HttpError::LengthAndTransferEncoding, "both Content-Length and Transfer-Encoding (a smuggling shape)");
    if (encodings > 0 && m_head.version_minor == 0)
        return Error(HttpError::TransferEncodingInHttp10, "Transfer-Encoding in an HTTP/1.0 message");
    if (lengths > 0 && !parse_decimal(length_text, m_head.content_length))
        return Error(HttpError::InvalidContentLength, "a Content-Length is 1*DIGIT");
    if (m_kind == MessageKind::Request) {
        if (hosts > 1)
            return Error(HttpError::DuplicateHost, "more than one Host");
        if (hosts == 0 && m_head.version_minor == 1)
            return Error(HttpError::MissingHost, "an HTTP/1.1 request without Host");
        if (encodings > 1 || (encodings == 1 && !equals_ignoring_case(encoding, "chunked")))
            return Error(HttpError::UnsupportedTransferCoding, "the only transfer coding taken is 'chunked'");
        m_head.framing = encodings > 0 ? Framing::Chunked : lengths > 0 ? Framing::Length : Framing::None;
        return {};
    }
    auto status = m_head.status;
    if (m_request_method == Method::Head || (status >= 100 && status < 200) || status == 204 || status == 304) {
        m_head.framing = Framing::None;
        return {};
    }
    if (encodings > 0) {
        if (encodings == 1 && equals_ignoring_case(encoding, "chunked")) {
            m_head.framing = Framing::Chunked;
            return {};
        }
        /* A coding other than chunked last means the body runs to the end (§6.3); chunked under another coding is not decoded here. */
        if (list_contains(encoding, "chunked"))
            return Error(HttpError::UnsupportedTransferCoding, "a coding under chunked is not decoded here");
        m_head.framing = Framing::UntilClose;
        m_head.keep_alive = false;
        return {};
    }
    if (lengths > 0) {
        m_head.framing = Framing::Length;
        return {};
    }
    m_head.framing = Framing::UntilClose;
    m_head.keep_alive = false;
    return {};
}

}
