# Issue 14 item 8: the leaders' kept counts (R23 "optionally leaders") carry their commendations
# and review prompts by managing level (R28) like the members' rows, so that the summary's JSON
# and API give them. Recomputed in raw SQL as assessment.counts.counts_tally does (so that later
# changes to the models cannot break this migration), portable to the demo's SQLite.
# `manage.py counts_check` verifies the result.

from django.db import migrations

DELETE = "DELETE FROM assessment_unityearcount WHERE subject = 'leaders' AND period_id = %s"
LEADERS = """
INSERT INTO assessment_unityearcount
  (period_id, unit_id, subject, status, reason_code, level_id, n, commended, prompted,
   prompted_central, prompted_province, prompted_superior)
SELECT y.period_id, y.cell_id, 'leaders', a.status, coalesce(a.reason_code, ''),
       a.decided_level_id, count(DISTINCT a.id),
       count(DISTINCT CASE WHEN c.state IN ('proposed', 'commended') THEN a.id END),
       count(DISTINCT CASE WHEN i.kind = 'prompt' THEN a.id END),
       count(DISTINCT CASE WHEN i.kind = 'prompt' AND i.issuing_level = 'central' THEN a.id END),
       count(DISTINCT CASE WHEN i.kind = 'prompt' AND i.issuing_level = 'province' THEN a.id END),
       count(DISTINCT CASE WHEN i.kind = 'prompt' AND i.issuing_level = 'superior' THEN a.id END)
  FROM assessment_memberassessment a
  JOIN assessment_cellyear y ON y.id = a.cell_year_id
  LEFT JOIN assessment_commendation c ON c.assessment_id = a.id
  LEFT JOIN assessment_reviewinput i ON i.assessment_id = a.id
 WHERE y.period_id = %s AND a.form_code = %s
 GROUP BY 1, 2, 3, 4, 5, 6"""


def fill(apps, schema_editor):
    Period = apps.get_model("assessment", "Period")
    with schema_editor.connection.cursor() as cursor:
        for period, forms in Period.objects.values_list("pk", "rule_set__forms"):
            leader = (forms or {}).get("leader", "")
            if leader:
                cursor.execute(DELETE, [period])
                cursor.execute(LEADERS, [period, leader])


class Migration(migrations.Migration):
    dependencies = [("assessment", "0026_counts_leaders_and_prompt_levels")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
