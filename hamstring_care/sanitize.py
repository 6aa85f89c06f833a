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

from hamstring_care.errors import UsageError

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
    r"""Drop escape sequences and control characters; keep letters of every script and emoji.

    Line breaks are kept (``one_line`` turns them into spaces, for names), tabs become
    spaces, and Windows line ends become plain ones. A lone surrogate, the stand-in for a
    byte that was not UTF-8, is shown as that byte (``\xeb``): no output fails to encode it.
    """
    text = _ESCAPES.sub("", text.replace("\r\n", "\n"))
    kept = []
    for char in text:
        if char in _KEEP:
            kept.append(" " if char == "\t" or one_line else char)
        elif (category := unicodedata.category(char)) == "Cs":
            kept.append(_byte(char))
        elif category != "Cc":
            kept.append(char)
    result = _shown("".join(kept))
    return " ".join(result.split()) if one_line else result


def visible(text: str) -> str:
    r"""Show control characters as the escapes that would type them (ESC as the letters \x1b).

    For text read from files, folders and the history: a terminal then shows an escape
    sequence as the letters it is made of instead of obeying it, and a bidirectional override
    or a zero-width character shows as \u202e or \u200b. Line breaks and tabs stay. A byte
    that was not UTF-8 (a lone surrogate, as Python reads such a file name) shows as \xeb.
    """
    if text.isprintable():  # the usual case: nothing to replace
        return text
    shown = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" and char not in _KEEP:
            shown.append(f"\\x{ord(char):02x}")
        elif category == "Cs":
            shown.append(_byte(char))
        else:
            shown.append(char)
    return _shown("".join(shown))


def _byte(surrogate: str) -> str:
    """A lone surrogate as the escape of the byte it stands for (surrogateescape)."""
    code = ord(surrogate)
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def option_text(option: str, text: str, limit: int) -> str:
    """A free-text option as given, when it is UTF-8 text of at most ``limit`` characters.

    The same limits as the plan file's fields: a name, a phone or an appointment is a line
    on a sheet, not 35 pages of it.

    Raises:
        UsageError: the text is too long, or holds bytes that were not UTF-8 (a Latin-1
            script or terminal); the message names the option.
    """
    if len(text) > limit:
        raise UsageError(f"{option}: at most {limit:,} characters, got {len(text):,}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(
            f"{option}: not UTF-8 text (the byte {_byte(text[exc.start])}); set the terminal "
            "or script that runs hamstring-care to UTF-8"
        ) from None
    return text


def visible_data(data: Any) -> Any:
    """``visible`` applied to every text in parsed data (keys too)."""
    if isinstance(data, str):
        return visible(data)
    if isinstance(data, list):
        return [visible_data(item) for item in data]
    if isinstance(data, dict):
        return {visible_data(key): visible_data(value) for key, value in data.items()}
    return data
