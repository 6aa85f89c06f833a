"""Bytes to YAML within limits: the only module importing yaml.

Every document is read with its node positions, so any problem, whether a YAML syntax error,
a field of the wrong type or a rule naming a missing question, is reported as
``file:line:column: field.path: message``, all problems of a file at once.
"""

from __future__ import annotations

import functools
import os
import stat
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hamstring_care.errors import InputFileError, Problem

FieldPath = tuple[str | int, ...]


def display_name(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    from hamstring_care.sanitize import visible

    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return visible(str(path))
    return visible(str(path) if rel.startswith("..") else rel)


@dataclass
class Document:
    """Parsed YAML (or JSON) with the 1-based line and column of every value and key."""

    source: str
    data: Any
    values: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)

    def problem(self, path: FieldPath, message: str, *, at_key: bool = False) -> Problem:
        """A problem located at ``path``, or at its nearest enclosing value that exists."""
        place = self.keys.get(path) if at_key else None
        trail = path
        while place is None:
            place = self.values.get(trail)
            if not trail:
                break
            trail = trail[:-1]
        line, column = place or (None, None)
        return Problem(path, message, line, column)

    def fail(self, found: Iterable[tuple[FieldPath, str]]) -> None:
        """Raise one error listing every problem found, if there are any."""
        problems = [self.problem(path, message) for path, message in found]
        if problems:
            raise InputFileError(self.source, problems)


MAX_FILE_BYTES = 1024 * 1024  # protocol, plan and answers files are a few kB
MAX_DEPTH = 40  # mappings and lists inside each other; the triage file needs 8
MAX_VALUES = 20_000  # values in one document; the triage file, the largest, holds under 1,000
MAX_ALIASED_VALUES = 10_000  # of which YAML aliases (*name) may repeat, all together


def read_text(path: Path, source: str) -> str:
    """Read a UTF-8 text file of at most 1 MiB, turning every way it can fail into an error."""
    return decode(read_bytes(path, source), source)


def read_bytes(
    path: Path, source: str, limit: int = MAX_FILE_BYTES, usual: str | None = None
) -> bytes:
    """A regular file's bytes, at most ``limit`` (1 MiB); every way it can fail becomes an error.

    ``usual`` says how large such a file usually is, when it is too large.
    """
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise InputFileError(source, [Problem((), "is a folder, not a file")])
        if not stat.S_ISREG(status.st_mode):
            # Reading a pipe or a device could wait for ever or never end: only - reads one.
            kind = "a named pipe" if stat.S_ISFIFO(status.st_mode) else "not a regular file"
            raise InputFileError(
                source, [Problem((), f"is {kind}; give a file, or - to read standard input")]
            )
        if status.st_size > limit:
            raise InputFileError(source, [_too_large(status.st_size, limit, usual)])
        with path.open("rb") as stream:
            raw = stream.read(limit + 1)  # a device or pipe has no size to check first
    except FileNotFoundError:
        raise InputFileError(source, [Problem((), "file not found")]) from None
    except OSError as exc:
        raise InputFileError(source, [Problem((), unreadable(exc))]) from None
    if len(raw) > limit:
        raise InputFileError(source, [_too_large(None, limit, usual)])
    return raw


def read_stdin(source: str = "<stdin>") -> str:
    """Read standard input like a file: at most 1 MiB of UTF-8 text."""
    import sys

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # replaced by a text-only stream
        return decode(sys.stdin.read(MAX_FILE_BYTES + 1).encode(), source)
    return decode(stream.read(MAX_FILE_BYTES + 1), source)


def _too_large(
    size: int | None = None, limit: int = MAX_FILE_BYTES, usual: str | None = None
) -> Problem:
    shown = f" ({size / 1024 / 1024:.1f} MiB)" if size else ""
    usual = usual or "a protocol, plan or answers file is a few kB"
    return Problem((), f"larger than {limit // 1024 // 1024} MiB{shown}; {usual}")


def unreadable(exc: OSError) -> str:
    """Why a file could not be read, in a few words."""
    import errno

    if exc.errno == errno.ELOOP:
        return "cannot read: a symbolic link loop"
    return f"cannot read: {(exc.strerror or str(exc)).lower()}"


