"""Classification of Entra ID and Graph failures into typed errors (contract §1.2, §7)."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ClientAuthenticationError

from transom.graph._classify import auth_error, error_from_status, retry_after_seconds
from transom.graph.errors import (
    DeltaExpiredError,
    GraphAuthError,
    GraphAuthKind,
    GraphNotFoundError,
    GraphRequestError,
    GraphThrottledError,
    GraphTransientError,
    MailboxAccessDeniedError,
    MailboxNotFoundError,
    MailboxProblem,
)


@pytest.mark.parametrize(
    ("message", "kind", "code"),
    [
        (
            "Microsoft Entra ID error '(invalid_client) AADSTS7000222: The provided "
            "client secret keys for app 'x' are expired.'",
            GraphAuthKind.SECRET_EXPIRED,
            "7000222",
        ),
        (
            "Authentication failed: AADSTS7000215: Invalid client secret provided.",
            GraphAuthKind.INVALID_CREDENTIALS,
            "7000215",
        ),
        ("AADSTS90002: Tenant 'x' not found.", GraphAuthKind.TENANT_NOT_FOUND, "90002"),
        ("AADSTS700016: Application not found", GraphAuthKind.APP_NOT_FOUND, "700016"),
        ("connection reset", GraphAuthKind.OTHER, None),
    ],
)
def test_token_failures_are_classified_by_aadsts_number(message, kind, code):
    # when
    error = auth_error(ClientAuthenticationError(message=message))

    # then
    assert (error.kind, error.aadsts_code) == (kind, code)
    assert error.hint


def test_expired_secret_hint_says_where_to_make_a_new_one():
    error = auth_error(ClientAuthenticationError(message="AADSTS7000222: expired"))
    assert "Certificates & secrets" in error.hint


@pytest.mark.parametrize(
    "message",
    [
        "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly "
        "AccessPolicy settings.",
        "Access to OData is disabled.",
    ],
)
def test_access_policy_403_is_a_per_mailbox_error(message):
    # when
    error = error_from_status(403, "ErrorAccessDenied", message, mailbox="room1@x")

    # then
    assert isinstance(error, MailboxAccessDeniedError)
    assert error.mailbox == "room1@x"


def test_access_policy_on_subscriptions_arrives_as_extension_error():
    message = "Operation: Create; Exception: [Status Code: Forbidden; Reason: Access to OData is disabled.]"
    error = error_from_status(403, "ExtensionError", message, mailbox="r@x")
    assert isinstance(error, MailboxAccessDeniedError)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ErrorAccessDenied", "Access is denied. Check credentials and try again."),
        (
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        ),
    ],
)
def test_missing_consent_403_is_an_auth_error(code, message):
    error = error_from_status(403, code, message)
    assert isinstance(error, GraphAuthError)
    assert error.kind is GraphAuthKind.CONSENT_MISSING


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("ErrorInvalidUser", MailboxProblem.NO_SUCH_MAILBOX),
        ("Request_ResourceNotFound", MailboxProblem.NO_SUCH_MAILBOX),
        ("MailboxNotEnabledForRESTAPI", MailboxProblem.NO_EXCHANGE_MAILBOX),
    ],
)
def test_mailbox_codes_name_the_problem(code, problem):
    error = error_from_status(404, code, "…", mailbox="x@y")
    assert isinstance(error, MailboxNotFoundError)
    assert error.problem is problem


def test_status_codes_map_to_their_classes():
    assert type(error_from_status(404, "ErrorItemNotFound", "")) is GraphNotFoundError
    assert isinstance(
        error_from_status(410, "SyncStateNotFound", ""), DeltaExpiredError
    )
    assert isinstance(error_from_status(500, "UnknownError", ""), GraphTransientError)
    assert isinstance(
        error_from_status(412, "ErrorIrresolvableConflict", ""), GraphRequestError
    )
    assert isinstance(
        error_from_status(401, "InvalidAuthenticationToken", ""), GraphAuthError
    )


def test_throttling_carries_retry_after():
    # when
    throttled = error_from_status(
        429, "ApplicationThrottled", "", headers={"Retry-After": "7"}
    )
    unavailable = error_from_status(503, None, "", headers={"retry-after": "2"})

    # then
    assert isinstance(throttled, GraphThrottledError)
    assert throttled.retry_after_seconds == 7
    assert isinstance(unavailable, GraphThrottledError)


def test_retry_after_accepts_http_dates_in_the_past_as_zero():
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0
    assert retry_after_seconds({}) is None
