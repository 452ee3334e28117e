/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * For fuzz targets that write their seeds when they start (from a tool or a library, never
 * committed as bytes): the first corpus folder on libFuzzer's command line, the one CTest puts
 * in the build folder and libFuzzer writes new inputs to.
 */

#pragma once

namespace vectra::fuzz {

/* The first argument that is not an option, or nullptr. */
inline char const* first_corpus_folder(int argc, char** argv)
{
    for (int index = 1; index < argc; ++index) {
        if (argv[index][0] != '-')
            return argv[index];
    }
    return nullptr;
}

}
