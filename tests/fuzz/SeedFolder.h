/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * For fuzz targets that write their seeds when they start (from a tool or a library, never
 * committed as bytes): the first corpus folder on libFuzzer's command line, the one CTest puts
 * in the build folder and libFuzzer writes new inputs to.
 */

#pragma once

#include <cstdio>
#include <initializer_list>
#include <string>
#include <utility>

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

/* The seeds, written into the first corpus folder when the target starts. */
inline void write_seeds(int argc, char** argv, std::initializer_list<std::pair<char const*, std::string>> seeds)
{
    char const* folder = first_corpus_folder(argc, argv);
    if (!folder)
        return;
    for (auto const& [name, bytes] : seeds) {
        if (FILE* file = fopen((std::string(folder) + "/" + name).c_str(), "wb")) {
            fwrite(bytes.data(), 1, bytes.size(), file);
            fclose(file);
        }
    }
}

}
