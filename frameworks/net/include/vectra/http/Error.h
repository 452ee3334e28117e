/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The errors of VectraNet's HTTP/1.1 (docs/adr/0039-vectranet-http.md): one code for each rule a
 * message can break, so a test can name the rule, and the status a server answers for it.
 */

#pragma once

#include <vectra/Error.h>

namespace vectra::http {

enum class HttpError : u16 {
    InvalidRequestLine = 1,     /* not method SP target SP version CRLF */
    InvalidMethod = 2,          /* the method is not a token */
    InvalidTarget = 3,          /* a target with bytes outside its grammar, or not origin/absolute/asterisk form */
    UnsupportedVersion = 4,     /* HTTP/x.y other than 1.0 and 1.1 */
    TargetTooLong = 5,          /* the request line is over its limit */
    InvalidHeaderName = 6,      /* a field name that is not a token (whitespace before the colon included) */
    InvalidHeaderValue = 7,     /* a control byte (NUL, DEL, …) in a field value */
    ObsoleteLineFolding = 8,    /* a field line that starts with SP or HTAB */
    BareCarriageReturn = 9,     /* CR not followed by LF */
    BareLineFeed = 10,          /* LF not preceded by CR */
    TooManyHeaders = 11,        /* more field lines than the limit */
    HeadersTooLarge = 12,       /* the head is over its byte limit */
    LengthAndTransferEncoding = 13, /* both Content-Length and Transfer-Encoding */
    DuplicateContentLength = 14,
    InvalidContentLength = 15,  /* not 1*DIGIT, or over 2^63 */
    UnsupportedTransferCoding = 16, /* a Transfer-Encoding other than exactly "chunked" */
    BodyTooLarge = 17,          /* more body bytes than the limit */
    InvalidChunk = 18,          /* a chunk size line, chunk end or trailer out of grammar */
    MissingHost = 19,           /* an HTTP/1.1 request without Host */
    DuplicateHost = 20,
    InvalidStatusLine = 21,     /* a response's first line is not HTTP-version SP 3DIGIT SP reason */
    Truncated = 22,             /* the stream ended inside a message */
    HeaderTimeout = 23,         /* the head did not arrive whole before its deadline */
    BodyMismatch = 24,          /* a writer was given more or fewer body bytes than it announced */
    TransferEncodingInHttp10 = 25,
};

inline constexpr ErrorDomain domain {
    "vectra.http",
    [](u16 code) -> char const* {
        switch (static_cast<HttpError>(code)) {
        case HttpError::InvalidRequestLine:
            return "invalid-request-line";
        case HttpError::InvalidMethod:
            return "invalid-method";
        case HttpError::InvalidTarget:
            return "invalid-target";
        case HttpError::UnsupportedVersion:
            return "unsupported-version";
        case HttpError::TargetTooLong:
            return "target-too-long";
        case HttpError::InvalidHeaderName:
            return "invalid-header-name";
        case HttpError::InvalidHeaderValue:
            return "invalid-header-value";
        case HttpError::ObsoleteLineFolding:
            return "obsolete-line-folding";
        case HttpError::BareCarriageReturn:
            return "bare-carriage-return";
        case HttpError::BareLineFeed:
            return "bare-line-feed";
        case HttpError::TooManyHeaders:
            return "too-many-headers";
        case HttpError::HeadersTooLarge:
            return "headers-too-large";
        case HttpError::LengthAndTransferEncoding:
            return "length-and-transfer-encoding";
        case HttpError::DuplicateContentLength:
            return "duplicate-content-length";
        case HttpError::InvalidContentLength:
            return "invalid-content-length";
        case HttpError::UnsupportedTransferCoding:
            return "unsupported-transfer-coding";
        case HttpError::BodyTooLarge:
            return "body-too-large";
        case HttpError::InvalidChunk:
            return "invalid-chunk";
        case HttpError::MissingHost:
            return "missing-host";
        case HttpError::DuplicateHost:
            return "duplicate-host";
        case HttpError::InvalidStatusLine:
            return "invalid-status-line";
        case HttpError::Truncated:
            return "truncated";
        case HttpError::HeaderTimeout:
            return "header-timeout";
        case HttpError::BodyMismatch:
            return "body-mismatch";
        case HttpError::TransferEncodingInHttp10:
            return "transfer-encoding-in-http-1.0";
        }
        return nullptr;
    },
};
constexpr ErrorDomain const& error_domain(HttpError) { return domain; }

/* The status a server answers a request refused with `error` (400 when the error is not HTTP's). */
[[nodiscard]] u16 status_for(Error const& error);

/* The reason phrase of a status this library sends ("Not Found"); "Unknown" otherwise. */
[[nodiscard]] char const* reason_phrase(u16 status);

}