def decode(raw: bytes, source: str, limit: int = MAX_FILE_BYTES) -> str:
    """Bytes of a file as text: UTF-8 only, and never binary data or more than ``limit``."""
    import codecs

    if len(raw) > limit:
        raise InputFileError(source, [_too_large(None, limit)])
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE 00 00
        raise InputFileError(source, [Problem((), "UTF-32 text; save the file as UTF-8")])
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputFileError(source, [Problem((), "UTF-16 text; save the file as UTF-8")])
    if b"\0" in raw:
        raise InputFileError(source, [Problem((), "a binary file, not YAML text")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        message = f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise InputFileError(source, [Problem((), message, line, column)]) from None


def parse_document(text: str, source: str) -> Document:
    r"""Parse YAML safely (plain data only, no object construction) and record positions.

    The event stream is checked first, so that a document nested too deep or whose aliases
    would repeat too much (an "alias bomb") is refused before any of it is built. Control
    characters in text are made visible (ESC as the letters \x1b): no file drives the terminal.
    """
    import yaml

    loader_class = _plain_loader(_fastest_loader(yaml))
    if len(text) > MAX_FILE_BYTES:
        raise InputFileError(source, [_too_large()])
    if not text.strip():
        raise InputFileError(source, [Problem((), "the file is empty")])
    try:
        _check_shape_in_own_words(loader_class, text, source, yaml)
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "not valid YAML"
        if exc.problem and "constructor for the tag" in exc.problem:
            message = _refused_tag(exc.problem)
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        lines = text.splitlines()
        if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            message += " (indent with spaces, not tabs)"
        raise InputFileError(source, [Problem((), f"YAML: {message}", line, col)]) from None
    except yaml.YAMLError as exc:
        raise InputFileError(source, [Problem((), f"YAML: {exc}")]) from None
    if node is None:
        raise InputFileError(source, [Problem((), "the file holds no data")])
    from hamstring_care.sanitize import visible_data

    doc = Document(source, visible_data(data))
    duplicates: list[Problem] = []
    _record_positions(node, (), doc, duplicates, yaml)
    if duplicates:
        raise InputFileError(source, duplicates)
    return doc


MAX_DIGITS = 30  # a whole number longer than this is no dose, day or age


def _fastest_loader(yaml: Any) -> type:
    """The C (libyaml) safe loader where PyYAML was built with it, else the pure-Python one."""
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # type: ignore[no-any-return]


@functools.cache
def _plain_loader(base: Any) -> type:
    """YAML's safe loader ``base``, reading plain data only.

    On top of refusing objects: a date-like value stays text (YAML 1.1 would build a date,
    and fail on 2026-02-30), the !!timestamp, !!binary, !!set, !!omap and !!pairs tags are
    refused, and a whole number of more than 30 digits is refused before Python converts it.
    """
    import yaml

    timestamp = "tag:yaml.org,2002:timestamp"

    class PlainLoader(base):  # type: ignore[misc]
        yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML reads this class attribute
            first: [(tag, pattern) for tag, pattern in resolvers if tag != timestamp]
            for first, resolvers in base.yaml_implicit_resolvers.items()
        }

    def refuse(loader: Any, node: Any) -> typing.NoReturn:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"could not determine a constructor for the tag '{node.tag}'",
            node.start_mark,
        )

    for name in ("timestamp", "binary", "set", "omap", "pairs"):
        PlainLoader.add_constructor(f"tag:yaml.org,2002:{name}", refuse)

    def whole_number(loader: Any, node: Any) -> int:
        digits = sum(char.isdigit() for char in node.value)
        if digits > MAX_DIGITS:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a number of {digits:,} digits; at most {MAX_DIGITS}",
                node.start_mark,
            )
        return int(loader.construct_yaml_int(node))

    PlainLoader.add_constructor("tag:yaml.org,2002:int", whole_number)
    return PlainLoader


def _refused_tag(problem: str) -> str:
    # "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object...'"
    tag = problem.rpartition(" ")[2].strip("'").replace("tag:yaml.org,2002:", "!!")
    return f"the tag {tag} is not allowed; only text, numbers, true/false, lists and mappings"


def _check_shape_in_own_words(loader_class: type, text: str, source: str, yaml: Any) -> None:
    # libyaml's scanner reads ahead, and since PyYAML 6.0.3 it stops on its own at 1,000
    # nested levels, in its own words, before our event check reaches level 41. Such a file
    # is always over our limit: check it again with the pure-Python scanner, which reads
    # lazily, so that every PyYAML 6.x, with or without libyaml, gives the same line.
    try:
        _check_shape(loader_class, text, source, yaml)
    except yaml.YAMLError as exc:
        if "maximum nesting depth" not in str(exc) or loader_class is _plain_loader(
            yaml.SafeLoader
        ):
            raise
        _check_shape(_plain_loader(yaml.SafeLoader), text, source, yaml)
        raise  # unreachable in practice: the pure check refuses first


