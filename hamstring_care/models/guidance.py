"""Guidance: advice to read, in sections (RICE for the first days, for example)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
)

from hamstring_care.models.base import (
    ItemOrText,
    Model,
    ProtocolBase,
    Text,
)

# --- guidance ---------------------------------------------------------------------------


class Section(Model):
    """A heading with its items of advice."""

    title: Text
    items: Annotated[list[ItemOrText], Field(min_length=1)]


class GuidanceProtocol(ProtocolBase):
    """Advice to read, in sections (RICE for the first days, for example)."""

    kind: Literal["guidance"]
    sections: Annotated[list[Section], Field(min_length=1)]
