"""Text as people type it, made comparable (issue 13 item 14): one clean function used by every
entry point, the web (NormalizeTextMiddleware, so every form, search box and htmx save) and the
workbook import (reports.imports).

- Unicode NFC: "Nguyễn" typed with combining marks (macOS, some Vietnamese keyboards) is
  stored and searched as the precomposed "Nguyễn";
- invisible and bidirectional control characters are removed (zero-width spaces and joiners,
  soft hyphens, the byte-order mark, LRE/RLO/LRI…): two names that look alike are alike;
- unusual spaces (no-break, thin, ideographic) become a plain space; line breaks and tabs stay.

Identifiers have their own rule: a party card number is ASCII digits only (members.models).
"""

from __future__ import annotations

import re
import unicodedata

# Format characters (Unicode category Cf) that people never mean to type, and the bidi marks.
INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def clean_text(value: str) -> str:
    """`value` in NFC, without invisible or bidi control characters, odd spaces made plain.
    Takes and returns str; nothing is trimmed (forms and the import trim)."""
    if value.isascii():  # every character the patterns change is outside ASCII (issue 18)
        return value
    value = INVISIBLE.sub("", value)
    value = ODD_SPACES.sub(" ", value)
    return unicodedata.normalize("NFC", value)


def clean_line(value: str) -> str:
    """A one-line value (a name, a code): clean_text, trimmed, inner runs of space collapsed."""
    return " ".join(clean_text(value).split())
