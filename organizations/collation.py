"""Vietnamese order for lists of names (issue 13 item 16).

Vietnamese lists sort by the given name (the last word), then by the whole name, in the
Vietnamese alphabet: a ă â b c d đ e ê … o ô ơ … u ư …, the tones after the base letter
(unmarked, grave, hook, tilde, acute, dot below: the ICU "vi" tailoring). Code-point order
puts "Đặng" after "Vũ" and "Huy" before "Hải"; this module puts them where a reader expects.

PostgreSQL sorts with the ICU collation `vi-x-icu` (in pg_collation wherever PostgreSQL is
built with ICU, as Debian's is). SQLite (the demo) gets a collation of the same name and a
`vi_given_name` function registered on each connection (`register_sqlite`), computed from
`vietnamese_key`, which also sorts lists already in memory. A test holds the two to one order.
"""

from __future__ import annotations

import unicodedata

from django.db.models import F, Func, TextField
from django.db.models.expressions import Expression
from django.db.models.functions import Collate

VI_COLLATION = "vi-x-icu"
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
LETTER_WEIGHT = {letter: 40 + i for i, letter in enumerate(ALPHABET)}
# Marks that make a letter of the alphabet (ă â ê ô ơ ư), and the five tones in ICU's order.
LETTER_MARKS = frozenset({"\u0306", "\u0302", "\u031b"})
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letters(text: str):
    """(letter, tone, upper) for each letter or sign of `text`, tones split off."""
    out: list[list] = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if not out:
                continue
            if char in LETTER_MARKS:
                out[-1][0] = unicodedata.normalize("NFC", out[-1][0] + char)
            elif char in TONES:
                out[-1][1] = TONES[char]
            continue
        out.append([char, 0, char != char.lower()])
    return out


def _weight(char: str) -> int:
    lower = char.lower()
    if lower in LETTER_WEIGHT:
        return LETTER_WEIGHT[lower]
    if char.isspace():
        return 1
    if char.isdigit():
        return 10 + (int(char) if char.isascii() else 9)
    return 200 + ord(lower)  # other signs and scripts after the alphabet, by code point


def vietnamese_key(text: str) -> tuple:
    """A sort key for `text` in Vietnamese order: letters first (the alphabet), then tones, then
    case (lower first), each compared over the whole text as ICU does. Takes str, returns a
    tuple of tuples of ints."""
    letters = _letters(text or "")
    return (
        tuple(_weight(c) for c, _tone, _upper in letters),
        tuple(tone for _c, tone, _upper in letters),
        tuple(int(upper) for _c, _tone, upper in letters),
    )


def given_name(full_name: str) -> str:
    """The given name: the last word of a Vietnamese full name ("Nguyễn Quang Hải" → "Hải")."""
    words = (full_name or "").split()
    return words[-1] if words else ""


def name_sort_key(full_name: str) -> tuple:
    """Vietnamese list order in Python: by given name, then by the whole name."""
    return (vietnamese_key(given_name(full_name)), vietnamese_key(full_name or ""))


def _compare(a: str, b: str) -> int:
    ka, kb = vietnamese_key(a), vietnamese_key(b)
    return (ka > kb) - (ka < kb)


class GivenName(Func):
    """The last word of a name column, in SQL (PostgreSQL: a regular expression; SQLite: the
    registered `vi_given_name`)."""

    output_field = TextField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):  # SQLite and others
        return super().as_sql(compiler, connection, function="vi_given_name", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            function="regexp_replace",
            template="%(function)s(%(expressions)s, '^.*[[:space:]]', '')",
            **extra,
        )


def name_order(field: str = "full_name") -> list[Expression]:
    """order_by() arguments that sort rows by the name in `field` as Vietnamese lists do:
    `Member.objects.order_by(*name_order(), "pk")`, or `name_order("member__full_name")`."""
    return [
        Collate(GivenName(F(field)), VI_COLLATION).asc(),
        Collate(F(field), VI_COLLATION).asc(),
    ]


def register_sqlite(raw_connection) -> None:
    """Give an SQLite connection the `vi-x-icu` collation and the `vi_given_name` function."""
    raw_connection.create_collation(VI_COLLATION, _compare)
    raw_connection.create_function("vi_given_name", 1, given_name, deterministic=True)


def on_connection_created(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        register_sqlite(connection.connection)
