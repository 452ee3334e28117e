/*
 * SPDX-License-Identifier: Apache-2.0
 */

#pragma once

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>
#include <vectra/Types.h>

namespace vectra::test {

/*
 * Debian's FAT tools as the tests' oracle: mkfs.fat and fsck.fat (dosfstools), mcopy, mmd,
 * mdir, mdel (mtools). A missing tool fails the test naming the package; it never skips.
 */
struct CommandResult {
    int status { -1 };
    std::string output;
};

inline std::string shell_quote(std::string const& text)
{
    std::string quoted = "'";
    for (char character : text) {
        if (character == '\'')
            quoted += "'\\''";
        else
            quoted += character;
    }
    return quoted + "'";
}

inline CommandResult run_command(std::string const& command)
{
    std::string full = "PATH=\"$PATH:/usr/sbin:/sbin\" MTOOLS_SKIP_CHECK=1 MTOOLS_NO_VFAT=0 " + command + " 2>&1";
    CommandResult result;
    FILE* pipe = ::popen(full.c_str(), "r");
    if (!pipe)
        return result;
    char buffer[65536];
    usize count;
    while ((count = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
        result.output.append(buffer, count);
    int status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

inline void require_fat_tools()
{
    for (char const* tool : { "mkfs.fat", "fsck.fat", "mcopy", "mmd", "mdir", "mdel" }) {
        auto found = run_command(std::string("command -v ") + tool);
        INFO("the FAT32 tests need " << tool
                                     << " (Debian packages dosfstools and mtools; ./vectra setup installs them)");
        REQUIRE(found.status == 0);
    }
}

/* A temporary disk image formatted by mkfs.fat -F 32; removed when the test ends. */
class FatImage {
public:
    explicit FatImage(u32 mebibytes, std::string const& options = "-s 1")
    {
        require_fat_tools();
        char name[] = "/tmp/vectra-fat-XXXXXX";
        int descriptor = ::mkstemp(name);
        REQUIRE(descriptor >= 0);
        ::close(descriptor);
        m_path = name;
        REQUIRE(::truncate(m_path.c_str(), off_t(mebibytes) * off_t(MiB)) == 0);
        auto made = run_command("mkfs.fat -F 32 " + options + " -n VECTRA " + shell_quote(m_path));
        INFO(made.output);
        REQUIRE(made.status == 0);
    }
    ~FatImage() { ::unlink(m_path.c_str()); }
    FatImage(FatImage const&) = delete;
    FatImage& operator=(FatImage const&) = delete;

    [[nodiscard]] std::string const& path() const { return m_path; }

    /* fsck.fat -n: an empty string when it reports nothing beyond its banner and summary. */
    [[nodiscard]] std::string fsck_complaints() const
    {
        auto checked = run_command("fsck.fat -n " + shell_quote(m_path));
        std::istringstream lines(checked.output);
        std::string line;
        std::string complaints;
        while (std::getline(lines, line)) {
            if (line.rfind("fsck.fat ", 0) == 0 || line.rfind(m_path + ": ", 0) == 0)
                continue;
            complaints += line + "\n";
        }
        if (checked.status != 0)
            complaints += "fsck.fat exited " + std::to_string(checked.status) + "\n";
        return complaints;
    }

    /* A file's bytes as mcopy reads them. */
    [[nodiscard]] std::string mtools_read(std::string const& path) const
    {
        auto copied = run_command("mcopy -n -i " + shell_quote(m_path) + " " + shell_quote("::" + path) + " -");
        INFO(copied.output);
        REQUIRE(copied.status == 0);
        return copied.output;
    }

    void mtools(std::string const& command, std::string const& arguments) const
    {
        auto ran = run_command(command + " -i " + shell_quote(m_path) + " " + arguments);
        INFO(command << " " << arguments << ": " << ran.output);
        REQUIRE(ran.status == 0);
    }

    /* Copies bytes into the image with mcopy, through a host file. */
    void mtools_write(std::string const& path, std::string const& bytes) const
    {
        std::string source = m_path + ".in";
        {
            std::ofstream out(source, std::ios::binary);
            out << bytes;
        }
        auto ran = run_command(
            "mcopy -o -i " + shell_quote(m_path) + " " + shell_quote(source) + " " + shell_quote("::" + path));
        ::unlink(source.c_str());
        INFO("mcopy into " << path << ": " << ran.output);
        REQUIRE(ran.status == 0);
    }

    [[nodiscard]] std::string mdir(std::string const& path) const
    {
        auto listed = run_command("mdir -i " + shell_quote(m_path) + " " + shell_quote("::" + path));
        INFO(listed.output);
        REQUIRE(listed.status == 0);
        return listed.output;
    }

    [[nodiscard]] std::vector<u8> bytes() const
    {
        std::ifstream in(m_path, std::ios::binary | std::ios::ate);
        std::vector<u8> bytes(usize(in.tellg()));
        in.seekg(0);
        in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(bytes.size()));
        return bytes;
    }
    void store(std::vector<u8> const& bytes) const
    {
        std::ofstream out(m_path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<char const*>(bytes.data()), std::streamsize(bytes.size()));
    }

private:
    std::string m_path;
};

/* Bytes a test can recognise: a position-dependent pattern seeded per file. */
inline std::string pattern_bytes(usize size, u32 seed)
{
    std::string bytes(size, '\0');
    u32 state = seed * 2654435761u + 1;
    for (usize index = 0; index < size; ++index) {
        state = state * 1103515245u + 12345u;
        bytes[index] = char(state >> 16);
    }
    return bytes;
}

}
