"""Absences into Outlook, end to end: GraphQL over HTTP, the writer, the emulator."""

from __future__ import annotations

import anyio
import pytest

from tests.absences.harness import (
    APPROVE,
    DELETE,
    REJECT,
    UPDATE,
    HrWorld,
    at,
    running_writer,
)
from tests.emulated_tenant import events_of, exchange
from tests.emulator.core_directory import eventually
from transom.db import models

pytestmark = pytest.mark.anyio

ADELE = "adelev@contoso.onmicrosoft.com"
MEGAN = "meganb@contoso.onmicrosoft.com"


async def synced(world: HrWorld, absence_id: str, state: str = "SYNCED"):
    async def check():
        row = await world.absence(absence_id)
        assert row.sync_state == state, (row.sync_state, row.last_error)
        return row

    return await eventually(check, 20)


async def test_approved_vacation_appears_as_private_oof_event_with_replies(
    world: HrWorld,
) -> None:
    # given a tenant that schedules automatic replies
    await world.set_policy(automaticReplies=True)
    async with running_writer(world):
        # when HR registers an approved vacation (by the person's alias)
        absence = await world.register(personEmail="Adele@Contoso.example")
        row = await synced(world, absence["id"])
    # then Adele's calendar has one private oof event without reminder
    async with exchange(world) as client:
        events = await events_of(client, ADELE)
        settings = await client.users.by_user_id(ADELE).mailbox_settings.get()
    assert len(events) == 1
    event = events[0]
    assert event.id == row.graph_event_id
    assert event.show_as.value == "oof"
    assert event.sensitivity.value == "private"
    assert event.is_reminder_on is False
    assert event.subject == "Out of office"
    # and scheduled automatic replies
    replies = settings.automatic_replies_setting
    assert replies.status.value == "scheduled"
    assert replies.scheduled_end_date_time.date_time.startswith(at(2, 16)[:16])


async def test_pending_absence_syncs_only_once_approved(world: HrWorld) -> None:
    async with running_writer(world):
        # given a registered absence awaiting approval
        absence = await world.register(approved=False)
        assert absence["syncState"] == "NOT_SYNCED"
        async with exchange(world) as client:
            assert await events_of(client, ADELE) == []
        # when HR approves it
        await world.data(APPROVE, {"id": absence["id"]})
        # then it appears in Outlook
        await synced(world, absence["id"])
    async with exchange(world) as client:
        assert len(await events_of(client, ADELE)) == 1


async def test_edit_moves_the_event_and_delete_removes_it_and_restores_replies(
    world: HrWorld,
) -> None:
    await world.set_policy(automaticReplies=True)
    async with running_writer(world):
        absence = await world.register()
        first = await synced(world, absence["id"])
        # when the absence is moved
        await world.data(
            UPDATE,
            {
                "id": absence["id"],
                "input": {
                    "start": at(6, 8),
                    "end": at(7, 16),
                },
            },
        )

        async def moved():
            async with exchange(world) as client:
                events = await events_of(client, ADELE)
            assert [e.start.date_time[:16] for e in events] == [at(6, 8)[:16]]
            return events

        # then the same event moved (never two)
        events = await eventually(moved, 20)
        assert events[0].id == first.graph_event_id
        # when it is deleted
        await world.data(DELETE, {"id": absence["id"]})
        await synced(world, absence["id"], "NOT_SYNCED")
    # then the event is gone and the automatic replies are as before (disabled)
    async with exchange(world) as client:
        assert await events_of(client, ADELE) == []
        settings = await client.users.by_user_id(ADELE).mailbox_settings.get()
    assert settings.automatic_replies_setting.status.value == "disabled"


async def test_rejection_removes_the_event(world: HrWorld) -> None:
    async with running_writer(world):
        absence = await world.register()
        await synced(world, absence["id"])
        await world.data(REJECT, {"id": absence["id"]})
        await synced(world, absence["id"], "NOT_SYNCED")
    async with exchange(world) as client:
        assert await events_of(client, ADELE) == []


async def test_sick_leave_never_reveals_its_kind(world: HrWorld) -> None:
    # given a tenant whose template names the kind
    await world.set_policy(subjects={"OUT_OF_OFFICE": "Away ({kind})"})
    async with running_writer(world):
        sick = await world.register(kind="sick", externalId="hr-1")
        course = await world.register(
            kind="COURSE", personEmail=MEGAN, externalId="hr-2"
        )
        await synced(world, sick["id"])
        await synced(world, course["id"])
    async with exchange(world) as client:
        (event,) = await events_of(client, ADELE)
        (course_event,) = await events_of(client, MEGAN)
    assert event.subject == "Away (Out of office)"
    assert "sick" not in event.subject.lower()
    assert course_event.show_as.value == "workingElsewhere"


async def test_driving_is_never_synced_and_costs_no_graph_request(
    world: HrWorld,
) -> None:
    await world.control("DELETE", "/_emulator/stats")
    async with running_writer(world):
        absence = await world.register(kind="DRIVING")
    assert absence["syncState"] == "NOT_SYNCED"
    assert await world.outbox_rows(absence["id"]) == []
    stats = await world.control("GET", "/_emulator/stats")
    graph = {k: n for k, n in stats["requests"].items() if "/_emulator/" not in k}
    assert graph == {}


POLICY = """
mutation P($tenantId: ID!, $input: AbsencePolicyInput!) {
  setAbsencePolicy(tenantId: $tenantId, input: $input) {
    policy { kinds { kind target } subjects { key template } private }
    userErrors { field code } } }
"""


async def test_a_policy_change_reaches_the_absences_already_registered(
    world: HrWorld,
) -> None:
    async with running_writer(world):
        # given a driving absence (never synced) and a synced vacation
        driving = await world.register(kind="DRIVING", externalId="d-1")
        vacation = await world.register(
            externalId="v-1",
            start=at(13, 8),
            end=at(13, 16),
        )
        await synced(world, vacation["id"])
        assert driving["syncState"] == "NOT_SYNCED"
        # when the admin maps driving to working elsewhere and renames the subject
        policy = (
            await world.data(
                POLICY,
                {
                    "tenantId": world.tenant_id,
                    "input": {
                        "kinds": [{"kind": "driving", "target": "WORKING_ELSEWHERE"}],
                        "subjects": [{"key": "OUT_OF_OFFICE", "template": "Away"}],
                    },
                },
            )
        )["setAbsencePolicy"]["policy"]
        assert {"kind": "DRIVING", "target": "WORKING_ELSEWHERE"} in policy["kinds"]
        # then the driving absence appears and the vacation's subject follows
        await synced(world, driving["id"])

        async def renamed():
            async with exchange(world) as client:
                events = await events_of(client, ADELE)
            found = sorted((e.subject, e.show_as.value) for e in events)
            return found if found[0][0] == "Away" else None

        found = await eventually(renamed, 20)
    assert found == [("Away", "oof"), ("Working elsewhere", "workingElsewhere")]


async def test_a_bad_policy_is_refused_and_nothing_changes(world: HrWorld) -> None:
    variables = {
        "tenantId": world.tenant_id,
        "input": {"private": False, "replyLanguage": "english"},
    }
    codes = await anyio.to_thread.run_sync(world.api.error_codes, POLICY, variables)
    assert codes == ["BAD_USER_INPUT"]
    async with world.sessions() as session:
        tenant = await session.get(models.Tenant, world.tenant_id)
    assert tenant is not None
    assert "absencePolicy" not in (tenant.settings or {})
