/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * frameworks/net targets into Paths: segments percent-decoded one by one, the query dropped, and
 * every way out of the served folder refused — "..", ".", their encodings, encoded '/' and '\',
 * NUL and other control bytes, "//", broken escapes — and paths too long for a Path.
 */

#include <catch2/catch.hpp>
#include <string>
#include <vectra/http/Error.h>
#include <vectra/http/Target.h>

using namespace vectra;
using namespace vectra::http;

namespace {

std::string components(TargetPath const& target)
{
    std::string text;
    for (usize index = 0; index < target.path.component_count(); ++index)
        text += "[" + std::string(target.path.component(index)) + "]";
    return text;
}

HttpError refusal(std::string const& target)
{
    auto parsed = parse_target_path(target);
    REQUIRE(parsed.is_error());
    REQUIRE(parsed.error().domain() == &domain);
    return static_cast<HttpError>(parsed.error().domain_code());
}

}

TEST_CASE("A target becomes its path's components, decoded one by one")
{
    auto plain = MUST(parse_target_path("/docs/a.txt?version=2"));
    REQUIRE(components(plain) == "[docs][a.txt]");
    REQUIRE(!plain.directory);
    auto encoded = MUST(parse_target_path("/my%20file%2Etxt"));
    REQUIRE(components(encoded) == "[my file.txt]");
    auto root = MUST(parse_target_path("/"));
    REQUIRE(root.path.is_root());
    REQUIRE(root.directory);
    auto folder = MUST(parse_target_path("/docs/"));
    REQUIRE(components(folder) == "[docs]");
    REQUIRE(folder.directory);
    REQUIRE(components(MUST(parse_target_path("http://example.com/a/b"))) == "[a][b]");
    REQUIRE(MUST(parse_target_path("http://example.com")).path.is_root());
    REQUIRE(components(MUST(parse_target_path("/.hidden"))) == "[.hidden]");
    REQUIRE(components(MUST(parse_target_path("/a..b"))) == "[a..b]");
}

TEST_CASE("Every escape from the folder is refused")
{
    for (char const* target : { "/..", "/../etc/passwd", "/a/../b", "/a/..", "/.", "/./a", "/%2e%2e/a", "/%2E%2e", "/.%2e",
             "/%2e", "/a%2fb", "/a%2Fb", "/a%5cb", "/a\\b", "/a%00b", "/a%0ab", "/a%7f", "/a//b", "//a", "/a%", "/a%2",
             "/a%zz", "/a%%32e", "*", "", "a/b" })
        REQUIRE(refusal(target) == HttpError::InvalidTarget);
}

TEST_CASE("A path longer than a Path holds is too long, not truncated")
{
    REQUIRE(refusal("/" + std::string(64, 'a')) == HttpError::TargetTooLong);
    REQUIRE(components(MUST(parse_target_path("/" + std::string(63, 'a')))).size() == 65);
    std::string deep;
    for (int index = 0; index < 17; ++index)
        deep += "/d";
    REQUIRE(refusal(deep) == HttpError::TargetTooLong);
}

TEST_CASE("A folder named without its final slash is sent to it, its query kept")
{
    char buffer[64];
    auto location = [&](std::string_view target) -> std::string {
        auto found = folder_location(target, buffer);
        return found.has_value() ? std::string(*found) : std::string("none");
    };
    REQUIRE(location("/docs") == "/docs/");
    REQUIRE(location("/a/b?x=1&y") == "/a/b/?x=1&y");
    REQUIRE(location("/my%20docs") == "/my%20docs/");
    REQUIRE(location("http://example.com/docs?q") == "/docs/?q");
    /* Already a folder, or not a path the server serves: nowhere to send it. */
    for (char const* target : { "/", "/docs/", "http://example.com", "http://example.com/", "/../docs", "/a//b", "/%2e%2e",
             "*", "", "docs" }) {
        INFO(target);
        REQUIRE(location(target) == "none");
    }
    /* Exactly as long as the buffer fits; one byte more does not. */
    std::string fits = "/" + std::string(62, 'a');
    REQUIRE(location(fits) == fits + "/");
    REQUIRE(location(fits + "a") == "none");
    REQUIRE(location(fits.substr(0, 50) + "?" + std::string(12, 'q')) == fits.substr(0, 50) + "/?" + std::string(12, 'q'));
    REQUIRE(location(fits.substr(0, 50) + "?" + std::string(13, 'q')) == "none");
}
