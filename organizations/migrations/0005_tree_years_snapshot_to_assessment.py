from django.db import migrations


class Migration(migrations.Migration):
    """The frozen tree of a year moves to the assessment app (it belongs with the year). Only the
    migration state changes: the table keeps its name (assessment 0009 takes the model over)."""

    dependencies = [
        ("organizations", "0004_tree_by_year"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="UnitSnapshot")],
            database_operations=[],
        ),
    ]
