/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * ctype.h in the C locale: ASCII classes only, so every byte above 0x7f and EOF is in none.
 */

#include <vectra/libc/Libc.h>

namespace vectra::libc {

int is_digit(int character) { return character >= '0' && character <= '9'; }

int is_upper(int character) { return character >= 'A' && character <= 'Z'; }

int is_lower(int character) { return character >= 'a' && character <= 'z'; }

int is_letter(int character) { return is_upper(character) || is_lower(character); }

int is_letter_or_digit(int character) { return is_letter(character) || is_digit(character); }

int is_hex_digit(int character)
{
    return is_digit(character) || (character >= 'a' && character <= 'f') || (character >= 'A' && character <= 'F');
}

int is_space(int character) { return character == ' ' || (character >= '\t' && character <= '\r'); }

int is_printable(int character) { return character >= ' ' && character <= '~'; }

int to_lower(int character) { return is_upper(character) ? character - 'A' + 'a' : character; }

int to_upper(int character) { return is_lower(character) ? character - 'a' + 'A' : character; }

}
