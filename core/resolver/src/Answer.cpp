/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string_view>
#include <vectra/resolver/Answer.h>

namespace vectra::resolver {

net::Address address_of(dns::IpAddress const& address)
{
    net::Address converted;
    converted.family = u8(address.length == 4 ? net::Family::Ipv4 : net::Family::Ipv6);
    for (usize index = 0; index < address.length && index < converted.bytes.size(); ++index)
        converted.bytes[index] = address.bytes[index];
    return converted;
}

ErrorOr<void> check_outcome(dns::Outcome outcome)
{
    switch (outcome) {
    case dns::Outcome::Answer:
        return {};
    case dns::Outcome::NameError:
        return Error(ResolverError::NameError, "no such name");
    case dns::Outcome::NoData:
        return Error(ResolverError::NoAddress, "the name has no address of this family");
    }
    return Error(ResolverError::ServerFailure, "an unknown outcome");
}

Error resolver_error_of(Error const& error)
{
    if (error.is(dns::DnsError::NameError))
        return Error(ResolverError::NameError, "no such name");
    if (error.is(dns::DnsError::Refused))
        return Error(ResolverError::Refused, "the server refused the query");
    if (error.is(ErrorCode::TimedOut))
        return Error(ResolverError::TimedOut, "no answer in time");
    return Error(ResolverError::ServerFailure, "the server failed or answered unusably");
}

NameText name_text(dns::Name const& name)
{
    NameText text;
    auto shown = name.text();
    for (char character : shown.view()) {
        if (text.try_append(u8(character)).is_error())
            break;
    }
    return text;
}

ErrorOr<dns::Name> name_of(NameText const& text)
{
    std::string_view view(reinterpret_cast<char const*>(text.span().data()), text.size());
    auto name = dns::Name::from_text(view);
    if (name.is_error() || name.value().is_root())
        return Error(ResolverError::InvalidName, "not a host name");
    return name.release_value();
}

}
