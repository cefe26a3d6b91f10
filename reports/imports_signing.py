"""Optional columns of the workbook's ToChuc sheet (issue 17, item 1): how a unit signs its
documents. A workbook without them imports as before; an empty cell leaves the field as it is."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from organizations.models import Organization

COL_OFFICIAL_NAME, COL_SYMBOL, COL_PLACE, COL_SUPERIOR_LINE = (
    "Tên chính thức",
    "Ký hiệu văn bản",
    "Địa danh",
    "Dòng cấp trên",
)
SIGNING_COLUMNS = {
    COL_OFFICIAL_NAME: "official_name",
    COL_SYMBOL: "document_symbol",
    COL_PLACE: "place_name",
    COL_SUPERIOR_LINE: "heading_superior",
}


def read_signing(values: Mapping[str, Any], too_long: Callable[..., None]) -> dict[str, str]:
    """The signing fields a row fills: {field: text}; `too_long(column, max=n)` reports a value
    longer than its field (the row's error names the column)."""
    found = {}
    for column, name in SIGNING_COLUMNS.items():
        text = " ".join(str(values.get(column) or "").split())
        if not text:
            continue
        limit = Organization._meta.get_field(name).max_length
        if len(text) > limit:
            too_long(column, max=limit)
            continue
        found[name] = text
    return found


def apply_signing(unit: Organization, signing: Mapping[str, str]) -> list[str]:
    """Set the fields on `unit`; the names of those that changed."""
    changed = [name for name, text in signing.items() if getattr(unit, name) != text]
    for name in changed:
        setattr(unit, name, signing[name])
    return changed