def _check_shape(loader_class: type, text: str, source: str, yaml: Any) -> None:
    # From the parser's events, before anything is built: how deep the document nests, how
    # many values it holds, and how many its aliases repeat (an alias repeats every value
    # under its anchor, so nine lines can stand for a billion values).
    def refuse(event: Any, message: str) -> typing.NoReturn:
        mark = event.start_mark
        raise InputFileError(source, [Problem((), message, mark.line + 1, mark.column + 1)])

    sizes: dict[str, int] = {}  # values under each anchor
    open_anchors: list[str | None] = []  # of the collections being read, outermost first
    counts = [0]  # values inside each of them so far (the first: the whole document)
    total = repeated = 0
    loader = loader_class(text)
    try:
        while not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(open_anchors) >= MAX_DEPTH:
                    refuse(event, f"YAML: nested more than {MAX_DEPTH} levels deep")
                open_anchors.append(event.anchor)
                counts.append(0)
                total += 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                size = counts.pop() + 1
                anchor = open_anchors.pop()
                if anchor is not None:
                    sizes[anchor] = size
                counts[-1] += size
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor in open_anchors:
                    refuse(event, f"YAML: the alias *{event.anchor} is inside its own anchor")
                size = sizes.get(event.anchor, 1)
                repeated += size
                total += size
                counts[-1] += size
                if repeated > MAX_ALIASED_VALUES:
                    refuse(
                        event,
                        f"YAML: aliases (*name) repeat more than {MAX_ALIASED_VALUES:,} "
                        "values; write the values out instead",
                    )
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor is not None:
                    sizes[event.anchor] = 1
                counts[-1] += 1
                total += 1
            if total > MAX_VALUES:
                refuse(
                    event,
                    f"YAML: more than {MAX_VALUES:,} values; "
                    "too many for a protocol, plan or answers file",
                )
    finally:
        loader.dispose()


def within_limits(data: Any) -> bool:
    """True when plain data keeps every limit a YAML file is held to.

    For data that did not come through the YAML parser (the cache's JSON): only mappings
    with text keys, lists, text, numbers, true/false and null; at most ``MAX_DEPTH`` levels,
    ``MAX_VALUES`` values counted as the parser counts them (a mapping, each key and each
    value) and whole numbers of at most ``MAX_DIGITS`` digits. Walked without recursion, so
    no shape of data can exhaust the stack.
    """
    total = 0
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        total += 1
        if total > MAX_VALUES:
            return False
        if isinstance(value, dict):
            if depth >= MAX_DEPTH or not all(isinstance(key, str) for key in value):
                return False
            total += len(value)  # the keys
            pending += [(item, depth + 1) for item in value.values()]
        elif isinstance(value, list):
            if depth >= MAX_DEPTH:
                return False
            pending += [(item, depth + 1) for item in value]
        elif isinstance(value, bool) or value is None or isinstance(value, (str, float)):
            continue
        elif isinstance(value, int):
            if abs(value) >= 10**MAX_DIGITS:
                return False
        else:
            return False
    return True


def _record_positions(
    node: Any, path: FieldPath, doc: Document, dupes: list[Problem], yaml: Any
) -> None:
    from hamstring_care.sanitize import visible

    doc.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            key = visible(key)
            child = (*path, key)
            mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if child in doc.keys:
                dupes.append(Problem(child, "this key appears twice", *mark))
            if key_node.tag.endswith((":bool", ":int", ":float", ":null")):
                # YAML 1.1 reads an unquoted yes, no, on, off or 1 as a value, not a name.
                dupes.append(
                    Problem(
                        child,
                        f"the key {key} is read as {_key_reading(key_node.tag)}; "
                        f'put it in quotes ("{key}") if you mean the word',
                        *mark,
                    )
                )
            doc.keys[child] = mark
            _record_positions(value_node, child, doc, dupes, yaml)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_positions(item, (*path, i), doc, dupes, yaml)


def _key_reading(tag: str) -> str:
    kind = tag.rpartition(":")[2]
    return {"bool": "true or false", "null": "nothing"}.get(kind, "a number")


def read_document(path: Path, source: str | None = None) -> Document:
    """Read and parse a YAML or JSON file (JSON is read as the YAML it also is).

    A path of ``-`` reads standard input.
    """
    if str(path) == "-":
        return parse_document(read_stdin(), source or "<stdin>")
    source = source or display_name(path)
    return parse_document(read_text(path, source), source)


# --- validation errors ------------------------------------------------------------------
