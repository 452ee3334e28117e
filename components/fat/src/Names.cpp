/*
 * SPDX-License-Identifier: Apache-2.0
 */

#include <vectra/fat/FatError.h>
#include <vectra/fat/Names.h>

namespace vectra::fat {

namespace {

/* One code point from UTF-8, strictly (no overlong forms, no surrogates); false when malformed. */
bool decode_code_point(std::string_view text, usize& offset, u32& code_point)
{
    u8 lead = u8(text[offset]);
    u32 length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || offset + length > text.size())
        return false;
    code_point = length == 1 ? lead : length == 2 ? (lead & 0x1F) : length == 3 ? (lead & 0x0F) : (lead & 0x07);
    for (u32 index = 1; index < length; ++index) {
        u8 byte = u8(text[offset + index]);
        if ((byte & 0xC0) != 0x80)
            return false;
        code_point = (code_point << 6) | (byte & 0x3F);
    }
    static constexpr u32 smallest[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (code_point < smallest[length] || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF))
        return false;
    offset += length;
    return true;
}

bool is_forbidden(u32 code_point)
{
    if (code_point < 0x20 || code_point == 0x7F)
        return true;
    for (char forbidden : std::string_view("\"*/:<>?\\|"))
        if (code_point == u32(u8(forbidden)))
            return true;
    return false;
}

bool short_name_keeps(char character)
{
    if ((character >= 'A' && character <= 'Z') || (character >= '0' && character <= '9'))
        return true;
    return std::string_view("!#$%&'()-@^_`{}~").find(character) != std::string_view::npos;
}

char to_upper(char character) { return character >= 'a' && character <= 'z' ? char(character - 'a' + 'A') : character; }
char to_lower(char character) { return character >= 'A' && character <= 'Z' ? char(character - 'A' + 'a') : character; }

/* Fills one part of a basis name; returns the case seen (bit 0 lower, bit 1 upper). */
u32 fill_part(std::string_view part, u8* into, usize capacity, bool& lossy)
{
    usize length = 0;
    u32 cases = 0;
    usize offset = 0;
    while (offset < part.size()) {
        u32 code_point = 0;
        if (!decode_code_point(part, offset, code_point)) {
            lossy = true;
            ++offset;
            continue;
        }
        if (code_point == ' ' || code_point == '.') {
            lossy = true;
            continue;
        }
        char character = '_';
        if (code_point < 0x80) {
            char ascii = char(code_point);
            if (ascii >= 'a' && ascii <= 'z')
                cases |= 1;
            if (ascii >= 'A' && ascii <= 'Z')
                cases |= 2;
            character = to_upper(ascii);
            if (!short_name_keeps(character)) {
                character = '_';
                lossy = true;
            }
        } else {
            lossy = true;
        }
        if (length == capacity) {
            lossy = true;
            continue;
        }
        into[length++] = u8(character);
    }
    return cases;
}

}

ErrorOr<LongName> long_name_from_utf8(std::string_view text)
{
    if (text.empty() || text == "." || text == "..")
        return Error(FatError::InvalidName, "name is empty, \".\" or \"..\"");
    if (text.back() == '.' || text.back() == ' ')
        return Error(FatError::InvalidName, "name ends in a dot or a space");
    LongName name;
    usize offset = 0;
    while (offset < text.size()) {
        u32 code_point = 0;
        if (!decode_code_point(text, offset, code_point))
            return Error(FatError::InvalidName, "name is not valid UTF-8");
        if (is_forbidden(code_point))
            return Error(FatError::InvalidName, "name holds a control character or one of \" * / : < > ? \\ |");
        u32 needed = code_point >= 0x10000 ? 2 : 1;
        if (name.length + needed > maximum_long_name_units)
            return Error(FatError::InvalidName, "name is longer than 255 UTF-16 units");
        if (needed == 2) {
            u32 value = code_point - 0x10000;
            name.units[name.length++] = u16(0xD800 + (value >> 10));
            name.units[name.length++] = u16(0xDC00 + (value & 0x3FF));
        } else {
            name.units[name.length++] = u16(code_point);
        }
    }
    return name;
}

