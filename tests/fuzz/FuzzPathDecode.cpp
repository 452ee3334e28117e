/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target: any bytes as a path in its wire form. A decoded Path must satisfy every
 * component rule and re-encode to exactly the bytes it was decoded from.
 */

#include <string.h>
#include <vectra/Path.h>

using namespace vectra;

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    ByteReader reader(std::span<u8 const>(data, size));
    auto path = Path::decode(reader);
    if (path.is_error())
        return 0;
    for (usize index = 0; index < path.value().component_count(); ++index)
        VERIFY(!Path::validate_component(path.value().component(index)).is_error());
    u8 encoded[16 * 64 + 1];
    ByteWriter writer(encoded);
    MUST(path.value().encode(writer));
    VERIFY(writer.length() == reader.offset());
    VERIFY(memcmp(encoded, data, writer.length()) == 0);
    return 0;
}
