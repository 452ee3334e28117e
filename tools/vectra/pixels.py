# SPDX-License-Identifier: Apache-2.0
"""Images as RGB pixels, read from and written to the formats screen oracles meet: PNG (the
references and what the harness writes), PPM (QEMU's screendump) and XWD (`xwd -root` under
Xvfb). Only the standard library: zlib does PNG's compression.

Every reader refuses malformed input with ImageError naming the file and what is wrong; none
reads past the bytes it was given.
"""

import struct
import zlib
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAXIMUM_SIDE = 16384


class ImageError(ValueError):
    """An image file that cannot be read; the message names it and the reason."""


@dataclass
class Image:
    width: int
    height: int
    rgb: bytearray  # width * height * 3 bytes, rows top to bottom

    def pixel(self, x: int, y: int) -> tuple:
        offset = (y * self.width + x) * 3
        return tuple(self.rgb[offset:offset + 3])


def _check_size(width: int, height: int, name: str) -> None:
    if not (0 < width <= MAXIMUM_SIDE and 0 < height <= MAXIMUM_SIDE):
        raise ImageError(f"{name}: size {width}x{height} is outside 1..{MAXIMUM_SIDE}")


# PNG -----------------------------------------------------------------------------------------------

def _paeth(left: int, up: int, up_left: int) -> int:
    estimate = left + up - up_left
    distance_left, distance_up, distance_up_left = abs(estimate - left), abs(estimate - up), abs(estimate - up_left)
    if distance_left <= distance_up and distance_left <= distance_up_left:
        return left
    return up if distance_up <= distance_up_left else up_left


def _unfilter(data: bytes, width: int, height: int, channels: int, name: str) -> bytearray:
    stride = width * channels
    if len(data) != height * (stride + 1):
        raise ImageError(f"{name}: image data holds {len(data)} bytes, expected {height * (stride + 1)}")
    out = bytearray(height * stride)
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind = data[start]
        line = bytearray(data[start + 1:start + 1 + stride])
        if kind == 1:
            for index in range(channels, stride):
                line[index] = (line[index] + line[index - channels]) & 0xFF
        elif kind == 2:
            for index in range(stride):
                line[index] = (line[index] + previous[index]) & 0xFF
        elif kind == 3:
            for index in range(stride):
                left = line[index - channels] if index >= channels else 0
                line[index] = (line[index] + ((left + previous[index]) >> 1)) & 0xFF
        elif kind == 4:
            for index in range(stride):
                left = line[index - channels] if index >= channels else 0
                up_left = previous[index - channels] if index >= channels else 0
                line[index] = (line[index] + _paeth(left, previous[index], up_left)) & 0xFF
        elif kind != 0:
            raise ImageError(f"{name}: row {row} has unknown filter type {kind}")
        out[row * stride:(row + 1) * stride] = line
        previous = line
    return out


def read_png(data: bytes, name: str = "image") -> Image:
    """8-bit RGB or RGBA, not interlaced (alpha is dropped)."""
    if not data.startswith(PNG_SIGNATURE):
        raise ImageError(f"{name}: not a PNG file (wrong signature)")
    offset, header, compressed, ended = len(PNG_SIGNATURE), None, bytearray(), False
    while offset < len(data) and not ended:
        if offset + 12 > len(data):
            raise ImageError(f"{name}: truncated chunk at byte {offset}")
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if offset + 12 + length > len(data):
            raise ImageError(f"{name}: chunk {kind!r} at byte {offset} runs past the end of the file")
        body = data[offset + 8:offset + 8 + length]
        (checksum,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
        if zlib.crc32(kind + body) != checksum:
            raise ImageError(f"{name}: chunk {kind!r} at byte {offset} has a wrong CRC")
        if kind == b"IHDR":
            if length != 13:
                raise ImageError(f"{name}: IHDR is {length} bytes, not 13")
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
        elif kind == b"IEND":
            ended = True
        offset += 12 + length
    if header is None:
        raise ImageError(f"{name}: no IHDR chunk")
    if not ended:
        raise ImageError(f"{name}: no IEND chunk (truncated file)")
    width, height, depth, colour, compression, filtering, interlace = header
    _check_size(width, height, name)
    if depth != 8 or colour not in (2, 6) or compression != 0 or filtering != 0 or interlace != 0:
        raise ImageError(f"{name}: only 8-bit RGB or RGBA PNGs without interlacing are read "
                         f"(depth {depth}, colour type {colour}, interlace {interlace})")
    try:
        raw = zlib.decompress(bytes(compressed))
    except zlib.error as problem:
        raise ImageError(f"{name}: image data does not decompress: {problem}")
    channels = 3 if colour == 2 else 4
    pixels = _unfilter(raw, width, height, channels, name)
    if channels == 4:
        rgb = bytearray(width * height * 3)
        rgb[0::3], rgb[1::3], rgb[2::3] = pixels[0::4], pixels[1::4], pixels[2::4]
        pixels = rgb
    return Image(width, height, pixels)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def write_png(image: Image) -> bytes:
    stride = image.width * 3
    raw = b"".join(b"\x00" + bytes(image.rgb[row * stride:(row + 1) * stride]) for row in range(image.height))
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 2, 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 6)) + _chunk(b"IEND", b"")


# PPM (binary P6, maxval 255: what QEMU's screendump writes) ----------------------------------------