bool utf8_from_units(std::span<u16 const> units, Name& name)
{
    name.length = 0;
    for (usize index = 0; index < units.size(); ++index) {
        u32 code_point = units[index];
        if (code_point == 0)
            return false;
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
            if (index + 1 >= units.size() || units[index + 1] < 0xDC00 || units[index + 1] > 0xDFFF)
                return false;
            code_point = 0x10000 + ((code_point - 0xD800) << 10) + (units[++index] - 0xDC00);
        } else if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
            return false;
        }
        u8 encoded[4];
        u32 length = 0;
        if (code_point < 0x80) {
            encoded[length++] = u8(code_point);
        } else if (code_point < 0x800) {
            encoded[length++] = u8(0xC0 | (code_point >> 6));
            encoded[length++] = u8(0x80 | (code_point & 0x3F));
        } else if (code_point < 0x10000) {
            encoded[length++] = u8(0xE0 | (code_point >> 12));
            encoded[length++] = u8(0x80 | ((code_point >> 6) & 0x3F));
            encoded[length++] = u8(0x80 | (code_point & 0x3F));
        } else {
            encoded[length++] = u8(0xF0 | (code_point >> 18));
            encoded[length++] = u8(0x80 | ((code_point >> 12) & 0x3F));
            encoded[length++] = u8(0x80 | ((code_point >> 6) & 0x3F));
            encoded[length++] = u8(0x80 | (code_point & 0x3F));
        }
        if (name.length + length > sizeof(name.bytes))
            return false;
        for (u32 byte = 0; byte < length; ++byte)
            name.bytes[name.length++] = char(encoded[byte]);
    }
    return true;
}

BasisName basis_name(std::string_view text)
{
    BasisName basis;
    basis.name.fill(' ');
    usize start = 0;
    while (start < text.size() && text[start] == '.') {
        ++start;
        basis.lossy = true;
    }
    auto rest = text.substr(start);
    auto last_dot = rest.rfind('.');
    auto base = last_dot == std::string_view::npos ? rest : rest.substr(0, last_dot);
    auto extension = last_dot == std::string_view::npos ? std::string_view() : rest.substr(last_dot + 1);
    u32 base_cases = fill_part(base, basis.name.data(), 8, basis.lossy);
    u32 extension_cases = fill_part(extension, basis.name.data() + 8, 3, basis.lossy);
    if (basis.name[0] == ' ') {
        basis.name[0] = '_';
        basis.lossy = true;
    }
    bool mixed = base_cases == 3 || extension_cases == 3;
    basis.needs_long_name = basis.lossy || mixed;
    if (!basis.needs_long_name)
        basis.case_flags
            = u8((base_cases == 1 ? case_lower_base : 0) | (extension_cases == 1 ? case_lower_extension : 0));
    return basis;
}

ShortName with_tail(ShortName const& basis, u32 number)
{
    char digits[8];
    u32 digit_count = 0;
    do {
        digits[digit_count++] = char('0' + number % 10);
        number /= 10;
    } while (number != 0 && digit_count < 6);
    u32 base_length = 0;
    while (base_length < 8 && basis[base_length] != ' ')
        ++base_length;
    u32 keep = base_length < 7 - digit_count ? base_length : 7 - digit_count;
    ShortName name = basis;
    for (u32 index = keep; index < 8; ++index)
        name[index] = ' ';
    name[keep] = '~';
    for (u32 index = 0; index < digit_count; ++index)
        name[keep + 1 + index] = u8(digits[digit_count - 1 - index]);
    return name;
}

void short_name_text(ShortName const& short_name, u8 case_flags, Name& name)
{
    name.length = 0;
    auto append = [&](u8 byte, bool lower) {
        char character = byte >= 0x80 || byte < 0x20 ? '_' : char(byte);
        name.bytes[name.length++] = lower ? to_lower(character) : character;
    };
    u32 base_end = 8;
    while (base_end > 0 && short_name[base_end - 1] == ' ')
        --base_end;
    u32 extension_end = 11;
    while (extension_end > 8 && short_name[extension_end - 1] == ' ')
        --extension_end;
    for (u32 index = 0; index < base_end; ++index)
        append(index == 0 && short_name[0] == 0x05 ? u8(0xE5) : short_name[index], case_flags & case_lower_base);
    if (extension_end > 8) {
        name.bytes[name.length++] = '.';
        for (u32 index = 8; index < extension_end; ++index)
            append(short_name[index], case_flags & case_lower_extension);
    }
}

bool names_equal(std::string_view left, std::string_view right)
{
    if (left.size() != right.size())
        return false;
    for (usize index = 0; index < left.size(); ++index)
        if (to_upper(left[index]) != to_upper(right[index]))
            return false;
    return true;
}

}
