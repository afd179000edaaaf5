"""Demo API clients with fixed keys, printed by `load_demo` (which refuses to run outside DEBUG): the README's
example runs against `make run` as written. Real keys are random and shown once (`create_api_client`)."""

from django.db import transaction
from rest_framework_api_key.crypto import concatenate

from assessment.models import District, ResponsibleUnit, Town, User
from assessment.standard import DEFAULT_DISTRICT
from integrations.clients import _service_user
from integrations.models import ApiClient

# name, role, town, unit, key ("<8-character prefix>.<secret>")
DEMO_CLIENTS = [
    ("演示：区综治中心", User.Role.REVIEWER, None, None, "demozzzx.liuhe-demo-reviewer-key"),
    ("演示：公安视频平台", User.Role.DEPARTMENT, None, "区公安分局", "demogafj.liuhe-demo-police-key"),
    ("演示：雄州街道系统", User.Role.TOWN, "雄州街道", None, "demoxzjd.liuhe-demo-town-key"),
]


@transaction.atomic
def create_demo_clients():
    """Create the demo clients that are missing; return [(name, key)] of all of them."""
    district = District.objects.get(name=DEFAULT_DISTRICT)
    for name, role, town, unit, key in DEMO_CLIENTS:
        prefix = key.partition(".")[0]
        if ApiClient.objects.filter(prefix=prefix).exists():
            continue
        client = ApiClient(name=name, prefix=prefix, hashed_key=ApiClient.objects.key_generator.hash(key))
        client.id = concatenate(prefix, client.hashed_key)
        client.user = _service_user(
            f"api-{prefix}", name, role, district=None if town else district,
            town=Town.objects.get(name=town) if town else None,
            unit=ResponsibleUnit.objects.get(name=unit) if unit else None,
        )
        client.save()
    return [(name, key) for name, _role, _town, _unit, key in DEMO_CLIENTS]
