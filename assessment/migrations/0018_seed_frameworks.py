"""Seed the frameworks per form (issue 14 item 2) of every rule set whose definition has them
(2023–2024, 2025–), clones included: a clone takes its original's frameworks, as opening a year
would have copied them (R1)."""

from types import SimpleNamespace

from django.db import migrations


def seed(apps, schema_editor):
    from assessment.rule_sets import RULE_SET_DIR, frameworks_load, read_definition

    RuleSet = apps.get_model("assessment", "RuleSet")
    models = SimpleNamespace(Framework=apps.get_model("assessment", "Framework"))
    definitions = {}
    for path in sorted(RULE_SET_DIR.glob("*.json")):
        data = read_definition(path.name)
        definitions[data["code"]] = data
    for rule_set in RuleSet.objects.all():
        root = rule_set
        while root.cloned_from_id is not None:
            root = RuleSet.objects.get(pk=root.cloned_from_id)
        data = definitions.get(root.code)
        if data is not None:
            frameworks_load(data, rule_set, models=models)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0017_frameworks_ground_flags")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
