/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a request of the declared vectra.test.echo protocol, answered
 * by its dispatch with an echoing handler (the flaky service's, less its deliberate panic).
 */

#include "DispatchFuzzer.h"
#include <crashtest/Echo.h>

using namespace vectra;

namespace {

struct Echoing {
    ErrorOr<crashtest::Echoed> handle(crashtest::Echo const& request)
    {
        if (request.text.view().empty())
            return Error(crashtest::EchoError::Empty, "there is no text to echo");
        return crashtest::Echoed { request.text };
    }
};

}

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    Echoing handler;
    (void)test::fuzz_dispatch<crashtest::EchoProtocol>(handler, std::span<u8 const>(data, size));
    return 0;
}
