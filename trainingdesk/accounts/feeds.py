"""Private calendar feeds: a secret address per person that calendar apps subscribe to, holding
whatever the apps registered with `lib.calendar.register_feed_source` have for that person
(training days, a trainer's runs, make-up days, supervision sessions).

Making, renewing and revoking an address are atomic and audited. Only the token's SHA-256 is
stored: the address is shown once, when it is made, and a lost one is renewed.

SEQUENCE is kept here rather than asked of each source: the feed remembers each uid's
fingerprint (`PublishedCalendarEntry`) and counts one more version whenever it changes, so any
change a person's calendar can see (a day moved, a joining link, a cancellation) raises it,
whichever app the entry comes from and whether or not that app keeps a version of its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from trainingdesk.accounts.models import CalendarFeed, PublishedCalendarEntry, User
from trainingdesk.audit.log import log_action, snapshot
from trainingdesk.lib.calendar import CalendarEntry, calendar_file, feed_entries


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def live_feed(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.live().filter(user=user).first()


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed this token opens, with its person; None for an unknown or revoked one."""
    return (CalendarFeed.objects.live().select_related("user")
            .filter(token_hash=token_hash(token), user__is_active=True).first())


def _lock_person(user: User) -> None:
    # Two "renew" clicks at once would each revoke the same old feed and make a new one; the
    # second would then break the one-live-feed constraint. Queue them on the person's row.
    User.objects.select_for_update().filter(pk=user.pk).get()


@transaction.atomic
def create_feed(*, user: User, now: dt.datetime | None = None) -> str:
    """Make the person's feed, or renew it: the old address stops working at once. Returns the
    new token, which is not stored and cannot be shown again."""
    now = now or timezone.now()
    _lock_person(user)
    old = live_feed(user)
    if old is not None:
        before = snapshot(old)
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
        log_action(user, "accounts.calendar_feed.revoked", old, before=before, after=snapshot(old),
                   reason="Renewed")
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=token_hash(token), created_at=now)
    log_action(user, "accounts.calendar_feed.renewed" if old else "accounts.calendar_feed.created",
               feed, after=snapshot(feed))
    return token


@transaction.atomic
def revoke_feed(*, user: User, now: dt.datetime | None = None) -> bool:
    """Stop the person's feed address working. False when they had none."""
    _lock_person(user)
    feed = live_feed(user)
    if feed is None:
        return False
    before = snapshot(feed)
    feed.revoked_at = now or timezone.now()
    feed.save(update_fields=["revoked_at"])
    log_action(user, "accounts.calendar_feed.revoked", feed, before=before, after=snapshot(feed))
    return True


def numbered(user: User, entries: list[CalendarEntry]) -> list[CalendarEntry]:
    """The entries with their SEQUENCE: 0 the first time a uid is published, one more each time
    its fingerprint has changed since. One read, and writes only for what is new or changed."""
    published = {row.uid: row for row in PublishedCalendarEntry.objects.filter(user=user)}
    new, changed, result = [], [], []
    for entry in entries:
        fingerprint = entry.fingerprint()
        row = published.get(entry.uid)
        if row is None:
            row = PublishedCalendarEntry(user=user, uid=entry.uid, fingerprint=fingerprint)
            new.append(row)
        elif row.fingerprint != fingerprint:
            changed.append((row, fingerprint))
            row.sequence += 1
        result.append(dataclasses.replace(entry, sequence=row.sequence))
    with transaction.atomic():
        # Two fetches at once may both see the change: the condition on the old fingerprint
        # lets only one of them count it.
        for row, fingerprint in changed:
            PublishedCalendarEntry.objects.filter(pk=row.pk).exclude(fingerprint=fingerprint).update(
                fingerprint=fingerprint, sequence=F("sequence") + 1)
        PublishedCalendarEntry.objects.bulk_create(new, ignore_conflicts=True)
    return result


def render_feed(feed: CalendarFeed) -> bytes:
    user = feed.user
    return calendar_file(numbered(user, feed_entries(user)), name=f"Trainingdesk: {user}")
