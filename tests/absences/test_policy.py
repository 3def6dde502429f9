"""The absence rules, pure: kinds, policy, subjects, spans and which write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transom.domain.absences import (
    DEFAULT_TARGETS,
    SENSITIVE_KINDS,
    AbsenceFacts,
    AbsencePolicy,
    AbsenceSpan,
    Approval,
    SyncTarget,
    WriteAction,
    check_span,
    normalize_kind,
    state_after_change,
    wanted_event,
    write_for,
)
from transom.domain.errors import InvalidInputError

NAIVE_MIN = datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)
NAIVE_MAX = datetime(2027, 1, 1, tzinfo=UTC).replace(tzinfo=None)

T0 = datetime(2026, 12, 1, 8, tzinfo=UTC)
SPAN = AbsenceSpan(T0, T0 + timedelta(hours=8), all_day=False)
kinds = st.sampled_from([*DEFAULT_TARGETS, "SABBATICAL", "PARENTAL_LEAVE"])


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        ("VACATION", SyncTarget.OUT_OF_OFFICE),
        ("CHILD_SICK", SyncTarget.OUT_OF_OFFICE),
        ("SABBATICAL", SyncTarget.OUT_OF_OFFICE),
        ("WORKING_FROM_HOME", SyncTarget.WORKING_ELSEWHERE),
        ("COURSE", SyncTarget.WORKING_ELSEWHERE),
        ("DRIVING", SyncTarget.NEVER),
        ("PUBLIC_HOLIDAY", SyncTarget.NEVER),
    ],
)
def test_default_policy_maps_kinds_to_targets(kind, target) -> None:
    assert AbsencePolicy.from_stored(None).target(kind) is target


def test_tenant_policy_overrides_a_kind() -> None:
    policy = AbsencePolicy.from_stored({"kinds": {"driving": "OUT_OF_OFFICE"}})
    assert policy.target("DRIVING") is SyncTarget.OUT_OF_OFFICE


def test_kind_names_are_normalised_and_nonsense_is_refused() -> None:
    assert normalize_kind(" other vacation ") == "OTHER_VACATION"
    with pytest.raises(InvalidInputError) as refused:
        normalize_kind("?!")
    assert refused.value.field == "kind"


@given(
    kind=st.sampled_from(sorted(SENSITIVE_KINDS)),
    template=st.sampled_from(["{kind}", "Away: {kind}", "{name} ({kind})"]),
    override=st.text(min_size=1, max_size=20),
)
def test_sickness_never_reveals_itself(kind, template, override) -> None:
    # given a tenant whose templates name the kind, even per kind
    policy = AbsencePolicy.from_stored(
        {"subjects": {"OUT_OF_OFFICE": template, kind: f"{override} sick"}}
    )
    # when the subject is made
    subject = policy.subject(kind, "Adele Vance").lower()
    # then
    assert "sick" not in subject.replace("adele vance", "")


@given(kind=kinds, approval=st.sampled_from(list(Approval)), deleted=st.booleans())
def test_only_approved_synced_kinds_want_an_event(kind, approval, deleted) -> None:
    policy = AbsencePolicy.from_stored(None)
    facts = AbsenceFacts(kind, approval, SPAN, deleted)
    wanted = wanted_event(facts, policy, "Adele")
    expected = (
        approval is Approval.APPROVED
        and not deleted
        and policy.target(kind) is not SyncTarget.NEVER
    )
    assert (wanted is not None) == expected
    if wanted is not None:
        assert wanted.private
        assert not wanted.reminder


@given(kind=kinds, approval=st.sampled_from(list(Approval)), has_event=st.booleans())
def test_one_event_per_absence_never_two(kind, approval, has_event) -> None:
    wanted = wanted_event(
        AbsenceFacts(kind, approval, SPAN), AbsencePolicy.from_stored(None), "A"
    )
    action = write_for(wanted, "evt-1" if has_event else None)
    if has_event:
        assert action is not WriteAction.CREATE
    else:
        assert action in (WriteAction.CREATE, WriteAction.NOTHING)
    state = state_after_change(wanted, has_event)
    assert (state.value == "NOT_SYNCED") == (action is WriteAction.NOTHING)


@given(
    start=st.datetimes(
        min_value=NAIVE_MIN,
        max_value=NAIVE_MAX,
        timezones=st.just(UTC),
    ),
    days=st.integers(min_value=0, max_value=30),
)
def test_all_day_spans_cover_whole_days(start, days) -> None:
    span = check_span(start, start + timedelta(days=days), all_day=True)
    assert span.start.time() == span.end.time() == datetime.min.time()
    assert span.start.date() == start.date()
    assert span.end > span.start


def test_end_before_start_is_refused_with_its_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_span(T0, T0 - timedelta(hours=1), all_day=False)
    assert refused.value.field == "end"
