/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Try.h>
#include <vectra/http/Characters.h>
#include <vectra/http/Error.h>
#include <vectra/http/ResponseWriter.h>

namespace vectra::http {

namespace {

/* A head built in a fixed buffer; too long a head is an error, never a truncated one. */
class HeadText {
public:
    bool append(std::string_view text)
    {
        if (text.size() > m_bytes.size() - m_length)
            return m_fits = false;
        for (char character : text)
            m_bytes[m_length++] = u8(character);
        return true;
    }
    bool append_number(u64 value)
    {
        char digits[20];
        return append({ digits, format_decimal(value, digits) });
    }
    [[nodiscard]] bool fits() const { return m_fits; }
    [[nodiscard]] std::span<u8 const> bytes() const { return { m_bytes.data(), m_length }; }

private:
    std::array<u8, ResponseWriter::head_capacity> m_bytes {};
    usize m_length { 0 };
    bool m_fits { true };
};

}

u16 status_for(Error const& error)
{
    if (error.is(ErrorCode::TimedOut) || error.is(HttpError::HeaderTimeout))
        return 408;
    if (error.domain() != &domain)
        return 400;
    switch (static_cast<HttpError>(error.domain_code())) {
    case HttpError::TargetTooLong:
        return 414;
    case HttpError::TooManyHeaders:
    case HttpError::HeadersTooLarge:
        return 431;
    case HttpError::BodyTooLarge:
        return 413;
    case HttpError::UnsupportedVersion:
        return 505;
    case HttpError::UnsupportedTransferCoding:
        return 501;
    default:
        return 400;
    }
}

char const* reason_phrase(u16 status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 416:
        return "Range Not Satisfiable";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

ResponseWriter::ResponseWriter(ByteStream& stream, Duration send_timeout, BodySending body, bool keep_alive)
    : m_stream(stream)
    , m_send_timeout(send_timeout)
    , m_body(body)
    , m_keep_alive(keep_alive)
{
}

ErrorOr<void> ResponseWriter::start(u16 status, u64 content_length, std::span<Header const> fields)
{
    if (m_started)
        return Error(ErrorCode::InvalidArgument, "a response has one head");
    if (status < 200 || status > 599)
        return Error(ErrorCode::InvalidArgument, "a final status is 200..599");
    HeadText head;
    head.append("HTTP/1.1 ");
    head.append_number(status);
    head.append(" ");
    head.append(reason_phrase(status));
    head.append("\r\nContent-Length: ");
    head.append_number(content_length);
    head.append("\r\n");
    if (!m_keep_alive)
        head.append("Connection: close\r\n");
    else if (m_announce_keep_alive)
        head.append("Connection: keep-alive\r\n");
    for (auto const& field : fields) {
        if (!is_token(field.name) || equals_ignoring_case(field.name, "content-length")
            || equals_ignoring_case(field.name, "connection") || equals_ignoring_case(field.name, "transfer-encoding"))
            return Error(HttpError::InvalidHeaderName, "a response field's name is a token the writer does not set itself");
        for (char character : field.value) {
            if (!is_field_value_character(u8(character)))
                return Error(HttpError::InvalidHeaderValue, "a control byte in a response field's value");
        }
        head.append(field.name);
        head.append(": ");
        head.append(field.value);
        head.append("\r\n");
    }
    head.append("\r\n");
    if (!head.fits())
        return Error(HttpError::HeadersTooLarge, "the response head is over its buffer");
    m_started = true;
    m_status = status;
    m_remaining = content_length;
    return m_stream.send(head.bytes(), m_send_timeout);
}

ErrorOr<void> ResponseWriter::write(std::span<u8 const> bytes)
{
    if (!m_started)
        return Error(ErrorCode::InvalidArgument, "the head comes before the body");
    if (bytes.size() > m_remaining)
        return Error(HttpError::BodyMismatch, "more body bytes than Content-Length announced");
    m_remaining -= bytes.size();
    if (m_body == BodySending::HeadOnly || bytes.empty())
        return {};
    return m_stream.send(bytes, m_send_timeout);
}

ErrorOr<void> ResponseWriter::omit_body()
{
    if (!m_started || m_body != BodySending::HeadOnly)
        return Error(ErrorCode::InvalidArgument, "only a started response to HEAD omits its body");
    m_remaining = 0;
    return {};
}

ErrorOr<void> ResponseWriter::finish()
{
    if (!m_started)
        return Error(ErrorCode::InvalidArgument, "no response was started");
    if (m_remaining != 0)
        return Error(HttpError::BodyMismatch, "fewer body bytes than Content-Length announced");
    return {};
}

ErrorOr<void> ResponseWriter::send_status(u16 status, std::span<Header const> fields)
{
    HeadText body;
    body.append_number(status);
    body.append(" ");
    body.append(reason_phrase(status));
    body.append("\n");
    Header type[] = { { "Content-Type", "text/plain; charset=utf-8" } };
    if (fields.empty())
        fields = type;
    TRY(start(status, body.bytes().size(), fields));
    TRY(write(body.bytes()));
    return finish();
}

}
