"""A tenant's absence policy over GraphQL: which kinds reach Outlook and how.

``setAbsencePolicy`` stores ``tenant.settings["absencePolicy"]`` (see
``domain.absences.AbsencePolicy``) and re-plans the tenant's live absences, so
Outlook follows the new policy: kinds that stop syncing lose their event, kinds
that start syncing get one, and changed subjects or privacy update the events.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import partial
from typing import Annotated, Any

import strawberry
from sqlalchemy import select

from transom.api.context import Info
from transom.api.enums import SyncTarget
from transom.api.payloads import Payload, UserErrors
from transom.api.tenants.types import changing_setting, visible_tenant
from transom.db import models
from transom.domain.absences import (
    DEFAULT_TARGETS,
    POLICY_SETTING,
    AbsencePolicy,
    normalize_kind,
    reply_texts,
)
from transom.domain.errors import InvalidInputError, NotFoundError
from transom.sync.commands.absences import announce, schedule_sync

MAX_TEMPLATE = 255
MAX_REPLY = 4000
_LANGUAGE = re.compile(r"^[a-z]{2}$")


@strawberry.type(description="One kind and where it goes.")
class AbsenceKindTarget:
    kind: str = strawberry.field(
        description="An absence kind (known or the tenant's own)."
    )
    target: SyncTarget = strawberry.field(
        description="Where absences of this kind go in Outlook."
    )


@strawberry.type(description="Automatic-reply texts for one language.")
class AbsenceReplyTemplate:
    language: str = strawberry.field(description="Language code, e.g. en, da, de.")
    internal: str = strawberry.field(
        description="The automatic reply to senders in the organisation."
    )
    external: str = strawberry.field(
        description="The automatic reply to senders outside it."
    )


@strawberry.type(description="A subject template, for a target or one kind.")
class AbsenceSubjectTemplate:
    key: str = strawberry.field(
        description="OUT_OF_OFFICE, WORKING_ELSEWHERE, or a kind (never used for "
        "sickness, whose events always get the neutral subject)."
    )
    template: str = strawberry.field(
        description="{name} and {kind} are filled in (sickness shows as its target)."
    )


@strawberry.type(
    name="AbsencePolicy", description="A tenant's rules for absences in Outlook."
)
class AbsencePolicyView:
    tenant_id: strawberry.ID = strawberry.field(
        description="The tenant the policy belongs to."
    )
    kinds: list[AbsenceKindTarget] = strawberry.field(
        description="The known kinds and any custom ones the tenant set, with "
        "their target (custom kinds not listed go out of office)."
    )
    subjects: list[AbsenceSubjectTemplate] = strawberry.field(
        description="Subject templates for Outlook events, per target or kind."
    )
    private: bool = strawberry.field(description="Events are marked private.")
    automatic_replies: bool = strawberry.field(
        description="Out-of-office absences also switch on the person's automatic replies."
    )
    reply_language: str = strawberry.field(
        description="The language of automatic replies (default en)."
    )
    replies: list[AbsenceReplyTemplate] = strawberry.field(
        description="The tenant's own reply texts (defaults exist for en, da, de)."
    )

    @classmethod
    def of(cls, tenant_id: str, policy: AbsencePolicy) -> AbsencePolicyView:
        kinds = dict.fromkeys([*DEFAULT_TARGETS, *policy.kinds])
        return cls(
            tenant_id=strawberry.ID(tenant_id),
            kinds=[
                AbsenceKindTarget(kind=k, target=SyncTarget(policy.target(k).value))
                for k in kinds
            ],
            subjects=[
                AbsenceSubjectTemplate(key=k, template=v)
                for k, v in policy.subjects.items()
            ],
            private=policy.private,
            automatic_replies=policy.automatic_replies,
            reply_language=policy.reply_language,
            replies=[
                AbsenceReplyTemplate(
                    language=k, internal=v.internal, external=v.external
                )
                for k, v in policy.replies.items()
            ],
        )


@strawberry.input(description="Where absences of one kind go.")
class AbsenceKindTargetInput:
    kind: str = strawberry.field(
        description="An absence kind: a known one or a custom one (letters, digits, underscores; at most 64 characters)."
    )
    target: SyncTarget = strawberry.field(description="Where it should go in Outlook.")


@strawberry.input(description="A subject template, for a target or one kind.")
class AbsenceSubjectTemplateInput:
    key: str = strawberry.field(
        description="OUT_OF_OFFICE, WORKING_ELSEWHERE or a kind."
    )
    template: str = strawberry.field(
        description="The event subject; {name} and {kind} are filled in."
    )


@strawberry.input(description="Automatic-reply texts for one language.")
class AbsenceReplyTemplateInput:
    language: str = strawberry.field(description="Language code, e.g. en, da, de.")
    internal: str = strawberry.field(
        description="The automatic reply to senders in the organisation."
    )
    external: str = strawberry.field(
        description="The automatic reply to senders outside it."
    )


@strawberry.input(description="Policy parts to change; omitted ones stay.")
class AbsencePolicyInput:
    kinds: list[AbsenceKindTargetInput] | None = strawberry.field(
        default=None, description="Replaces the tenant's overrides."
    )
    subjects: list[AbsenceSubjectTemplateInput] | None = strawberry.field(
        default=None, description="Replaces the tenant's subject templates."
    )
    private: bool | None = strawberry.field(
        default=None, description="Mark absence events private."
    )
    automatic_replies: bool | None = strawberry.field(
        default=None,
        description="Switch automatic replies on for out-of-office absences.",
    )
    reply_language: str | None = strawberry.field(
        default=None, description="The language of automatic replies, e.g. en."
    )
    replies: list[AbsenceReplyTemplateInput] | None = strawberry.field(
        default=None, description="Replaces the tenant's reply texts."
    )


def _stored(input: AbsencePolicyInput, old: dict[str, Any]) -> dict[str, Any]:
    stored = dict(old)
    if input.kinds is not None:
        stored["kinds"] = {normalize_kind(k.kind): k.target.value for k in input.kinds}
    if input.subjects is not None:
        subjects: dict[str, str] = {}
        for s in input.subjects:
            key = normalize_kind(s.key)
            if not s.template.strip() or len(s.template) > MAX_TEMPLATE:
                raise InvalidInputError(
                    f"a subject template has 1 to {MAX_TEMPLATE} characters",
                    field="subjects",
                )
            subjects[key] = s.template
        stored["subjects"] = subjects
    if input.private is not None:
        stored["private"] = input.private
    if input.automatic_replies is not None:
        stored["automaticReplies"] = input.automatic_replies
    if input.reply_language is not None:
        stored["replyLanguage"] = _language(input.reply_language)
    if input.replies is not None:
        replies: dict[str, dict[str, str]] = {}
        for r in input.replies:
            if max(len(r.internal), len(r.external)) > MAX_REPLY:
                raise InvalidInputError(
                    f"reply texts have at most {MAX_REPLY} characters", field="replies"
                )
            replies[_language(r.language)] = {
                "internal": r.internal,
                "external": r.external,
            }
        stored["replies"] = replies
    return stored


def _language(value: str) -> str:
    if not _LANGUAGE.match(value):
        raise InvalidInputError(
            "a language is a two-letter code such as en, da or de",
            field="replyLanguage",
        )
    return value


async def _tenant(info: Info, tenant_id: str) -> models.Tenant:
    viewer = await info.context.viewer()
    if viewer.is_display:
        raise NotFoundError.of("Tenant", tenant_id)
    return await visible_tenant(info, tenant_id)


@strawberry.type
class AbsencePolicyQueries:
    @strawberry.field(description="The tenant's absence policy (defaults filled in).")
    async def absence_policy(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The tenant (yours, unless you are a superadmin)."
            ),
        ],
    ) -> AbsencePolicyView | None:
        tenant = await _tenant(info, tenant_id)
        stored = (tenant.settings or {}).get(POLICY_SETTING)
        return AbsencePolicyView.of(tenant.id, AbsencePolicy.from_stored(stored))

    @strawberry.field(
        description="How absences would look in Outlook: the tenant's policy, "
        "or the policy with `input` applied (nothing is saved). Sickness always "
        "gets the neutral subject of its target."
    )
    async def absence_policy_preview(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The tenant (yours, unless you are a superadmin)."
            ),
        ],
        input: Annotated[
            AbsencePolicyInput | None,
            strawberry.argument(
                description="Unsaved changes to preview (as for setAbsencePolicy)."
            ),
        ] = None,
        person_name: Annotated[
            str,
            strawberry.argument(description="The example person's name."),
        ] = "Adele Vance",
    ) -> AbsencePolicyPreview | None:
        tenant = await _tenant(info, tenant_id)
        stored = dict((tenant.settings or {}).get(POLICY_SETTING) or {})
        if input is not None:
            stored = _stored(input, stored)
        name = person_name.strip()[:200] or "Adele Vance"
        return _preview(AbsencePolicy.from_stored(stored), name, info.context.now)


@strawberry.type(description="How one kind's absences would look in Outlook.")
class AbsenceSubjectPreview:
    kind: str = strawberry.field(description="The absence kind.")
    target: SyncTarget = strawberry.field(description="Where it goes in Outlook.")
    subject: str | None = strawberry.field(
        description="The Outlook event's subject; null when the kind never "
        "reaches Outlook."
    )


@strawberry.type(description="How absences would look in Outlook under a policy.")
class AbsencePolicyPreview:
    person_name: str = strawberry.field(description="The example person.")
    subjects: list[AbsenceSubjectPreview] = strawberry.field(
        description="Every known kind and the tenant's own, with its subject."
    )
    replies: AbsenceReplyTemplate = strawberry.field(
        description="The automatic replies an out-of-office absence ending in a "
        "week switches on, in the policy's reply language (filled in)."
    )


def _preview(policy: AbsencePolicy, name: str, now: datetime) -> AbsencePolicyPreview:
    kinds = dict.fromkeys([*DEFAULT_TARGETS, *policy.kinds])
    texts = reply_texts(policy, person_name=name, end=now + timedelta(days=7))
    return AbsencePolicyPreview(
        person_name=name,
        subjects=[
            AbsenceSubjectPreview(
                kind=kind,
                target=SyncTarget(policy.target(kind).value),
                subject=None
                if policy.target(kind) is SyncTarget.NEVER
                else policy.subject(kind, name),
            )
            for kind in kinds
        ],
        replies=AbsenceReplyTemplate(
            language=policy.reply_language,
            internal=texts.internal,
            external=texts.external,
        ),
    )


@strawberry.type(description="What setAbsencePolicy answers.")
class SetAbsencePolicyPayload(Payload):
    policy: AbsencePolicyView | None = strawberry.field(
        default=None, description="The policy as saved; null when refused."
    )


@strawberry.type
class AbsencePolicyMutations:
    @strawberry.mutation(
        description="Change the tenant's absence policy. Outlook follows for the "
        "absences already registered: events appear, change or go."
    )
    async def set_absence_policy(
        self,
        info: Info,
        tenant_id: Annotated[
            strawberry.ID, strawberry.argument(description="The tenant.")
        ],
        input: Annotated[
            AbsencePolicyInput,
            strawberry.argument(description="The policy fields to change."),
        ],
    ) -> SetAbsencePolicyPayload | None:
        with UserErrors(info) as errors:
            queued = 0
            change = partial(_stored, input)
            async with changing_setting(
                info, tenant_id, POLICY_SETTING, change
            ) as policy:
                if policy.new != policy.old:
                    absences = await policy.session.scalars(
                        select(models.Absence).where(
                            models.Absence.tenant_id == policy.tenant.id,
                            models.Absence.deleted_at.is_(None),
                        )
                    )
                    for absence in absences.all():
                        queued += schedule_sync(
                            policy.session,
                            tenant=policy.tenant,
                            absence=absence,
                            now=info.context.now,
                        )
            await announce(
                info.context.services.bus, tenant_id=tenant_id, queued=queued > 0
            )
            return SetAbsencePolicyPayload(
                policy=AbsencePolicyView.of(
                    tenant_id, AbsencePolicy.from_stored(policy.new)
                )
            )
        return errors.payload(SetAbsencePolicyPayload)
