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
