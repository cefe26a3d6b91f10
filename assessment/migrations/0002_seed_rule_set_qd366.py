"""Seed the current rule set (Quy định 366-QĐ/TW, from 2025) from fixtures/rule_sets/."""

from types import SimpleNamespace

from django.db import migrations


def seed(apps, schema_editor):
    from assessment.rule_sets import load_rule_set, read_definition

    models = SimpleNamespace(
        **{name: apps.get_model("assessment", name) for name in
           ("RuleSet", "Level", "CriteriaGroup", "CriteriaItem", "DeadlineDefault")}
    )
    load_rule_set(read_definition("qd366-2025.json"), models=models)


def unseed(apps, schema_editor):
    apps.get_model("assessment", "RuleSet").objects.filter(code="QD366-2025").delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
