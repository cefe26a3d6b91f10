"""Apply the corrected rule sets of issue 13 (R4, R6, R11, R13, R18, R19) from fixtures/rule_sets/:
2018 (Hướng dẫn 16) apart from 2019–2022 (Hướng dẫn 21), the 2025 quota base and deadline, the
2011 two-thirds threshold reached, organizations without a quota before 2018.

Years already opened keep the rule set they were opened with: their results point at its level
rows, and a past year's rules are changed by a province only through its own clone.
"""

from types import SimpleNamespace

from django.db import migrations

FILES = (
    "hd20-2008.json",
    "hd07-2011.json",
    "hd27-2014.json",
    "hd27-2017.json",
    "qd132-2018.json",
    "qd132-2019.json",
    "qd124-2023.json",
    "qd366-2025.json",
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


class Migration(migrations.Migration):
    dependencies = [("assessment", "0009_rules_quota_units_vote_at_least")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
