# SPDX-License-Identifier: Apache-2.0
# VectraNet HTTP/1.1 (frameworks/net): the head parser against RFC 9112 and every smuggling shape,
# bodies (Content-Length, chunked, until the end) a byte at a time and over their limits, targets
# into Paths with every escape refused, the response writer, the server's deadlines, limits and
# keep-alive over streams in memory, and the client against that server.
vectra_host_test(frameworks.http
    SOURCES frameworks/TestHttpHeadParser.cpp frameworks/TestHttpBody.cpp frameworks/TestHttpTarget.cpp
        frameworks/TestHttpServer.cpp frameworks/TestHttpClient.cpp frameworks/TestHttpRange.cpp
    COMPONENTS ${kernel_components} encoding concurrent net path time http)
# Any bytes as a request (parser split-invariance, the rules, a round trip, targets into Paths,
# then a real Server whose every byte sent must parse as responses) and as a response (the same,
# then the real Client, whose sink gets exactly the framed body).
vectra_fuzz_target(http_request SOURCES fuzz/FuzzHttpRequest.cpp
    COMPONENTS ${kernel_components} encoding concurrent net path time http)
vectra_fuzz_target(http_response SOURCES fuzz/FuzzHttpResponse.cpp
    COMPONENTS ${kernel_components} encoding concurrent net path time http)
# Any bytes as a Range field for a file of any size, against a reference that compares positions
# as decimal strings (no number that could wrap); a partial answer's Content-Range names its bytes.
vectra_fuzz_target(http_range SOURCES fuzz/FuzzHttpRange.cpp
    COMPONENTS ${kernel_components} encoding concurrent net path time http)
