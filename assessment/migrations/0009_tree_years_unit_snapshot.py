import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """UnitSnapshot, the frozen tree of a closed year, taken over from the organizations app with
    its table (organizations_unitsnapshot), constraints and index unchanged: state only."""

    dependencies = [
        ("assessment", "0008_rule_sets_all_eras"),
        ("organizations", "0005_tree_years_snapshot_to_assessment"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="UnitSnapshot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("path", models.CharField(max_length=255, verbose_name="path that year")),
                        ("depth", models.PositiveSmallIntegerField(verbose_name="depth that year")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("tinh_uy", "Province committee"),
                                    ("cap_tren_co_so", "Superior committee"),
                                    ("dang_bo_co_so", "Grassroots committee"),
                                    ("chi_bo_co_so", "Grassroots cell"),
                                    ("dang_bo_bo_phan", "Partial committee"),
                                    ("chi_bo_truc_thuoc", "Subordinate cell"),
                                ],
                                max_length=20,
                                verbose_name="kind",
                            ),
                        ),
                        ("code", models.CharField(max_length=40, verbose_name="code")),
                        ("name", models.CharField(max_length=255, verbose_name="name")),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="snapshots",
                                to="organizations.organization",
                                verbose_name="party organization",
                            ),
                        ),
                        (
                            "period",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="unit_snapshots",
                                to="assessment.period",
                                verbose_name="year",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "unit in a year's tree",
                        "verbose_name_plural": "units in a year's tree",
                        "db_table": "organizations_unitsnapshot",
                        "ordering": ["period", "path"],
                        "indexes": [
                            models.Index(
                                fields=["period", "path"],
                                name="snapshot_path_prefix",
                                opclasses=["", "varchar_pattern_ops"],
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("period", "organization"), name="unique_unit_snapshot"
                            ),
                            models.UniqueConstraint(
                                fields=("period", "path"), name="unique_snapshot_path"
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
