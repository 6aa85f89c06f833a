"""Counts in words: "1 session", "2 sessions", never "session(s)"."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``count(1, "page")`` is "1 page"; ``count(3, "page")`` is "3 pages"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
