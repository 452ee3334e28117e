# SPDX-License-Identifier: Apache-2.0
"""Tests for tools/kconfig/configure.py against the fixture tree in fixtures/kconfig/.

Run with Debian's Python (it has python3-kconfiglib):
    /usr/bin/python3 -m unittest -v test_kconfig      (from tests/tools)
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(ROOT, "tools", "kconfig", "configure.py")
FIXTURE = os.path.join(HERE, "fixtures", "kconfig")

sys.path.insert(0, os.path.dirname(TOOL))
import configure  # noqa: E402


def fixture(name):
    return os.path.join(FIXTURE, name)


class KconfigTestCase(unittest.TestCase):
    def setUp(self):
        self.build = tempfile.mkdtemp(prefix="vectra-kconfig-test-")
        self.addCleanup(shutil.rmtree, self.build)

    def output(self, name):
        return os.path.join(self.build, name)

    def write_fragment(self, name, text):
        path = self.output(name)
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        return path

    def run_tool(self, *arguments):
        return subprocess.run([sys.executable, TOOL] + list(arguments),
                              capture_output=True, text=True, check=False)

    def generate(self, fragments, settings=()):
        arguments = ["generate", "--kconfig", fixture("Kconfig"), "--srctree", FIXTURE,
                     "--out-config", self.output(".config"),
                     "--out-header", self.output("generated/vectra/config.h"),
                     "--out-cmake", self.output("generated/config.cmake"),
                     "--out-deps", self.output("generated/kconfig-deps.txt")]
        for fragment in fragments:
            arguments += ["--fragment", fragment]
        for setting in settings:
            arguments += ["--set", setting]
        return self.run_tool(*arguments)

    def generate_ok(self, fragments, settings=()):
        result = self.generate(fragments, settings)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def generate_fails(self, fragments, settings=()):
        result = self.generate(fragments, settings)
        self.assertEqual(result.returncode, 1, "configuration should fail:\n" + result.stderr)
        self.assertFalse(os.path.exists(self.output(".config")))
        return result.stderr

    def read(self, name):
        with open(self.output(name), encoding="utf-8") as file:
            return file.read()

    def standard_fragments(self):
        return [fixture("platform.conf"), fixture("image.conf"), fixture("overlay.conf")]


class MergeTest(KconfigTestCase):
    def test_later_fragments_and_settings_win(self):
        self.generate_ok(self.standard_fragments(), ["CONFIG_COUNT=5"])
        config = self.read(".config")
        self.assertIn("CONFIG_PLATFORM_B=y", config)  # platform
        self.assertIn("CONFIG_DRIVER_UART=y", config)  # image
        self.assertIn('CONFIG_NAME="overlay \\"quoted\\""', config)  # overlay beats image
        self.assertIn("# CONFIG_EXTRA is not set", config)  # overlay
        self.assertIn("CONFIG_COUNT=5", config)  # --set beats the overlay
        self.assertIn("CONFIG_ADDRESS=0x2000", config)

    def test_a_later_fragment_may_pick_another_choice_member(self):
        overlay = self.write_fragment("overlay.conf", "CONFIG_PLATFORM_A=y\n")
        self.generate_ok([fixture("platform.conf"), overlay])
        self.assertIn("CONFIG_PLATFORM_A=y", self.read(".config"))

    def test_unquoted_string_on_the_command_line(self):
        self.generate_ok([fixture("platform.conf")], ["CONFIG_NAME=from-shell"])
        self.assertIn('CONFIG_NAME="from-shell"', self.read(".config"))

    def test_missing_fragment(self):
        errors = self.generate_fails([self.output("absent.conf")])
        self.assertIn("absent.conf does not exist", errors)


class StrictnessTest(KconfigTestCase):
    def test_undefined_symbol(self):
        image = self.write_fragment("image.conf", "# comment\nCONFIG_NOPE=y\n")
        errors = self.generate_fails([fixture("platform.conf"), image])
        self.assertIn("image.conf:2: CONFIG_NOPE is not defined", errors)

    def test_undefined_symbol_on_the_command_line(self):
        errors = self.generate_fails([fixture("platform.conf")], ["CONFIG_NOPE=y"])
        self.assertIn("--set: CONFIG_NOPE is not defined", errors)

    def test_misspelt_symbol_suggests_the_closest(self):
        image = self.write_fragment("image.conf", "CONFIG_SERVICE_VFDS=y\n")
        errors = self.generate_fails([fixture("platform.conf"), image])
        self.assertIn("image.conf:1: CONFIG_SERVICE_VFDS is not defined by any Kconfig file "
                      "(did you mean CONFIG_SERVICE_VFSD?)", errors)
        errors = self.generate_fails([fixture("platform.conf")], ["CONFIG_NOPE=y"])
        self.assertNotIn("did you mean", errors)

    def test_malformed_fragments_end_in_one_line_each(self):
        """Invalid UTF-8, control characters, ';' and non-ASCII in values: one line naming the
        file:line and the reason, never a traceback."""
        cases = [(b"CONFIG_NAME=\"caf\xff\"\n", "image.conf:1: not valid UTF-8 (byte 0xff at column 17)"),
                 (b"CONFIG_NAME=\"a\x01b\"\n", "image.conf:1: the value of CONFIG_NAME holds a control character (U+0001)"),
                 (b"CONFIG_NAME=\"a;b\"\n", "image.conf:1: the value of CONFIG_NAME holds ';'"),
                 ("CONFIG_NAME=\"café\"\n".encode(), "image.conf:1: the value of CONFIG_NAME holds the non-ASCII "
                                                     "character U+00E9"),
                 (b"CONFIG_KERNEL=\x0by\n", "image.conf:1: the value of CONFIG_KERNEL holds a control character"),
                 (b"CONFIG_K\xc3\xa9RNEL=y\n", "image.conf:1: malformed line")]
        for data, expected in cases:
            with self.subTest(data=data):
                path = self.output("image.conf")
                with open(path, "wb") as file:
                    file.write(data)
                errors = self.generate_fails([fixture("platform.conf"), path])
                self.assertIn(expected, errors)
                self.assertNotIn("Traceback", errors)
                self.assertEqual(len(errors.splitlines()), 2, errors)  # the line and the count

    def test_control_characters_on_the_command_line(self):
        errors = self.generate_fails([fixture("platform.conf")], ["CONFIG_NAME=a\nb"])
        self.assertIn("--set: the value of CONFIG_NAME holds a control character (U+000A)", errors)

    def test_unmet_dependency_names_the_symbol_and_the_reason(self):
        image = self.write_fragment("image.conf", "CONFIG_FOO=y\nCONFIG_SERVICE_VFSD=y\n")
        errors = self.generate_fails([image])
        self.assertIn("error: CONFIG_SERVICE_VFSD=y ({}:2) did not take effect: depends on "
                      "KERNEL && !FOO, and FOO is y".format(image), errors)

    def test_unmet_dependency_on_a_disabled_symbol(self):
        image = self.write_fragment("image.conf", "CONFIG_SERVICE_VFSD=y\n")
        errors = self.generate_fails([image], ["CONFIG_KERNEL=n"])
        self.assertIn("depends on KERNEL && !FOO, and KERNEL is n", errors)

    def test_menu_dependency(self):
        image = self.write_fragment("image.conf", "# CONFIG_KERNEL is not set\nCONFIG_EXTRA=y\n")
        errors = self.generate_fails([image])
        self.assertIn("CONFIG_EXTRA=y", errors)
        self.assertIn("KERNEL is n", errors)

    def test_only_the_last_assignment_counts(self):
        image = self.write_fragment("image.conf", "CONFIG_SERVICE_VFSD=y\n")
        overlay = self.write_fragment("overlay.conf", "# CONFIG_SERVICE_VFSD is not set\n")
        self.generate_ok([image, overlay], ["CONFIG_FOO=y"])

    def test_out_of_range_integer(self):
        errors = self.generate_fails([fixture("platform.conf")], ["CONFIG_COUNT=20"])
        self.assertIn("CONFIG_COUNT=20 (--set) did not take effect: 20 is outside its range "
                      "[1, 8]", errors)

    def test_symbol_without_prompt(self):
        image = self.write_fragment("image.conf", "# CONFIG_HIDDEN is not set\n")
        errors = self.generate_fails([image])
        self.assertIn("CONFIG_HIDDEN=n ({}:1) did not take effect: it has no prompt, so it is "
                      "not user-settable".format(image), errors)

    def test_selected_symbol_cannot_be_disabled(self):
        image = self.write_fragment("image.conf", "CONFIG_USES_THING=y\n")
        errors = self.generate_fails([image], ["CONFIG_HAVE_THING=n"])
        self.assertIn("CONFIG_HAVE_THING=n (--set) did not take effect", errors)
        self.assertIn("selected by USES_THING", errors)

    def test_hidden_prompt(self):
        errors = self.generate_fails([], ["CONFIG_SHOWN_IF_FOO=y"])
        self.assertIn("CONFIG_SHOWN_IF_FOO=y (--set) did not take effect: its prompt is hidden "
                      "(shown only if FOO)", errors)

    def test_choice_member_deselected_without_replacement(self):
        overlay = self.write_fragment("overlay.conf", "# CONFIG_PLATFORM_B is not set\n")
        errors = self.generate_fails([fixture("platform.conf"), overlay])
        self.assertIn("CONFIG_PLATFORM_B=n", errors)
        self.assertIn("it is the selection of choice PLATFORM", errors)

    def test_malformed_line(self):
        image = self.write_fragment("image.conf", "CONFIG_KERNEL=y\nKERNEL=y\n")
        errors = self.generate_fails([image])
        self.assertIn("image.conf:2: malformed line 'KERNEL=y'", errors)

    def test_malformed_value(self):
        image = self.write_fragment("image.conf", "CONFIG_NAME=unquoted words\n")
        errors = self.generate_fails([image])
        self.assertIn("image.conf:1: malformed value", errors)

    def test_value_of_the_wrong_type(self):
        image = self.write_fragment("image.conf", "CONFIG_COUNT=y\nCONFIG_KERNEL=m\n")
        errors = self.generate_fails([image])
        self.assertIn("CONFIG_COUNT=y ({}:1): 'y' is not a decimal number".format(image), errors)
        self.assertIn("'m' is not a valid value for the bool symbol", errors)

    def test_not_set_for_a_string(self):
        image = self.write_fragment("image.conf", "# CONFIG_NAME is not set\n")
        errors = self.generate_fails([image])
        self.assertIn("is only for bool and tristate symbols, this one is string", errors)

    def test_kconfig_tree_warnings_are_errors(self):
        kconfig = self.write_fragment("Kconfig", 'config A\n\tbool "a"\n\tselect S\n\n'
                                                 'config S\n\tstring "s"\n')
        result = self.run_tool("generate", "--kconfig", kconfig, "--srctree", self.build,
                               "--out-config", self.output(".config"),
                               "--out-header", self.output("config.h"),
                               "--out-cmake", self.output("config.cmake"),
                               "--out-deps", self.output("deps.txt"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("error: kconfiglib: warning: A (defined at Kconfig:1) selects the string "
                      "symbol S", result.stderr)

    def test_every_problem_is_reported(self):
        image = self.write_fragment("image.conf", "CONFIG_NOPE=y\nCONFIG_ALSO_NOPE=y\n")
        errors = self.generate_fails([image])
        self.assertIn("CONFIG_NOPE", errors)
        self.assertIn("CONFIG_ALSO_NOPE", errors)
        self.assertIn("2 problem(s)", errors)


class RepositoryTest(KconfigTestCase):
    """The repository's own Kconfig tree, for rules that live in it."""

    def generate_repository(self, platform, settings):
        arguments = ["generate", "--kconfig", os.path.join(ROOT, "Kconfig"), "--srctree", ROOT,
                     "--out-config", self.output(".config"),
                     "--out-header", self.output("generated/vectra/config.h"),
                     "--out-cmake", self.output("generated/config.cmake"),
                     "--out-deps", self.output("generated/kconfig-deps.txt"),
                     "--fragment", os.path.join(ROOT, "platforms", platform, "defconfig")]
        for setting in settings:
            arguments += ["--set", setting]
        return self.run_tool(*arguments)

    def test_hosted_refuses_protection_domains_in_one_line(self):
        result = self.generate_repository("hosted", ["CONFIG_DOMAINS=y"])
        self.assertEqual(result.returncode, 1)
        self.assertIn("error: CONFIG_DOMAINS=y (--set) did not take effect: depends on !PLATFORM_HOSTED, "
                      "and PLATFORM_HOSTED is y\n", result.stderr)
        for platform in ("x86_64", "aarch64"):
            with self.subTest(platform=platform):
                result = self.generate_repository(platform, ["CONFIG_DOMAINS=y"])
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("CONFIG_DOMAINS=y\n", self.read(".config"))


