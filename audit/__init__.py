"""Security audit (安全审计): `audit.record(request, kind, **detail)` appends one record."""


def record(request, kind, *, user=None, username=None, **detail):
    from audit.services import record as _record

    return _record(request, kind, user=user, username=username, **detail)
