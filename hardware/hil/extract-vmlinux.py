#!/usr/bin/env python3
"""Writes the uncompressed ELF kernel held in a bzImage (Debian's is xz-compressed)."""
import lzma
import sys
import zlib

source, target = sys.argv[1], sys.argv[2]
data = open(source, "rb").read()
for magic, unpack in ((b"\xfd7zXZ\x00", lambda blob: lzma.LZMADecompressor().decompress(blob)),
                      (b"\x1f\x8b\x08", lambda blob: zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(blob))):
    start = data.find(magic)
    while start >= 0:
        try:
            kernel = unpack(data[start:])
        except (lzma.LZMAError, zlib.error):
            kernel = b""
        if kernel.startswith(b"\x7fELF"):
            open(target, "wb").write(kernel)
            sys.exit(0)
        start = data.find(magic, start + 1)
sys.exit(f"{source}: no compressed ELF kernel found inside")