class OutputTest(KconfigTestCase):
    def test_header(self):
        self.generate_ok(self.standard_fragments(), ["CONFIG_COUNT=5"])
        header = self.read("generated/vectra/config.h")
        self.assertTrue(header.startswith("/*"))
        self.assertIn("#pragma once", header)
        self.assertIn("#define CONFIG_PLATFORM_B 1", header)
        self.assertIn('#define CONFIG_NAME "overlay \\"quoted\\""', header)
        self.assertIn("#define CONFIG_COUNT 5", header)
        self.assertIn("#define CONFIG_ADDRESS 0x2000", header)
        self.assertNotIn("CONFIG_EXTRA ", header)
        self.assertNotIn("CONFIG_PLATFORM_A", header)

    def test_cmake(self):
        self.generate_ok(self.standard_fragments(), ["CONFIG_COUNT=5"])
        cmake = self.read("generated/config.cmake")
        self.assertIn('set(CONFIG_PLATFORM_B "y")', cmake)
        self.assertIn('set(CONFIG_PLATFORM_A "")', cmake)
        self.assertIn('set(CONFIG_EXTRA "")', cmake)
        self.assertIn('set(CONFIG_COUNT "5")', cmake)
        self.assertIn('set(CONFIG_ADDRESS "0x2000")', cmake)
        self.assertIn('set(CONFIG_NAME "overlay \\"quoted\\"")', cmake)

    def test_dependencies(self):
        fragments = self.standard_fragments()
        self.generate_ok(fragments)
        listed = self.read("generated/kconfig-deps.txt").splitlines()
        for path in [fixture("Kconfig"), fixture("drivers/uart/Kconfig")] + fragments:
            self.assertIn(path, listed)
        self.assertIn(fixture("drivers"), listed)  # a new driver folder must re-configure
        self.assertTrue(all(os.path.isabs(path) for path in listed))

    def test_unchanged_outputs_are_not_rewritten(self):
        self.generate_ok(self.standard_fragments())
        names = [".config", "generated/vectra/config.h", "generated/config.cmake",
                 "generated/kconfig-deps.txt"]
        for name in names:
            os.utime(self.output(name), ns=(1_000_000_000, 1_000_000_000))
        self.generate_ok(self.standard_fragments())
        for name in names:
            self.assertEqual(os.stat(self.output(name)).st_mtime_ns, 1_000_000_000, name)
        self.generate_ok(self.standard_fragments(), ["CONFIG_COUNT=6"])
        self.assertNotEqual(os.stat(self.output(".config")).st_mtime_ns, 1_000_000_000)

    def test_savedefconfig(self):
        self.generate_ok(self.standard_fragments())
        minimal = self.output("defconfig")
        result = self.run_tool("savedefconfig", "--kconfig", fixture("Kconfig"),
                               "--srctree", FIXTURE, "--build-dir", self.build, "--out", minimal)
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = [line for line in self.read("defconfig").splitlines()
                 if not line.startswith("#") or line.endswith("is not set")]
        self.assertEqual(sorted(lines), sorted([
            "CONFIG_PLATFORM_B=y", 'CONFIG_NAME="overlay \\"quoted\\""', "CONFIG_COUNT=4",
            "CONFIG_ADDRESS=0x2000", "# CONFIG_EXTRA is not set", "CONFIG_DRIVER_UART=y"]))
        # The minimal configuration reproduces the same .config.
        first = self.read(".config")
        self.generate_ok([minimal])
        self.assertEqual(self.read(".config"), first)


class MenuconfigDifferenceTest(KconfigTestCase):
    def configuration(self, fragments, settings=()):
        kconf, errors = configure.configure(fixture("Kconfig"), FIXTURE, fragments, settings)
        self.assertEqual(errors, [])
        return kconf

    def test_difference_is_minimal(self):
        fragments = [fixture("platform.conf")]
        base = self.configuration(fragments)
        saved = self.configuration(fragments, ["CONFIG_PLATFORM_A=y", "CONFIG_FOO=y",
                                               "CONFIG_SHOWN_IF_FOO=y", "CONFIG_EXTRA=n"])
        lines, unreproduced = configure.minimal_difference(base, saved)
        self.assertEqual(lines, ["CONFIG_PLATFORM_A=y", "CONFIG_FOO=y",
                                 "CONFIG_SHOWN_IF_FOO=y", "# CONFIG_EXTRA is not set"])
        self.assertEqual(unreproduced, [])

    def test_no_difference(self):
        base = self.configuration([fixture("platform.conf")])
        saved = self.configuration([fixture("platform.conf")])
        self.assertEqual(configure.minimal_difference(base, saved), ([], []))


if __name__ == "__main__":
    unittest.main()
