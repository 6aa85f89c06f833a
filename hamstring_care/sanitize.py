"""Make untrusted text safe to show: no terminal escape sequences, no control characters.

Patient names, notes and protocol texts come from other people. Whatever they hold, a
sheet or a terminal shows them as the words they are: escape sequences (colour, cursor
moves, window titles, hyperlinks) and control characters are dropped, never interpreted.
Escaping for a format (HTML, Markdown) is the renderer's job; this is the step before it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other two-character ESC sequences, and
# the single-byte C1 forms of CSI and OSC.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]            # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])   # OSC, DCS, SOS, PM, APC ...
      .*?(?:\x07|\x1b\\|\x9c|$)                 # ... up to their terminator
    | \x1b[ -/]*[0-~]?                          # any other ESC sequence
    """,
    re.VERBOSE | re.DOTALL,
)
_KEEP = {"\n", "\t"}

# Characters that change how text around them is shown without being seen themselves:
# bidirectional embeddings, overrides and isolates (a name could display as another), and
# zero-width spaces and joiners (two names that look alike). Shown as their \u escape.
_INVISIBLE = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)
_JOINERS = frozenset("\u200c\u200d")  # part of some scripts' spelling and of emoji


def _shown(text: str) -> str:
    r"""Show the invisible formatting characters of ``_INVISIBLE`` as ``\u202e``.

    A zero-width joiner or non-joiner between two letters of a non-Latin script, or inside
    an emoji sequence, is part of the spelling and stays.
    """
    if not any(char in _INVISIBLE for char in text):
        return text
    out = []
    for i, char in enumerate(text):
        if char in _INVISIBLE:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            spelled = char in _JOINERS and before > "\u024f" and after > "\u024f"
            out.append(char if spelled else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def clean(text: str, *, one_line: bool = False) -> str:
    """Drop escape sequences and control characters; keep letters of every script and emoji.

    Line breaks are kept (``one_line`` turns them into spaces, for names), tabs become
    spaces, and Windows line ends become plain ones.
    """
    text = _ESCAPES.sub("", text.replace("\r\n", "\n"))
    kept = []
    for char in text:
        if char in _KEEP:
            kept.append(" " if char == "\t" or one_line else char)
        elif unicodedata.category(char) != "Cc":
            kept.append(char)
    result = _shown("".join(kept))
    return " ".join(result.split()) if one_line else result


def visible(text: str) -> str:
    r"""Show control characters as the escapes that would type them (ESC as the letters \x1b).

    For text read from files, folders and the history: a terminal then shows an escape
    sequence as the letters it is made of instead of obeying it, and a bidirectional override
    or a zero-width character shows as \u202e or \u200b. Line breaks and tabs stay.
    """
    if text.isprintable():  # the usual case: nothing to replace
        return text
    return _shown(
        "".join(
            f"\\x{ord(char):02x}"
            if unicodedata.category(char) == "Cc" and char not in _KEEP
            else char
            for char in text
        )
    )


def visible_data(data: Any) -> Any:
    """``visible`` applied to every text in parsed data (keys too)."""
    if isinstance(data, str):
        return visible(data)
    if isinstance(data, list):
        return [visible_data(item) for item in data]
    if isinstance(data, dict):
        return {visible_data(key): visible_data(value) for key, value in data.items()}
    return data
