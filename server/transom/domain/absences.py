"""Absences and how they reach Outlook: kinds, the per-tenant policy, the event.

Pure rules (stdlib only; times come in, nothing reads the clock):

- A *kind* is a SCREAMING_SNAKE name (``VACATION``, ``SICK``...); unknown names
  are custom kinds and default to out of office.
- The tenant's :class:`AbsencePolicy` (``tenant.settings["absencePolicy"]``)
  maps each kind to a :class:`SyncTarget`: an Outlook event shown as out of
  office, as working elsewhere, or never synced.
- The event (:class:`AbsenceEvent`) is private by default, has no reminder, and
  its subject comes from a template; sickness never reveals itself.
- :func:`write_for` says which Graph write an absence needs now.

>>> policy = AbsencePolicy.from_stored(None)
>>> policy.target("SICK"), policy.target("DRIVING")
(<SyncTarget.OUT_OF_OFFICE: 'OUT_OF_OFFICE'>, <SyncTarget.NEVER: 'NEVER'>)
>>> policy.subject("SICK", "Adele Vance")
'Out of office'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from transom.domain.errors import InvalidInputError

POLICY_SETTING = "absencePolicy"
MAX_DURATION = timedelta(days=366)
MAX_NOTE = 2000
MAX_EXTERNAL_ID = 200
_KIND_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$")


class AbsenceKind(StrEnum):
    VACATION = "VACATION"
    OTHER_VACATION = "OTHER_VACATION"
    SICK = "SICK"
    CHILD_SICK = "CHILD_SICK"
    TIME_OFF_IN_LIEU = "TIME_OFF_IN_LIEU"
    OTHER_LEAVE = "OTHER_LEAVE"
    WORKING_FROM_HOME = "WORKING_FROM_HOME"
    TRAVEL = "TRAVEL"
    COURSE = "COURSE"
    EXTERNAL_ACTIVITY = "EXTERNAL_ACTIVITY"
    DRIVING = "DRIVING"
    OVERTIME = "OVERTIME"
    TIME_REGISTRATION = "TIME_REGISTRATION"
    FLEX_TIME = "FLEX_TIME"
    PUBLIC_HOLIDAY = "PUBLIC_HOLIDAY"


SENSITIVE_KINDS = frozenset({AbsenceKind.SICK.value, AbsenceKind.CHILD_SICK.value})
"""Kinds whose name never leaves Transom (subjects, replies)."""


class SyncTarget(StrEnum):
    OUT_OF_OFFICE = "OUT_OF_OFFICE"
    WORKING_ELSEWHERE = "WORKING_ELSEWHERE"
    NEVER = "NEVER"


class Approval(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class SyncState(StrEnum):
    """Where an absence stands with Outlook.

    NOT_SYNCED (policy keeps it out, or not approved and nothing in Outlook),
    PENDING (a write is queued), SYNCED, HELD (credentials refused; resumes
    when they work), FAILED (this person's mailbox refused; see the hint).
    """

    NOT_SYNCED = "NOT_SYNCED"
    PENDING = "PENDING"
    SYNCED = "SYNCED"
    HELD = "HELD"
    FAILED = "FAILED"


class WriteAction(StrEnum):
    CREATE = "CREATE"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    NOTHING = "NOTHING"


DEFAULT_TARGETS: Mapping[str, SyncTarget] = {
    **{
        k.value: SyncTarget.OUT_OF_OFFICE
        for k in (
            AbsenceKind.VACATION,
            AbsenceKind.OTHER_VACATION,
            AbsenceKind.SICK,
            AbsenceKind.CHILD_SICK,
            AbsenceKind.TIME_OFF_IN_LIEU,
            AbsenceKind.OTHER_LEAVE,
        )
    },
    **{
        k.value: SyncTarget.WORKING_ELSEWHERE
        for k in (
            AbsenceKind.WORKING_FROM_HOME,
            AbsenceKind.TRAVEL,
            AbsenceKind.COURSE,
            AbsenceKind.EXTERNAL_ACTIVITY,
        )
    },
    **{
        k.value: SyncTarget.NEVER
        for k in (
            AbsenceKind.DRIVING,
            AbsenceKind.OVERTIME,
            AbsenceKind.TIME_REGISTRATION,
            AbsenceKind.FLEX_TIME,
            AbsenceKind.PUBLIC_HOLIDAY,
        )
    },
}
DEFAULT_SUBJECTS: Mapping[str, str] = {
    SyncTarget.OUT_OF_OFFICE.value: "Out of office",
    SyncTarget.WORKING_ELSEWHERE.value: "Working elsewhere",
}


@dataclass(frozen=True)
class ReplyTemplate:
    """Automatic-reply texts; ``{name}``, ``{start}`` and ``{end}`` are filled in."""

    internal: str
    external: str


DEFAULT_REPLIES: Mapping[str, ReplyTemplate] = {
    "en": ReplyTemplate(
        "{name} is out of office until {end}.",
        "Thank you for your message. I am out of office until {end}.",
    ),
    "da": ReplyTemplate(
        "{name} er fraværende indtil {end}.",
        "Tak for din besked. Jeg er fraværende indtil {end}.",
    ),
    "de": ReplyTemplate(
        "{name} ist bis {end} abwesend.",
        "Vielen Dank für Ihre Nachricht. Ich bin bis {end} nicht im Büro.",
    ),
}


def normalize_kind(raw: str) -> str:
    """``"other vacation"`` → ``"OTHER_VACATION"``; BAD_USER_INPUT when unusable."""
    kind = re.sub(r"[\s\-]+", "_", raw.strip()).upper()
    if not _KIND_PATTERN.match(kind):
        raise InvalidInputError(
            "a kind is a name of letters, digits and underscores, such as VACATION "
            "(at most 64 characters)",
            field="kind",
        )
    return kind


@dataclass(frozen=True)
class AbsencePolicy:
    """A tenant's rules for absences in Outlook (defaults when not configured).

    Stored JSON (every key optional)::

        {"kinds": {"DRIVING": "OUT_OF_OFFICE"},
         "subjects": {"OUT_OF_OFFICE": "Away", "COURSE": "On a course"},
         "private": true, "automaticReplies": false, "replyLanguage": "en",
         "replies": {"en": {"internal": "...", "external": "..."}}}
    """

    kinds: Mapping[str, SyncTarget] = field(default_factory=dict)
    subjects: Mapping[str, str] = field(default_factory=dict)
    private: bool = True
    automatic_replies: bool = False
    reply_language: str = "en"
    replies: Mapping[str, ReplyTemplate] = field(default_factory=dict)

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any] | None) -> AbsencePolicy:
        """Unusable values fall back to defaults: a bad row never breaks a sync."""
        data = stored or {}
        kinds = {
            str(k).upper(): SyncTarget(v)
            for k, v in (data.get("kinds") or {}).items()
            if v in SyncTarget.__members__
        }
        subjects = {
            str(k).upper(): str(v)
            for k, v in (data.get("subjects") or {}).items()
            if isinstance(v, str) and v.strip()
        }
        replies = {
            str(lang): ReplyTemplate(str(t["internal"]), str(t["external"]))
            for lang, t in (data.get("replies") or {}).items()
            if isinstance(t, Mapping) and {"internal", "external"} <= t.keys()
        }
        return cls(
            kinds=kinds,
            subjects=subjects,
            private=data.get("private") is not False,
            automatic_replies=data.get("automaticReplies") is True,
            reply_language=str(data.get("replyLanguage") or "en"),
            replies=replies,
        )

    def target(self, kind: str) -> SyncTarget:
        """Where ``kind`` goes; custom kinds default to out of office."""
        found = self.kinds.get(kind) or DEFAULT_TARGETS.get(kind)
        return found or SyncTarget.OUT_OF_OFFICE

    def subject(self, kind: str, person_name: str) -> str:
        """The event subject; sensitive kinds only ever get the neutral one."""
        target = self.target(kind)
        neutral = self.subjects.get(target.value) or DEFAULT_SUBJECTS.get(
            target.value, ""
        )
        template = neutral
        if kind not in SENSITIVE_KINDS:
            template = self.subjects.get(kind, neutral)
        label = kind.replace("_", " ").lower()
        if kind in SENSITIVE_KINDS:
            label = DEFAULT_SUBJECTS.get(target.value, "")
        return _fill(template, name=person_name, kind=label)[:255]

    def reply_template(self, language: str | None = None) -> ReplyTemplate:
        lang = language or self.reply_language
        merged = {**DEFAULT_REPLIES, **self.replies}
        return merged.get(lang) or merged.get(self.reply_language) or merged["en"]


def _fill(template: str, **values: str) -> str:
    """``str.format`` that leaves unknown or broken placeholders as they are."""
    try:
        return template.format_map(_Lenient(values))
    except (ValueError, IndexError):
        return template


class _Lenient(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class AbsenceSpan:
    """When an absence is; all-day spans run from midnight to midnight (exclusive)."""

    start: datetime
    end: datetime
    all_day: bool


def check_span(start: datetime, end: datetime, *, all_day: bool) -> AbsenceSpan:
    """Validated times in UTC; all-day spans cover whole dates.

    An all-day ``end`` is the day after the last day (as in Outlook); an end on
    the start's own date, or during a day, means "through that day".
    """
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None:
            raise InvalidInputError(f"give {name} with a UTC offset", field=name)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if all_day:
        first = start.date()
        last = end.date()
        if end.time() != time(0) or last <= first:
            last += timedelta(days=1)
        start = datetime.combine(first, time(0), UTC)
        end = datetime.combine(last, time(0), UTC)
    if end <= start:
        raise InvalidInputError("end must be after start", field="end")
    if end - start > MAX_DURATION:
        raise InvalidInputError("an absence lasts at most 366 days", field="end")
    return AbsenceSpan(start, end, all_day)


def check_note(note: str | None) -> str | None:
    if note is not None and len(note) > MAX_NOTE:
        raise InvalidInputError(
            f"a note has at most {MAX_NOTE} characters", field="note"
        )
    return note


def check_external_id(external_id: str | None) -> str | None:
    if external_id is None:
        return None
    value = external_id.strip()
    if not value or len(value) > MAX_EXTERNAL_ID:
        raise InvalidInputError(
            f"externalId has 1 to {MAX_EXTERNAL_ID} characters", field="externalId"
        )
    return value


@dataclass(frozen=True)
class AbsenceFacts:
    """What the rules need to know about one absence."""

    kind: str
    approval: Approval
    span: AbsenceSpan
    deleted: bool = False


@dataclass(frozen=True)
class AbsenceEvent:
    """The Outlook event an absence should be (the sync layer turns it into a draft)."""

    subject: str
    start: datetime
    end: datetime
    all_day: bool
    show_as: SyncTarget
    private: bool
    reminder: bool = False


def wanted_event(
    facts: AbsenceFacts, policy: AbsencePolicy, person_name: str
) -> AbsenceEvent | None:
    """The event Outlook should hold now, or None when it should hold none."""
    target = policy.target(facts.kind)
    if facts.deleted or facts.approval is not Approval.APPROVED:
        return None
    if target is SyncTarget.NEVER:
        return None
    return AbsenceEvent(
        subject=policy.subject(facts.kind, person_name),
        start=facts.span.start,
        end=facts.span.end,
        all_day=facts.span.all_day,
        show_as=target,
        private=policy.private,
    )


def write_for(wanted: AbsenceEvent | None, event_id: str | None) -> WriteAction:
    """Which Graph write brings Outlook to ``wanted``: one event per absence."""
    if wanted is None:
        return WriteAction.DELETE if event_id else WriteAction.NOTHING
    return WriteAction.UPDATE if event_id else WriteAction.CREATE


def state_after_change(wanted: AbsenceEvent | None, in_outlook: bool) -> SyncState:
    """The state an absence shows right after it was registered or changed.

    NOT_SYNCED when Outlook holds nothing of it and should not (policy NEVER,
    not approved); otherwise PENDING until the queued write settles.
    """
    if wanted is None and not in_outlook:
        return SyncState.NOT_SYNCED
    return SyncState.PENDING


def settled_state(wanted: AbsenceEvent | None) -> SyncState:
    """After a successful write: SYNCED when an event exists, else NOT_SYNCED."""
    return SyncState.SYNCED if wanted is not None else SyncState.NOT_SYNCED


def needs_replies(policy: AbsencePolicy, wanted: AbsenceEvent | None) -> bool:
    """Automatic replies go with out-of-office events when the tenant wants them."""
    return (
        policy.automatic_replies
        and wanted is not None
        and wanted.show_as is SyncTarget.OUT_OF_OFFICE
    )


def local_span(span: AbsenceSpan, time_zone: str) -> tuple[datetime, datetime]:
    """An all-day span's midnights in ``time_zone`` as UTC (timed spans unchanged)."""
    if not span.all_day:
        return span.start, span.end
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return (
        datetime.combine(span.start.date(), time(0), zone).astimezone(UTC),
        datetime.combine(span.end.date(), time(0), zone).astimezone(UTC),
    )


@dataclass(frozen=True)
class ReplyTexts:
    internal: str
    external: str


def reply_texts(
    policy: AbsencePolicy,
    *,
    person_name: str,
    end: datetime,
    language: str | None = None,
) -> ReplyTexts:
    """Automatic-reply messages; they say when, never why."""
    template = policy.reply_template(language)
    values = {"name": person_name, "start": "", "end": end.strftime("%Y-%m-%d")}
    return ReplyTexts(
        _fill(template.internal, **values), _fill(template.external, **values)
    )


def replies_due_to_end(end: datetime, now: datetime) -> bool:
    """Whether the absence is over, so the person's own replies come back."""
    return now >= end
