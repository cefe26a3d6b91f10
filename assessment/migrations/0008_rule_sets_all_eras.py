"""Seed the rule sets of the earlier eras (DOMAIN.md section 2, R1) from fixtures/rule_sets/."""

from types import SimpleNamespace

from django.db import migrations

# 2017 has a file of its own: its members have a fifth level (HTNV_HAN_CHE).
FILES = (
    "hd20-2008.json",
    "hd07-2011.json",
    "hd27-2014.json",
    "hd27-2017.json",
    "qd132-2018.json",
    "qd124-2023.json",
)


def seed(apps, schema_editor):
    from assessment.rule_sets import load_rule_set, read_definition

    models = SimpleNamespace(
        **{
            name: apps.get_model("assessment", name)
            for name in ("RuleSet", "Level", "CriteriaGroup", "CriteriaItem", "DeadlineDefault")
        }
    )
    for name in FILES:
        load_rule_set(read_definition(name), models=models)


def unseed(apps, schema_editor):
    from assessment.rule_sets import read_definition

    codes = [read_definition(name)["code"] for name in FILES]
    apps.get_model("assessment", "RuleSet").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0007_unit_status")]
    operations = [migrations.RunPython(seed, unseed)]
