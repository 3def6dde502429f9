"""The absence list an admin page reads: narrowed by person, kind, sync state,
approval and date range, each absence with its person; bad filters are coded
errors; another tenant's list is NOT_FOUND."""

from __future__ import annotations

from typing import Any

from tests.absences.harness import REGISTER, HrWorld, at

LIST = """
query L($search: String, $kind: String, $syncState: AbsenceSyncState,
        $approval: Approval, $from: DateTime, $until: DateTime, $tenantId: ID) {
  absences(search: $search, kind: $kind, syncState: $syncState,
           approval: $approval, from: $from, until: $until, tenantId: $tenantId) {
    nodes { externalId kind person { email displayName } retryableWriteId }
  }
}
"""
ADELE = "adelev@contoso.onmicrosoft.com"
MEGAN = "meganb@contoso.onmicrosoft.com"


def register(world: HrWorld, external_id: str, **fields: Any) -> None:
    values = {
        "personEmail": ADELE,
        "kind": "VACATION",
        "start": at(0, 8),
        "end": at(0, 16),
        "externalId": external_id,
    } | fields
    world.api.data(REGISTER, {"input": values})


def listed(world: HrWorld, **filters: Any) -> list[str]:
    nodes = world.api.data(LIST, filters)["absences"]["nodes"]
    return sorted(n["externalId"] for n in nodes)


def test_absences_are_narrowed_by_each_filter(hr_world_sync: HrWorld) -> None:
    world = hr_world_sync
    # given absences of two people, two kinds, two weeks, one approved
    register(world, "a-vacation")
    register(world, "a-course", kind="COURSE", start=at(7, 8), end=at(7, 16))
    register(world, "m-vacation", personEmail=MEGAN, approved=True)

    # then each filter keeps what it says
    assert listed(world) == ["a-course", "a-vacation", "m-vacation"]
    assert listed(world, search="megan") == ["m-vacation"]
    assert listed(world, search="ADELEV@") == ["a-course", "a-vacation"]
    assert listed(world, kind="course") == ["a-course"]
    assert listed(world, approval="APPROVED") == ["m-vacation"]
    assert listed(world, syncState="NOT_SYNCED") == ["a-course", "a-vacation"]
    assert listed(world, **{"from": at(5, 0)}) == ["a-course"]
    assert listed(world, until=at(5, 0)) == ["a-vacation", "m-vacation"]
    assert listed(world, **{"from": at(0, 15), "until": at(0, 17)}) == [
        "a-vacation",
        "m-vacation",
    ]
    # and each absence names its person
    nodes = world.api.data(LIST, {"search": "megan"})["absences"]["nodes"]
    assert nodes[0]["person"]["email"] == MEGAN
    assert nodes[0]["retryableWriteId"] is None


def test_bad_filters_are_coded_errors(hr_world_sync: HrWorld) -> None:
    world = hr_world_sync
    assert world.api.error_codes(LIST, {"kind": "?!"}) == ["BAD_USER_INPUT"]
    backwards = {"from": at(3, 0), "until": at(1, 0)}
    assert world.api.error_codes(LIST, backwards) == ["BAD_USER_INPUT"]
    naive = {"from": at(3, 0)[:16]}
    assert world.api.error_codes(LIST, naive) == ["BAD_USER_INPUT"]


def test_another_tenants_absences_are_not_found(hr_world_sync: HrWorld) -> None:
    world = hr_world_sync
    codes = world.api.error_codes(LIST, {"tenantId": "another-tenant"})
    assert codes == ["NOT_FOUND"]
