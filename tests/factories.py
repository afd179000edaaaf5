import factory

from assessment.models import District, Town, User


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = "六合区"


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"测试街道{n}")
    kind = Town.Kind.STREET


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.VIEWER
    password = factory.django.Password("secret-pass-123")


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100


def upload(name="证明.pdf", content=PDF_BYTES, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def score_item(item, official, reviewer, points, completed_on=None):
    """Take an item through the real workflow to 已评分: fill, attach evidence, answer 是 to every yes/no
    condition, submit, score."""
    import datetime
    from decimal import Decimal

    from assessment import services
    from assessment.forms import rule_questions

    saved = services.save_draft(
        item, user=official, narrative="x", completed_on=completed_on or datetime.date(2026, 10, 1),
        figures={m: Decimal("10") for m in item.criterion.metrics.all()}, version=item.version,
        answers=dict.fromkeys(rule_questions(item.criterion), True),
    )
    services.add_evidence(saved, user=official, upload=upload(), description="d")
    saved = services.submit(saved, user=official, missing_note="其他单位的部分另行提交")
    return services.score(saved, user=reviewer, points=Decimal(points), comment="", override_reason="按材料评定",
                          version=saved.version)


def add_towns(round_, count, prefix="新街道"):
    """More towns in the round's district, each with its checklist: for query-count guards at two sizes."""
    from assessment import services
    from assessment.models import Town

    for n in range(count):
        Town.objects.create(district=round_.district, name=f"{prefix}{n}", kind="街道", order=100 + n)
    services.ensure_checklist(round_)


def publish(round_):
    """Put a round straight into 已公布 (the state service is tested on its own)."""
    from assessment.models import Round

    Round.objects.filter(pk=round_.pk).update(state=Round.State.PUBLISHED)
    round_.state = Round.State.PUBLISHED
    return round_
