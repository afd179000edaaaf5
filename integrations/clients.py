"""Creating and revoking API clients. A client and its service account are made together, in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment.models import User
from integrations.models import ApiClient


def _service_user(username, name, role, *, district=None, town=None, unit=None):
    """The scoping identity of a client: a `User` that has the client's role and scope but no usable password,
    so it can never log in to pages; `clean()` checks the role has the binding it needs."""
    user = User(username=username, last_name=name[:150], role=role, district=district, town=town, unit=unit)
    user.set_unusable_password()
    user.clean()
    user.save()
    return user


@transaction.atomic
def create_client(name, *, role, district=None, town=None, unit=None, rate=None, expiry_date=None, note=""):
    """Create a client for a system; return (client, key). The key is shown once: only its hash is stored."""
    if role not in ApiClient.ROLES:
        raise ValidationError(_("对接系统的角色只能是评审员、领导、街镇或部门。"))
    if role == User.Role.DEPARTMENT and district is None and unit is not None:
        raise ValidationError(_("部门对接系统须指定所属区。"))
    client = ApiClient(name=name[:50], expiry_date=expiry_date, note=note)
    if rate:
        client.rate = rate
    client.full_clean(exclude=["id", "prefix", "hashed_key", "user"])
    key = ApiClient.objects.assign_key(client)
    # The key's random prefix is unique, so the account's name is too.
    client.user = _service_user(f"api-{client.prefix}", name, role, district=district, town=town, unit=unit)
    client.save()
    return client, key


@transaction.atomic
def revoke(client):
    """Revoke a key for good (the library refuses to un-revoke it)."""
    client.revoked = True
    client.save(update_fields=["revoked"])
    return client


def is_system_account(user):
    """Whether this account belongs to an API client (and so must not log in to pages)."""
    return ApiClient.objects.filter(user_id=user.pk).exists()
