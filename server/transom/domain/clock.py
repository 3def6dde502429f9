"""The clock: what "now" is, passed in wherever time matters (tests set it).

Domain functions take ``now`` as an argument; components that need the time
repeatedly (loops, workers, the API) receive a :data:`Clock`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware (UTC)."""


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)
