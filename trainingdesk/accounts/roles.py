"""Roles as Django groups, and what a coordinator may do in the back office."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from trainingdesk.accounts.models import Role, User

# The coordinator runs the back office: everything in these apps.
# ("axes": the sign-in lock-outs, so that the coordinator can lift one.)
COORDINATOR_APPS = ("catalogue", "accounts", "invoicing", "bookings", "attendance", "certificates",
                    "notifications", "axes", "admissions", "supervision", "coursework")
# ... and may read, never edit, the audit log.
COORDINATOR_READ_ONLY = (("audit", "view_auditentry"),)


def ensure_role_groups(**_: Any) -> None:
    """Create one group a role, and give the coordinator's its permissions. Idempotent."""
    for role in Role:
        if role == Role.PARTICIPANT:
            continue
        Group.objects.get_or_create(name=role.value)
    coordinator = Group.objects.get(name=Role.COORDINATOR.value)
    permissions = list(Permission.objects.filter(content_type__app_label__in=COORDINATOR_APPS))
    for app_label, codename in COORDINATOR_READ_ONLY:
        permissions.extend(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    coordinator.permissions.set(permissions)


@transaction.atomic
def grant_role(user: User, role: Role) -> None:
    """Give a person a role; coordinators also get into the back office."""
    if role == Role.PARTICIPANT:
        return
    group, _created = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    if role == Role.COORDINATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_names", None)
