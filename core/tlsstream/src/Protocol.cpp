/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/tlsstream/Protocol.h>

namespace vectra::tls_stream {

ErrorOr<void> check_server_name(ServerName const& name)
{
    auto bytes = name.span();
    if (bytes.empty())
        return Error(TlsError::InvalidName, "the server name is empty");
    usize label = 0;
    for (usize index = 0; index < bytes.size(); ++index) {
        u8 byte = bytes[index];
        if (byte == '.') {
            if (label == 0)
                return Error(TlsError::InvalidName, "the server name has an empty label");
            label = 0;
            continue;
        }
        bool letter = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z');
        bool digit = byte >= '0' && byte <= '9';
        bool hyphen = byte == '-' && label > 0 && index + 1 < bytes.size() && bytes[index + 1] != '.';
        if (!letter && !digit && !hyphen)
            return Error(TlsError::InvalidName, "the server name holds a character a host name does not");
        if (++label > 63)
            return Error(TlsError::InvalidName, "a label of the server name is longer than 63");
    }
    if (label == 0)
        return Error(TlsError::InvalidName, "the server name ends with a dot");
    return {};
}

}
