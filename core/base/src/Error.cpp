/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/Error.h>

namespace vectra {

char const* error_code_name(ErrorCode code)
{
    switch (code) {
    case ErrorCode::None: return "none";
    case ErrorCode::OutOfMemory: return "out-of-memory";
    case ErrorCode::InvalidArgument: return "invalid-argument";
    case ErrorCode::NotFound: return "not-found";
    case ErrorCode::AlreadyExists: return "already-exists";
    case ErrorCode::WrongClass: return "wrong-class";
    case ErrorCode::StaleHandle: return "stale-handle";
    case ErrorCode::MissingRight: return "missing-right";
    case ErrorCode::Full: return "full";
    case ErrorCode::Empty: return "empty";
    case ErrorCode::SchemaMismatch: return "schema-mismatch";
    case ErrorCode::MalformedMessage: return "malformed-message";
    case ErrorCode::UnknownMessage: return "unknown-message";
    case ErrorCode::NameTooLong: return "name-too-long";
    case ErrorCode::TooLarge: return "too-large";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::Busy: return "busy";
    case ErrorCode::TimedOut: return "timed-out";
    case ErrorCode::ForeignHandle: return "foreign-handle";
    case ErrorCode::PeerRestarted: return "peer-restarted";
    case ErrorCode::Revoked: return "revoked";
    case ErrorCode::PeerClosed: return "peer-closed";
    case ErrorCode::Deadlock: return "deadlock";
    case ErrorCode::DomainError: return "domain-error";
    case ErrorCode::NotMovable: return "not-movable";
    }
    return "unknown-error";
}

char const* Error::name() const
{
    if (m_domain) {
        if (char const* named = m_domain->code_name(m_domain_code))
            return named;
        return "unknown-domain-error";
    }
    return error_code_name(m_code);
}

}
