"""What the read-only API (reports/api.py) returns for each object kind: plain fields and codes,
never the interface's translated labels, so that other systems can rely on them."""

from __future__ import annotations

from rest_framework import serializers

from assessment.models import MemberAssessment
from members.models import Member
from organizations.models import Organization


class UnitSerializer(serializers.ModelSerializer):
    """A unit of the party tree; `path` is its materialized path (a unit's subtree is every unit
    whose path starts with it) and `depth` 1 for a province."""

    class Meta:
        model = Organization
        fields = ["id", "code", "name", "kind", "path", "depth", "active_from", "active_to"]


class MemberSerializer(serializers.ModelSerializer):
    cell_code = serializers.CharField(source="cell.code", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "card_number",
            "full_name",
            "birth_date",
            "gender",
            "cell",
            "cell_code",
            "admission_date",
            "full_membership_date",
            "holds_leadership_post",
            "is_state_employee",
            "outside_political_system",
            "left_on",
        ]


class ResultSerializer(serializers.ModelSerializer):
    """One member's result in a year: status (R13–R14), the levels by rule-set code (R1), and the
    decision that fixed the level, if any."""

    year = serializers.IntegerField(source="cell_year.period.year", read_only=True)
    cell = serializers.IntegerField(source="cell_year.cell_id", read_only=True)
    cell_code = serializers.CharField(source="cell_year.cell.code", read_only=True)
    card_number = serializers.CharField(source="member.card_number", read_only=True)
    full_name = serializers.CharField(source="member.full_name", read_only=True)
    # Issue 15: a commendation proposed or given, from the commendations' workflow.
    commendation_proposed = serializers.BooleanField(read_only=True)
    self_level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    proposed_level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    decided_level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    decision_number = serializers.IntegerField(
        source="decision.number", read_only=True, allow_null=True
    )

    class Meta:
        model = MemberAssessment
        fields = [
            "id",
            "year",
            "member",
            "card_number",
            "full_name",
            "cell",
            "cell_code",
            "status",
            "reason_code",
            "self_score",
            "self_level",
            "proposed_level",
            "decided_level",
            "commendation_proposed",
            "decision_number",
        ]


class UnitResultSerializer(serializers.Serializer):
    """One unit's result in a year: a cell's (form 01, the cell's vote) or a grassroots
    organization's; levels by rule-set code, the decision that fixed the level, if any."""

    unit = serializers.IntegerField()
    unit_code = serializers.CharField()
    unit_name = serializers.CharField()
    kind = serializers.CharField()
    year = serializers.IntegerField()
    state = serializers.CharField()
    status = serializers.CharField()
    reason_code = serializers.CharField(allow_blank=True)
    proposed_level = serializers.CharField(allow_null=True)
    decided_level = serializers.CharField(allow_null=True)
    decision_number = serializers.IntegerField(allow_null=True)


# --- The summary (reports/api.py SummaryView): its shape for the schema ---------------------------


class LevelCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField(help_text="Of the assessed (R24); 0.0 when none is assessed.")


class ByReasonSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_reason = serializers.DictField(child=serializers.IntegerField(), help_text="reason code → n")


class QuotaSerializer(serializers.Serializer):
    excellent = serializers.IntegerField()
    base = serializers.IntegerField()
    ratio = serializers.FloatField()


class PromptedSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_level = serializers.DictField(
        child=serializers.IntegerField(), help_text="managing level that gave the prompts → n"
    )


class SectionSerializer(serializers.Serializer):
    """One section of the summary table (R23–R24): total = assessed + not classified + not yet
    classified."""

    total = serializers.IntegerField()
    assessed = serializers.IntegerField()
    not_classified = ByReasonSerializer()
    pending = ByReasonSerializer()
    levels = LevelCountSerializer(many=True)
    quota = QuotaSerializer()
    prompted = PromptedSerializer(help_text="Given review prompts (R28).")


class CollectivesSectionSerializer(SectionSerializer):
    """The leadership collectives of the unit's subtree (R23, R28; issue 14): a section with
    the collectives given review prompts by managing level, and the undecided whose review is
    held (counted reviewed by Biểu 6F)."""

    reviewed_undecided = serializers.IntegerField()


class SummarySectionsSerializer(serializers.Serializer):
    grassroots = SectionSerializer()
    cells = SectionSerializer()
    members = SectionSerializer()
    leaders = SectionSerializer(
        required=False,
        help_text="Members reviewed on the leaders' form (R23 'optionally leaders'); present "
        "when the year's rule set names a leaders' form (2A), with zeros when it has none.",
    )
    collectives = CollectivesSectionSerializer()


class SummaryUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SummarySerializer(serializers.Serializer):
    """A unit's summary for a year (reports/summary_collectives.summary_as_json)."""

    year = serializers.IntegerField()
    unit = SummaryUnitSerializer()
    rule_set = serializers.CharField()
    sections = SummarySectionsSerializer()
