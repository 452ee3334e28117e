/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * The appliance's port and folder from its configuration (apps/httpappliance Configuration.h):
 * the bytes the manifest compiler emits decode to the settings, nothing configured gives the
 * entry's port and /www, port 0 asks the stack for a free one, and as an attacker every malformed
 * folder is refused — a relative one, empty, "." and ".." components, a separator or NUL smuggled into a component, a
 * component longer than a Path's, more components than a Path holds, and truncated or
 * overlong bytes.
 */

#include "../TestSupport.h"
#include <catch2/catch.hpp>
#include <cstring>
#include <httpappliance/Configuration.h>
#include <string>
#include <vector>
#include <vectra/encoding/Binary.h>

using namespace vectra;
using namespace vectra::http_appliance;

namespace {

std::vector<u8> encoded(ApplianceConfiguration const& configuration)
{
    std::vector<u8> bytes(4096);
    usize length = MUST(encode_binary(configuration, std::span<u8>(bytes)));
    bytes.resize(length);
    return bytes;
}

ApplianceConfiguration with_folder(std::string_view folder)
{
    ApplianceConfiguration configuration;
    configuration.folder = Utf8String<folder_maximum_bytes>::try_from(folder).release_value();
    return configuration;
}

}

TEST_CASE("the appliance's port and folder from the manifest compiler's bytes, and the defaults", "[httpappliance]")
{
    /* What tools/manifest emits for {"port": 8443, "folder": "/srv/site"}: version 1, the body's length, then each optional field. */
    u8 const bytes[] = { 0x01, 0x00, 0x11, 0x00, 0x00, 0x00, 0x01, 0xfb, 0x20, 0x01, 0x09, 0x00, 0x00, 0x00, '/', 's', 'r', 'v', '/', 's', 'i',
        't', 'e' };
    auto settings = settings_from(std::span<u8 const>(bytes), 80);
    REQUIRE(!settings.is_error());
    REQUIRE(settings.value().port == 8443);
    REQUIRE(settings.value().folder == MUST(MUST(Path::root().try_join("srv")).try_join("site")));
    /* Nothing configured: the entry's port and /www. */
    u8 const none[] = { 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 };
    auto defaults = MUST(settings_from(std::span<u8 const>(none), 443));
    REQUIRE(defaults.port == 443);
    REQUIRE(defaults.folder == MUST(Path::root().try_join("www")));
    /* The root itself may be served; a folder given, the port stays the entry's. */
    auto root = MUST(settings_from(with_folder("/"), 80));
    REQUIRE(root.folder.is_root());
    REQUIRE(root.port == 80);
    ApplianceConfiguration any_port;
    any_port.port = 0; /* the stack picks a free port (the hosted images) */
    REQUIRE(MUST(settings_from(encoded(any_port), 80)).port == 0);
    auto deep = MUST(settings_from(encoded(with_folder("/a/b/c")), 80));
    REQUIRE(deep.folder == MUST(MUST(MUST(Path::root().try_join("a")).try_join("b")).try_join("c")));
}

TEST_CASE("as an attacker: every malformed folder is refused, never served", "[httpappliance]")
{
    for (std::string_view bad : { "", "www", "./www", "/www/", "//www", "/www//docs", "/.", "/..", "/www/..", "/www/./docs",
             "/www/../etc", "\\www" }) {
        INFO(std::string(bad));
        REQUIRE(settings_from(with_folder(bad), 80).error().is(ErrorCode::InvalidArgument));
    }
    /* A NUL inside a component (the string is 4 bytes, the component "w\0w"). */
    REQUIRE(settings_from(with_folder(std::string_view("/w\0w", 4)), 80).error().is(ErrorCode::InvalidArgument));
    /* A component longer than a Path's, and more components than a Path holds. */
    std::string long_component = "/" + std::string(Path::maximum_component_length + 1, 'a');
    REQUIRE(settings_from(with_folder(long_component), 80).error().is(ErrorCode::NameTooLong));
    std::string deep;
    for (usize index = 0; index <= Path::maximum_components; ++index)
        deep += "/d";
    REQUIRE(settings_from(with_folder(deep), 80).error().is(ErrorCode::TooLarge));
    /* Malformed bytes: the decoder's error, never settings. */
    auto bytes = encoded(with_folder("/srv/site"));
    for (usize length = 0; length < bytes.size(); ++length)
        REQUIRE(settings_from(std::span<u8 const>(bytes.data(), length), 80).error().is(ErrorCode::MalformedMessage));
    /* A folder one byte longer than the declaration allows, well formed otherwise: refused by the decoder. */
    u32 length = folder_maximum_bytes + 1;
    u32 body = 1 + 1 + 4 + length;
    std::vector<u8> longer = { 0x01, 0x00, u8(body), u8(body >> 8), 0x00, 0x00, 0x00, 0x01, u8(length), u8(length >> 8), 0x00, 0x00 };
    longer.push_back('/');
    longer.resize(longer.size() + length - 1, 'a');
    REQUIRE(settings_from(std::span<u8 const>(longer), 80).error().is(ErrorCode::TooLarge));
}
