"""The outbox moves to the notifications app, which every app now sends through. Emails already
written are carried over: sent ones as sent, ones that used up the old five tries as failed (the
coordinator sees them and can send them again), and the rest as waiting."""

import uuid

from django.db import migrations
from django.utils import timezone


def carry_over(apps, schema_editor):
    OutgoingEmail = apps.get_model("bookings", "OutgoingEmail")
    Email = apps.get_model("notifications", "Email")
    now = timezone.now()
    batch = []
    for old in OutgoingEmail.objects.order_by("pk").iterator():
        if old.sent_at:
            status, failed_at = "sent", None
        elif old.attempts >= 5:
            status, failed_at = "failed", now
        else:
            status, failed_at = "queued", None
        batch.append(Email(
            to=old.to, subject=old.subject, body=old.body, attachments=old.attachments,
            message_id=f"<{uuid.uuid4().hex}@trainingdesk.invalid>", status=status,
            created_at=old.created_at, queued_at=now, next_attempt_at=now, attempts=old.attempts,
            last_error=old.last_error, sent_at=old.sent_at, failed_at=failed_at,
        ))
    Email.objects.bulk_create(batch, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0003_outgoing_email_claim"),
        ("notifications", "0001_initial"),
    ]
    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(name="OutgoingEmail"),
    ]
