"""Absences when Microsoft 365 says no: refused credentials hold, a mailbox fails."""

from __future__ import annotations

import pytest

from tests.absences.harness import HrWorld, at, running_writer
from tests.emulated_tenant import APP_PATH, events_of, exchange
from tests.emulator.core_directory import eventually
from transom.db import models
from transom.emulator import CLIENT_ID, TENANT_ID

pytestmark = pytest.mark.anyio

ADELE = "adelev@contoso.onmicrosoft.com"
MEGAN = "meganb@contoso.onmicrosoft.com"
CONNECT = """
mutation C($input: ConnectTenantInput!) { connectTenant(input: $input) { connectionTest { status } } }
"""
ABSENCES = "{ absences { nodes { id syncState lastError syncHint } } }"


async def state_is(world: HrWorld, absence_id: str, state: str) -> models.Absence:
    async def check() -> models.Absence:
        row = await world.absence(absence_id)
        assert row.sync_state == state, (row.sync_state, row.last_error)
        return row

    return await eventually(check, 20)


async def renew_secret(world: HrWorld) -> str:
    secret = await world.control("POST", f"{APP_PATH}/secrets", {"days": 365})
    variables = {
        "input": {
            "tenantId": world.tenant_id,
            "directoryId": TENANT_ID,
            "clientId": CLIENT_ID,
            "clientSecret": secret["value"],
        }
    }
    assert (await world.data(CONNECT, variables))["connectTenant"]["connectionTest"][
        "status"
    ] == "CONNECTED"
    value: str = secret["value"]
    return value


async def test_expired_secret_holds_absences_and_renewal_syncs_them_once(
    world: HrWorld,
) -> None:
    # given the tenant's only secret expired
    await world.control("POST", f"{APP_PATH}/secrets/all/expire")
    async with running_writer(world):
        # when HR registers two approved absences
        first = await world.register(externalId="hr-1")
        second = await world.register(
            externalId="hr-2",
            start=at(9, 0),
            end=at(9, 0),
            allDay=True,
        )
        # then both are HELD, with the reason visible in the API
        held = await state_is(world, first["id"], "HELD")
        await state_is(world, second["id"], "HELD")
        assert held.last_error
        listed = (await world.data(ABSENCES))["absences"]["nodes"]
        assert {n["syncState"] for n in listed} == {"HELD"}
        # when an admin saves a renewed secret
        secret = await renew_secret(world)
        # then both sync by themselves
        one = await state_is(world, first["id"], "SYNCED")
        two = await state_is(world, second["id"], "SYNCED")
    # and Outlook holds exactly one event per absence
    async with exchange(world, secret) as client:
        events = await events_of(client, ADELE)
    assert sorted(e.id for e in events) == sorted(
        [one.graph_event_id, two.graph_event_id]
    )
    all_day = next(e for e in events if e.id == two.graph_event_id)
    assert all_day.is_all_day is True


async def test_absences_parked_with_the_tenant_show_held_not_pending(
    world: HrWorld,
) -> None:
    # given two approved absences registered while no writer runs
    first = await world.register(externalId="hr-1")
    second = await world.register(
        externalId="hr-2",
        start=at(9, 8),
        end=at(9, 16),
    )
    # and the tenant's only secret expired
    await world.control("POST", f"{APP_PATH}/secrets/all/expire")
    # when a writer that takes one row at a time is refused a token
    async with running_writer(world, claim_limit=1):
        # then the absence whose row it never took is HELD too, not PENDING
        await state_is(world, first["id"], "HELD")
        parked = await state_is(world, second["id"], "HELD")
        assert parked.last_error
        # and after the renewal both sync, one event each
        secret = await renew_secret(world)
        await state_is(world, first["id"], "SYNCED")
        await state_is(world, second["id"], "SYNCED")
    async with exchange(world, secret) as client:
        assert len(await events_of(client, ADELE)) == 2


async def test_access_policy_fails_only_the_person_outside_it(world: HrWorld) -> None:
    # given an access policy that covers Adele's mailbox but not Megan's
    await world.control("PUT", f"{APP_PATH}/access-policy", {"mailboxes": [ADELE]})
    async with running_writer(world):
        # when both get an approved absence
        adele = await world.register(externalId="a-1")
        megan = await world.register(externalId="m-1", personEmail=MEGAN)
        # then Megan's fails with a hint and Adele's syncs
        failed = await state_is(world, megan["id"], "FAILED")
        await state_is(world, adele["id"], "SYNCED")
    assert failed.sync_hint
    assert failed.last_error
    async with world.sessions() as session:
        tenant = await session.get(models.Tenant, world.tenant_id)
    assert tenant is not None
    assert tenant.connection_status == "CONNECTED"