def read_ppm(data: bytes, name: str = "image") -> Image:
    fields, offset = [], 0
    while len(fields) < 4:
        while offset < len(data) and data[offset:offset + 1].isspace():
            offset += 1
        if offset < len(data) and data[offset:offset + 1] == b"#":
            while offset < len(data) and data[offset:offset + 1] != b"\n":
                offset += 1
            continue
        start = offset
        while offset < len(data) and not data[offset:offset + 1].isspace():
            offset += 1
        if start == offset:
            raise ImageError(f"{name}: truncated PPM header")
        fields.append(data[start:offset])
    if fields[0] != b"P6":
        raise ImageError(f"{name}: not a binary PPM (P6) file")
    try:
        width, height, maximum = (int(field) for field in fields[1:])
    except ValueError:
        raise ImageError(f"{name}: PPM header has a non-numeric field")
    _check_size(width, height, name)
    if maximum != 255:
        raise ImageError(f"{name}: only 8-bit PPM (maxval 255) is read, not maxval {maximum}")
    offset += 1  # the one whitespace byte after maxval
    body = data[offset:offset + width * height * 3]
    if len(body) != width * height * 3:
        raise ImageError(f"{name}: PPM pixel data holds {len(body)} bytes, expected {width * height * 3}")
    return Image(width, height, bytearray(body))


# XWD (X11 window dump, ZPixmap, 24/32 bits per pixel: `xwd -root`) ----------------------------------

def read_xwd(data: bytes, name: str = "image") -> Image:
    if len(data) < 100:
        raise ImageError(f"{name}: shorter than an XWD header")
    fields = struct.unpack(">25I", data[:100])
    header_size, version, pixmap_format, depth, width, height = fields[:6]
    byte_order, bits_per_pixel, bytes_per_line = fields[7], fields[11], fields[12]
    red_mask, green_mask, blue_mask = fields[14:17]
    colour_count = fields[19]
    if version != 7 or pixmap_format != 2:
        raise ImageError(f"{name}: not an XWD version 7 ZPixmap dump")
    _check_size(width, height, name)
    if bits_per_pixel != 32 or (red_mask, green_mask, blue_mask) != (0xFF0000, 0xFF00, 0xFF):
        raise ImageError(f"{name}: only 32-bit TrueColor XWD (masks ff0000/ff00/ff) is read")
    start = header_size + colour_count * 12
    if header_size < 100 or bytes_per_line < width * 4 or start + bytes_per_line * height > len(data):
        raise ImageError(f"{name}: XWD pixel data runs past the end of the file")
    rgb = bytearray(width * height * 3)
    for row in range(height):
        line = data[start + row * bytes_per_line:start + row * bytes_per_line + width * 4]
        # byte_order 0: LSBFirst, pixels are B, G, R, X in memory; 1: MSBFirst, X, R, G, B.
        red, green, blue = (line[2::4], line[1::4], line[0::4]) if byte_order == 0 else \
            (line[1::4], line[2::4], line[3::4])
        target = rgb[row * width * 3:(row + 1) * width * 3]
        target[0::3], target[1::3], target[2::3] = red, green, blue
        rgb[row * width * 3:(row + 1) * width * 3] = target
    return Image(width, height, rgb)


def read_any(data: bytes, name: str = "image") -> Image:
    """PNG, PPM or XWD, told apart by their first bytes."""
    if data.startswith(PNG_SIGNATURE):
        return read_png(data, name)
    if data.startswith(b"P6"):
        return read_ppm(data, name)
    return read_xwd(data, name)


# Comparison ----------------------------------------------------------------------------------------

@dataclass
class RegionResult:
    name: str
    differing: int
    worst: int  # the largest channel difference seen
    problem: str = ""  # the region does not fit an image


def compare_region(actual: Image, reference: Image, region, tolerance: int) -> RegionResult:
    """How many pixels of `region` differ by more than `tolerance` in any channel."""
    for label, image in (("screenshot", actual), ("reference", reference)):
        if region.x + region.width > image.width or region.y + region.height > image.height:
            return RegionResult(region.name, region.width * region.height, 255,
                                f"region reaches outside the {label} ({image.width}x{image.height})")
    differing, worst = 0, 0
    for row in range(region.y, region.y + region.height):
        a_start = (row * actual.width + region.x) * 3
        r_start = (row * reference.width + region.x) * 3
        a_line = actual.rgb[a_start:a_start + region.width * 3]
        r_line = reference.rgb[r_start:r_start + region.width * 3]
        if a_line == r_line:
            continue
        for column in range(region.width):
            offset = column * 3
            difference = max(abs(a_line[offset + channel] - r_line[offset + channel]) for channel in range(3))
            worst = max(worst, difference)
            if difference > tolerance:
                differing += 1
    return RegionResult(region.name, differing, worst)


def diff_image(actual: Image, reference: Image, tolerance: int) -> Image:
    """Pixels differing beyond `tolerance` in red, the rest of the screenshot dimmed to a quarter."""
    width, height = min(actual.width, reference.width), min(actual.height, reference.height)
    out = bytearray(width * height * 3)
    for row in range(height):
        for column in range(width):
            a = (row * actual.width + column) * 3
            r = (row * reference.width + column) * 3
            o = (row * width + column) * 3
            if max(abs(actual.rgb[a + channel] - reference.rgb[r + channel]) for channel in range(3)) > tolerance:
                out[o:o + 3] = b"\xff\x00\x00"
            else:
                out[o:o + 3] = bytes(value >> 2 for value in actual.rgb[a:a + 3])
    return Image(width, height, out)
