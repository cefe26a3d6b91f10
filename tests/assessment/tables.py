"""Posting a decision table as the browser does: every row with its version and the values
it was loaded with (Django's hidden initial values), some rows changed."""

from __future__ import annotations


def table_post(response, changes: dict | None = None) -> dict[str, str]:
    """The POST data of the decision table a GET `response` rendered, with `changes`
    ({row id: {"level": pk, "note": "…"}}) applied to the rows they name."""
    table = response.context["table"]
    data = {
        f"{table.prefix}-TOTAL_FORMS": str(len(table.forms)),
        f"{table.prefix}-INITIAL_FORMS": str(len(table.forms)),
    }
    for form in table.forms:
        row = form.initial["id"]
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = form.initial.get(name)
            value = "" if value is None else str(value)
            data[form.add_prefix(name)] = value
            if field.show_hidden_initial:
                data[form.add_initial_prefix(name)] = value
        for name, value in (changes or {}).get(row, {}).items():
            data[form.add_prefix(name)] = "" if value is None else str(value)
    return data
