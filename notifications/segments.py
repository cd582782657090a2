"""How many SMS parts a text costs, counted the way the network counts them (3GPP TS 23.038 / 23.040).

A text made only of the GSM 7-bit default alphabet goes as GSM-7: 160 septets in one part, 153 per
part once it is split (the rest of each part carries the concatenation header). The extension table
(^ { } \\ [ ~ ] | € and form feed) takes an escape septet plus its own, so 2, and an escaped pair is
never cut between two parts. One character outside both tables sends the whole text as UCS-2:
70 UTF-16 units in one part, 67 per part; a character outside the Basic Multilingual Plane (an
emoji) is a surrogate pair, 2 units, and is not cut either.

Our own ~80 lines rather than a library: the PyPI ones either only encode (gsm0338, pygsm7), are
unmaintained since 2020 (smsutil), or count without keeping an escape or a surrogate pair whole
(sms-counter); the tables are fixed by the standard and short.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

GSM7 = "GSM-7"
UCS2 = "UCS-2"

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

# One part, and each part of a split message, in the encoding's units (septets / UTF-16 units).
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}

# Characters that turn a text into UCS-2 but have a GSM-7 spelling a reader takes for the same:
# what word processors and phone keyboards put in (curly quotes, dashes, the ellipsis, odd spaces).
GSM7_SPELLING = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "-", "\u00b7": ".",
    "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ",
    "\t": " ", "\u200b": "", "\ufeff": "",
    "\u00e1": "a", "\u00e2": "a", "\u00e7": "Ç", "\u00ea": "e", "\u00ed": "i", "\u00f3": "o", "\u00fa": "u",
}


@dataclasses.dataclass(frozen=True)
class SegmentCount:
    encoding: str  # GSM7 or UCS2
    characters: int  # what a person counts: one per character, an emoji too
    units: int  # what the network counts: septets (GSM-7) or UTF-16 units (UCS-2)
    parts: int
    ucs2_characters: tuple[str, ...]  # the characters that forced UCS-2, each once, in order met

    def cost(self, price_per_part: Decimal) -> Decimal:
        return price_per_part * self.parts


def _is_gsm7(char: str) -> bool:
    return char in GSM7_BASIC or char in GSM7_EXTENSION


def _units(char: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def sms_segments(text: str) -> SegmentCount:
    """Encoding, characters, units and parts of `text` as it would be sent (an empty text: 0 parts)."""
    forcing = tuple(dict.fromkeys(char for char in text if not _is_gsm7(char)))
    encoding = UCS2 if forcing else GSM7
    single, per_part = LIMITS[encoding]
    sizes = [_units(char, encoding) for char in text]
    units = sum(sizes)
    if units <= single:
        parts = 1 if text else 0
    else:
        # Fill part by part; a 2-unit character that does not fit whole starts the next part.
        parts, used = 1, 0
        for size in sizes:
            if used + size > per_part:
                parts, used = parts + 1, 0
            used += size
    return SegmentCount(encoding, len(text), units, parts, forcing)


def gsm7_spelling(text: str) -> str:
    """`text` with every character that has a GSM-7 spelling replaced by it (others left as they are)."""
    return "".join(GSM7_SPELLING.get(char, char) for char in text)
