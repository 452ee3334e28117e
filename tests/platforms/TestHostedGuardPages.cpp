/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * platform::page_size() and platform::set_page_guard() on the hosted platform (mprotect).
 */

#include "ChildProcess.h"
#include "HostedKernelStub.h"
#include <catch2/catch.hpp>
#include <signal.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vectra/platform/Platform.h>
#include <vectra/platform/hosted/Faults.h>

using namespace vectra;

namespace {

/* Anonymous read-write pages of the test's own, unmapped again at the end. */
class Pages {
public:
    explicit Pages(usize count)
        : m_size(count * platform::page_size())
        , m_base(static_cast<u8*>(mmap(nullptr, m_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)))
    {
        REQUIRE(m_base != MAP_FAILED);
    }
    ~Pages() { munmap(m_base, m_size); }
    Pages(Pages const&) = delete;
    Pages& operator=(Pages const&) = delete;

    [[nodiscard]] uptr page(usize index) const
    {
        return reinterpret_cast<uptr>(m_base) + index * platform::page_size();
    }

private:
    usize m_size;
    u8* m_base;
};

void write_byte(uptr address, u8 value) { *reinterpret_cast<u8 volatile*>(address) = value; }
u8 read_byte(uptr address) { return *reinterpret_cast<u8 volatile*>(address); }

/* In a child: the default action for SIGSEGV, whatever the sanitizer runtime installed. */
void die_on_segmentation_fault() { signal(SIGSEGV, SIG_DFL); }

}

TEST_CASE("The page size is the host's", "[platform][hosted]")
{
    REQUIRE(platform::page_size() == static_cast<usize>(sysconf(_SC_PAGESIZE)));
}

TEST_CASE("A write to a guarded page kills the process with SIGSEGV", "[platform][hosted]")
{
    Pages pages(3);
    REQUIRE(platform::set_page_guard(pages.page(1), true));
    auto result = test::run_in_child([&] {
        die_on_segmentation_fault();
        write_byte(pages.page(1) + 16, 1);
    });
    REQUIRE(result.killed);
    REQUIRE(result.signal_number == SIGSEGV);
    REQUIRE(platform::set_page_guard(pages.page(1), false));
}

TEST_CASE("A read of a guarded page faults too", "[platform][hosted]")
{
    Pages pages(3);
    REQUIRE(platform::set_page_guard(pages.page(1), true));
    auto result = test::run_in_child([&] {
        die_on_segmentation_fault();
        (void)read_byte(pages.page(1));
    });
    REQUIRE(result.killed);
    REQUIRE(result.signal_number == SIGSEGV);
    REQUIRE(platform::set_page_guard(pages.page(1), false));
}

TEST_CASE("Guarding a page leaves its neighbours accessible", "[platform][hosted]")
{
    Pages pages(3);
    REQUIRE(platform::set_page_guard(pages.page(1), true));
    auto result = test::run_in_child([&] {
        die_on_segmentation_fault();
        write_byte(pages.page(1) - 1, 7);
        write_byte(pages.page(2), 9);
        _exit(read_byte(pages.page(1) - 1) == 7 && read_byte(pages.page(2)) == 9 ? 0 : 1);
    });
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == 0);
    REQUIRE(platform::set_page_guard(pages.page(1), false));
}

TEST_CASE("Unguarding a page makes it readable and writable again", "[platform][hosted]")
{
    Pages pages(1);
    write_byte(pages.page(0) + 5, 42);
    REQUIRE(platform::set_page_guard(pages.page(0), true));
    REQUIRE(platform::set_page_guard(pages.page(0), false));
    REQUIRE(read_byte(pages.page(0) + 5) == 42);
    write_byte(pages.page(0) + 5, 43);
    REQUIRE(read_byte(pages.page(0) + 5) == 43);
}

TEST_CASE("An unaligned address is refused and changes nothing", "[platform][hosted]")
{
    Pages pages(2);
    REQUIRE_FALSE(platform::set_page_guard(pages.page(0) + 8, true));
    REQUIRE_FALSE(platform::set_page_guard(pages.page(1) + platform::page_size() / 2, false));
    write_byte(pages.page(0) + 8, 1);
    REQUIRE(read_byte(pages.page(0) + 8) == 1);
}

TEST_CASE("A page the process has not mapped is refused", "[platform][hosted]")
{
    uptr unmapped = 0;
    {
        Pages pages(1);
        unmapped = pages.page(0);
    }
    /* Nothing may map the address again in between: ask first, check afterwards. */
    bool guarded = platform::set_page_guard(unmapped, true);
    bool unguarded = platform::set_page_guard(unmapped, false);
    REQUIRE_FALSE(guarded);
    REQUIRE_FALSE(unguarded);
}

TEST_CASE("With the hosted fault handler, the fault report names the guarded address", "[platform][hosted]")
{
    Pages pages(2);
    REQUIRE(platform::set_page_guard(pages.page(1), true));
    uptr target = pages.page(1) + 0x18;
    auto result = test::run_in_child([&] {
        platform::hosted::install_fault_handlers();
        write_byte(target, 1);
    });
    REQUIRE(result.exited);
    REQUIRE(result.exit_status == static_cast<int>(platform::ExitStatus::CpuFault));
    char expected[96];
    snprintf(expected, sizeof(expected), "FAULT: page fault (protection) address=%#llx\n",
        static_cast<unsigned long long>(target));
    REQUIRE(result.output == expected);
    REQUIRE(platform::set_page_guard(pages.page(1), false));
}
