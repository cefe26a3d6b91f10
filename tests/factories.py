import datetime

import factory
from django.contrib.auth import get_user_model

from members.models import Gender, Member
from organizations.models import Assignment, Kind, Organization


class OrganizationFactory(factory.django.DjangoModelFactory):
    """Inserts through treebeard: pass `parent=` (None makes a root)."""

    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    kind = Kind.SUBORDINATE_CELL

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        unit = model_class(**kwargs)
        if parent is None:
            return Organization.objects.add_root(instance=unit)
        return Organization.objects.add_child(parent, instance=unit)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    card_number = factory.Sequence(lambda n: f"{8_000_000_000 + n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    gender = Gender.MALE
    birth_date = datetime.date(1980, 5, 17)
    admission_date = datetime.date(2010, 3, 26)
    full_membership_date = datetime.date(2011, 3, 26)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("matkhau-123")


def assign(user, role, organization) -> Assignment:
    return Assignment.objects.create(user=user, role=role, organization=organization)


def cell_documents_write(cell_year, by) -> None:
    """The documents a cell needs before it submits (issue 13 item 8): its report (form 01) and
    a self-review from every member it assesses."""
    from assessment import cell_year as work

    work.cell_report_save(
        cell_year=cell_year,
        data={"report_strengths": "Hoàn thành các chỉ tiêu của năm."},
        by=by,
        version=None,
    )
    for assessment in cell_year.assessments.to_assess():
        work.self_review_save(
            assessment=assessment,
            texts={"strengths": "Hoàn thành nhiệm vụ được giao."},
            scores={},
            conditions={},
            by=by,
            version=None,
        )


def scan_upload(name: str = "bien-ban-ky.pdf", kind: str = "pdf", size: int = 0):
    """An uploaded signed scan: a small real PDF or PNG (`kind`), padded to `size` bytes."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    if kind == "png":
        from PIL import Image

        out = io.BytesIO()
        Image.new("RGB", (40, 20), "white").save(out, format="PNG")
        content, content_type = out.getvalue(), "image/png"
    else:
        content = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n"
        content += b"%" + b"0" * max(0, size - len(content) - 8) + b"\n%%EOF\n"
        content_type = "application/pdf"
    return SimpleUploadedFile(name, content, content_type=content_type)


def dossier_scans_file(unit, period, by=None) -> None:
    """File a signed scan for every document the year's rule set requires (R26), so a unit's
    dossier is complete before it reports upward."""
    from assessment.dossier import dossier_scan_add, required_scans

    for kind in required_scans(period):
        dossier_scan_add(unit=unit, period=period, kind=kind, upload=scan_upload(), by=by)
