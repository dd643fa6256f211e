"""The certificates app's answer to `lib.verification`'s question, "which document has this code?",
for the Advanced Certificate: what the public verification page may show, and the way to revoke.
Registered in `CertificatesConfig.ready`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from trainingdesk.accounts.models import User
from trainingdesk.certificates.models import Certificate
from trainingdesk.certificates.services import revoke_certificate
from trainingdesk.lib.access import require_coordinator
from trainingdesk.lib.verification import Fact, VerifiedDocument
from trainingdesk.lib.zones import format_day

KIND = "certificate"


def _level_line(level: dict[str, str]) -> str:
    accreditation = f" ({level['accreditation']})" if level.get("accreditation") else ""
    values = {"level": level["name"], "accreditation": accreditation,
              "date": format_day(dt.date.fromisoformat(level["completed_on"])),
              "provider": level.get("provider", "")}
    if values["provider"]:
        return _("%(level)s Level%(accreditation)s, completed with %(provider)s on %(date)s, "
                 "accepted as equivalent") % values
    return _("%(level)s Level%(accreditation)s, completed %(date)s") % values


def as_verified(certificate: Certificate) -> VerifiedDocument:
    """What anyone may know of a certificate: nothing of its holder but their name. Reads
    `replaced_by`: select it (`Certificate.objects.for_display()`)."""
    data = certificate.as_data()
    facts = [Fact(_("Levels completed"), [_level_line(level) for level in certificate.levels])]
    if data.supervision:
        facts.append(Fact(_("Supervision"), [data.supervision]))
    replacement = certificate.replacement
    return VerifiedDocument(
        kind=KIND, code=certificate.code, title=certificate.award_name,
        holder_name=certificate.holder_name,
        award=certificate.award_name, award_label="Award",
        issued_at=certificate.issued_at, status=certificate.status,
        provider_name=certificate.provider_name,
        provider_accreditation=certificate.provider_accreditation,
        revoked_at=certificate.revoked_at,
        replaced_by=replacement.code if replacement is not None else "",
        facts=facts,
    )


class CertificateIssuer:
    kind = KIND

    def find(self, code: str) -> VerifiedDocument | None:
        certificate = Certificate.objects.for_display().filter(code=code).first()
        return as_verified(certificate) if certificate is not None else None

    def revoke(self, *, code: str, reason: str, actor: Any) -> None:
        require_coordinator(actor, "revoke a certificate")
        assert isinstance(actor, User)
        revoke_certificate(certificate=Certificate.objects.get(code=code), reason=reason, actor=actor)
