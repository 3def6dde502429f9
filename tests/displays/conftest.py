import pytest

from tests.sync.outbox_harness import booking_world, world

__all__ = ["booking_world", "world"]  # door actions through the outbox


@pytest.fixture
def live_reconcile_seconds() -> float:
    """The live world's reconciliation interval; a module may shorten it."""
    return 3600.0
