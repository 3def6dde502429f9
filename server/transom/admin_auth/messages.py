"""Texts the sign-in pages show a person, translatable.

A :class:`Message` is the English text (the message id the admin UI's
catalogues translate, see ``transom.pages.languages``) with the values of its
``{placeholders}`` kept apart, so a template translates the text first and
fills the values after: ``{{ _(error.text, **error.values) }}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Message:
    text: str
    values: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        """The English text with its values filled in (for logs and tests)."""
        filled = self.text
        for key, value in self.values.items():
            filled = filled.replace("{" + key + "}", value)
        return filled
