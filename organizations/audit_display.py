"""The audit page's "before and after" column in words a reader knows: each field by its
translated name, a foreign key by the object's name, numbers and dates as Vietnamese write them
(91,5; 30/11/2026), yes/no as Có/Không, a JSON value (conditions met, self-scores) as a list of
labelled values. Display only: the stored events keep their raw values.

An event stores its object's kind as the model's verbose name (in the language active when it
was written), its changes as field names and raw values (audit._plain: a date or a number as a
string, a JSON value as its repr). The names of related objects are read in one query per kind
of object shown, whatever the number of rows."""

from __future__ import annotations

import ast
import datetime
import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

EMPTY = "—"
DECIMAL = re.compile(r"-?\d+\.\d+")

# Higher apps name the codes their JSON values keep (a rule set's conditions, its criteria):
# the tree's app knows no rule sets (STYLE.md rule 9), so they register a provider in ready().
KeyLabels = Callable[[], Mapping[str, str]]
_key_label_providers: list[KeyLabels] = []


def key_labels_register(provider: KeyLabels) -> None:
    if provider not in _key_label_providers:
        _key_label_providers.append(provider)


@dataclass(frozen=True)
class ShownChange:
    label: str
    old: str
    new: str


def changes_show(events: Iterable) -> None:
    """Set `shown_changes` (a list of ShownChange) on each audit event of a page."""
    events = list(events)
    fields = {event.pk: _fields_of(event) for event in events}
    names = _related_names(
        (field, change)
        for event in events
        for change, field in zip(event.changes, fields[event.pk], strict=True)
    )
    labels = _KeyLabels()
    for event in events:
        event.shown_changes = [
            ShownChange(
                label=capfirst(field.verbose_name) if field else change.get("field", ""),
                old=_shown(field, change.get("old"), names, labels),
                new=_shown(field, change.get("new"), names, labels),
            )
            for change, field in zip(event.changes, fields[event.pk], strict=True)
        ]


@functools.cache
def _models_by_name() -> dict[str, list[type[models.Model]]]:
    """Every model by its verbose name in each of the interface's languages."""
    found = defaultdict(list)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for model in apps.get_models():
                name = str(model._meta.verbose_name)
                if model not in found[name]:
                    found[name].append(model)
    return dict(found)


def _fields_of(event) -> list[models.Field | None]:
    """The model field of each change of `event` (None when it cannot be told)."""
    named = [change.get("field", "") for change in event.changes]
    candidates = _models_by_name().get(event.object_type, [])
    for model in candidates:
        fields = [_field(model, name) for name in named]
        if all(fields) or model is candidates[-1]:
            return fields
    return [None] * len(named)


def _field(model, name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return next((f for f in model._meta.concrete_fields if f.attname == name), None)


def _is_key(field) -> bool:
    return field is not None and (field.many_to_one or field.one_to_one) and field.concrete


def _related_names(pairs: Iterable[tuple]) -> dict[tuple, str]:
    """{(model, str(pk)): name} of the objects the foreign keys of `pairs` point to: one query
    per related model."""
    wanted = defaultdict(set)
    for field, change in pairs:
        if not _is_key(field):
            continue
        for value in (change.get("old"), change.get("new")):
            try:
                pk = field.target_field.to_python(value)
            except ValidationError:
                continue
            if pk not in (None, ""):
                wanted[field.related_model].add(pk)
    names = {}
    for model, pks in wanted.items():
        for pk, obj in model._base_manager.select_related().in_bulk(pks).items():
            names[(model, str(pk))] = _object_name(obj)
    return names


def _object_name(obj) -> str:
    if hasattr(obj, "get_full_name"):  # a user: their full name, else the user name
        return obj.get_full_name() or obj.get_username()
    return str(obj)


class _KeyLabels:
    """The registered providers' labels, read once per page and only when a JSON value with
    keys is shown."""

    @functools.cached_property
    def labels(self) -> dict[str, str]:
        found = {}
        for provider in _key_label_providers:
            for code, label in provider().items():
                found.setdefault(code, label)
        return found

    def get(self, key: str) -> str:
        return self.labels.get(key, key)


def _shown(field, value, names: dict, labels: _KeyLabels) -> str:
    if value is None or value == "":
        return EMPTY
    if _is_key(field):
        return names.get((field.related_model, str(value)), f"#{value}")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    try:
        if isinstance(field, models.JSONField):
            return _plain_shown(_json(value), labels)
        if isinstance(field, models.DateTimeField):
            moment = datetime.datetime.fromisoformat(str(value))
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        if isinstance(field, models.DateField):
            day = datetime.date.fromisoformat(str(value)[:10])
            return formats.date_format(day, "SHORT_DATE_FORMAT")
        if isinstance(field, models.DecimalField | models.FloatField):
            return _number(Decimal(str(value)))
    except (ValueError, InvalidOperation):
        pass
    return _plain_shown(value, labels)


def _json(value):
    """A JSON field's stored value: a dict or list, or its repr (audit._plain) to read back."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        pass
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return value


def _plain_shown(value, labels: _KeyLabels) -> str:
    if value is None or value == "" or value == {} or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float | Decimal):
        return _number(Decimal(str(value)))
    if isinstance(value, dict):
        return "; ".join(
            f"{labels.get(str(key))}: {_plain_shown(item, labels)}" for key, item in value.items()
        )
    if isinstance(value, list | tuple):
        return "; ".join(_plain_shown(item, labels) for item in value)
    if isinstance(value, str) and DECIMAL.fullmatch(value):
        return _number(Decimal(value))
    return str(value)


def _number(value: Decimal) -> str:
    """91,5 rather than 91.50; 95 rather than 95.00."""
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return formats.number_format(value, use_l10n=True)
