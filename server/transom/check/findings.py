"""One line of ``transom check``'s answer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """``area`` (``database``, ``tenant Contoso``…), what was found, and for a
    problem how to fix it."""

    area: str
    ok: bool
    message: str
    fix: str | None = None

    @classmethod
    def passed(cls, area: str, message: str) -> Finding:
        return cls(area, True, message)

    @classmethod
    def failed(cls, area: str, message: str, fix: str) -> Finding:
        return cls(area, False, message, fix)

    def line(self) -> str:
        """One line: ``ok`` or ``FAIL``, the area, the finding, the fix."""
        status = "ok  " if self.ok else "FAIL"
        text = f"{status} {self.area}: {self.message}"
        return f"{text}. Fix: {self.fix}" if self.fix else text
