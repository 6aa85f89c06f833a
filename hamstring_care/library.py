"""Find, read and validate protocol files; read answers files. The only module importing yaml.

Every document is read with its node positions, so any problem, whether a YAML syntax error,
a field of the wrong type or a rule naming a missing question, is reported as
``file:line:column: field.path: message``, all problems of a file at once.
"""

from __future__ import annotations

import functools
import os
import stat
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamstring_care.errors import InputFileError, Problem, UnknownProtocolError

if TYPE_CHECKING:
    from pydantic import ValidationError

    from hamstring_care.models import Plan, Protocol, ProtocolBase, TriageProtocol

ENV_VAR = "HAMSTRING_CARE_PROTOCOLS"
SUFFIXES = (".yaml", ".yml")
FieldPath = tuple[str | int, ...]


def bundled_dir() -> Path:
    """The protocols shipped with the program.

    In a wheel they sit inside the package; in a source checkout, at the repo root.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "protocols"
    return packaged if packaged.is_dir() else here.parent / "protocols"


def display_name(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    from hamstring_care.sanitize import visible

    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return visible(str(path))
    return visible(str(path) if rel.startswith("..") else rel)


# --- reading documents ------------------------------------------------------------------


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
        if status.st_size > MAX_FILE_BYTES:
            raise InputFileError(source, [_too_large(status.st_size)])
        with path.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)  # a device or pipe has no size to check first
    except FileNotFoundError:
        raise InputFileError(source, [Problem((), "file not found")]) from None
    except OSError as exc:
        raise InputFileError(source, [Problem((), _unreadable(exc))]) from None
    return decode(raw, source)


def read_stdin(source: str = "<stdin>") -> str:
    """Read standard input like a file: at most 1 MiB of UTF-8 text."""
    import sys

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # replaced by a text-only stream
        return decode(sys.stdin.read(MAX_FILE_BYTES + 1).encode(), source)
    return decode(stream.read(MAX_FILE_BYTES + 1), source)


def _too_large(size: int | None = None) -> Problem:
    shown = f" ({size / 1024 / 1024:.1f} MiB)" if size else ""
    return Problem((), f"larger than 1 MiB{shown}; a protocol, plan or answers file is a few kB")


def _unreadable(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ELOOP:
        return "cannot read: a symbolic link loop"
    return f"cannot read: {(exc.strerror or str(exc)).lower()}"


def decode(raw: bytes, source: str) -> str:
    """Bytes of a file as text: UTF-8 only, and never binary data or more than 1 MiB."""
    import codecs

    if len(raw) > MAX_FILE_BYTES:
        raise InputFileError(source, [_too_large()])
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

    loader_class = _plain_loader(yaml)
    if len(text) > MAX_FILE_BYTES:
        raise InputFileError(source, [_too_large()])
    if not text.strip():
        raise InputFileError(source, [Problem((), "the file is empty")])
    try:
        _check_shape(loader_class, text, source, yaml)
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


@functools.cache
def _plain_loader(yaml: Any) -> type:
    """YAML's safe loader, reading plain data only.

    On top of refusing objects: a date-like value stays text (YAML 1.1 would build a date,
    and fail on 2026-02-30), the !!timestamp, !!binary, !!set, !!omap and !!pairs tags are
    refused, and a whole number of more than 30 digits is refused before Python converts it.
    """
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    timestamp = "tag:yaml.org,2002:timestamp"

    class PlainLoader(base):  # type: ignore[misc, valid-type]
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


def validation_problems(doc: Document, error: ValidationError, model: type) -> list[Problem]:
    """Turn pydantic's errors into located problems with messages a clinician can act on."""
    from hamstring_care.models import describe

    problems: dict[FieldPath, Problem] = {}
    for err in error.errors(include_url=False):
        path, in_union = _data_path(doc.data, err["loc"], err["type"] == "missing")
        if path in problems:
            continue
        kind, value = err["type"], err.get("input")
        if in_union and kind not in ("missing", "extra_forbidden"):
            message = f"unexpected value {describe(value)}"
        elif kind == "extra_forbidden":
            message = _unknown_field(model, path)
        else:
            message = _message(kind, err, path, describe(value))
        problems[path] = doc.problem(path, message, at_key=kind == "extra_forbidden")
    return list(problems.values())


def _data_path(data: Any, loc: tuple[Any, ...], missing: bool) -> tuple[FieldPath, bool]:
    # pydantic adds union member names to a location; keep only parts that exist in the data.
    path: list[str | int] = []
    in_union = False
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if (isinstance(node, list) and isinstance(part, int) and part < len(node)) or (
            isinstance(node, dict) and part in node
        ):
            node = node[part]
        elif missing and last:
            pass
        else:
            in_union = True
            continue
        path.append(part)
    return tuple(path), in_union


_MESSAGES = {
    "missing": "required field is missing",
    "string_type": "expected text, got {got}",
    "int_type": "expected a whole number, got {got}",
    "bool_type": "expected true or false, got {got}",
    "list_type": "expected a list, got {got}",
    "dict_type": "expected a mapping (key: value lines), got {got}",
    "model_type": "expected a mapping (key: value lines), got {got}",
    "literal_error": "expected one of {expected}, got {got}",
    "enum": "expected one of {expected}, got {got}",
    "too_short": "must not be empty",
    "string_too_short": "must not be empty",
    "string_too_long": "{max_length} characters at most, so it fits one line of a terminal",
}


def _message(kind: str, err: Mapping[str, Any], path: FieldPath, got: str) -> str:
    if kind == "string_pattern_mismatch":
        if path and path[-1] == "version":
            return f'expected a version like "1.0", got {got}'
        if path and path[-1] == "illustration":
            return (
                "expected the file name of an SVG in the illustrations folder, "
                f"like roller-thigh.svg, got {got}"
            )
        return f"expected an id of lower-case letters, digits, - and _, got {got}"
    template = _MESSAGES.get(kind)
    if template is None:
        msg = str(err["msg"])
        return msg[:1].lower() + msg[1:]
    return template.format(got=got, **err.get("ctx", {}))


def _unknown_field(model: type, path: FieldPath) -> str:
    allowed = _fields_at(model, path[:-1])
    if not allowed:
        return "unknown field"
    close = get_close_matches(str(path[-1]), allowed, n=1)
    hint = f'; did you mean "{close[0]}"?' if close else f"; allowed here: {', '.join(allowed)}"
    return "unknown field" + hint


def _fields_at(model: Any, path: FieldPath) -> list[str]:
    # Follow the type annotations down the path to the model whose fields apply there.
    from pydantic import BaseModel

    current: Any = model
    for part in (*path, None):
        for _ in range(8):  # unwrap Annotated, X | None, list[X] and dict[str, X]
            args = typing.get_args(current)
            origin = typing.get_origin(current)
            if origin is typing.Annotated:
                current = args[0]
            elif (
                origin in (list, dict)
                and part is not None
                and (isinstance(part, int) or origin is dict)
            ):
                current = args[-1]
                break
            elif args and origin not in (list, dict, typing.Literal):
                models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
                current = models[0] if models else args[0]
            else:
                break
        if part is None:
            break
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            info = next(
                (f for n, f in current.model_fields.items() if (f.alias or n) == part), None
            )
            if info is None:
                return []
            current = info.annotation
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


# --- protocols --------------------------------------------------------------------------


def load_protocol(path: Path, source: str | None = None) -> Protocol:
    """Read one protocol file and validate it; raise ``InputFileError`` listing every problem."""
    return read_protocol(path, source)[0]


def read_protocol(path: Path, source: str | None = None) -> tuple[Protocol, Document]:
    """Like ``load_protocol``, also returning the document, to locate further findings."""
    from pydantic import ValidationError

    from hamstring_care import models

    doc = read_document(path, source)
    if not isinstance(doc.data, dict):
        doc.fail([((), "expected a mapping of fields (id, version, title, kind, ...)")])
    kind = doc.data.get("kind")
    model = models.MODELS.get(kind) if isinstance(kind, str) else None
    try:
        if model is None:
            _Header().model_validate(doc.data)
            kind_problem = doc.problem(
                ("kind",), "expected one of 'triage', 'guidance' or 'routine'"
            )
            raise InputFileError(doc.source, [kind_problem])
        protocol = typing.cast("Protocol", model.model_validate(doc.data))
    except ValidationError as exc:
        problems = validation_problems(doc, exc, model or models.ProtocolBase)
        if model is None and not any(p.path == ("kind",) for p in problems):
            problems.append(
                doc.problem(("kind",), "expected one of 'triage', 'guidance' or 'routine'")
            )
        raise InputFileError(doc.source, problems) from None
    found = models.cross_check(protocol)
    if protocol.id != path.stem:
        found.insert(0, (("id",), f'"{protocol.id}" must match the file name "{path.stem}"'))
    if isinstance(protocol, models.RoutineProtocol):
        for i, step in enumerate(protocol.steps):
            if step.illustration:
                problem = illustration_problem(path.parent, step.illustration)
                if problem:
                    found.append((("steps", i, "illustration"), problem))
    doc.fail(found)
    return protocol, doc


ILLUSTRATIONS = "illustrations"


def find_illustration(folder: Path, name: str) -> Path | None:
    """The SVG a step names: in ``folder/illustrations/``, else among the bundled ones.

    A file that leads out of its illustrations folder (a symbolic link elsewhere), and an
    illustrations folder that leads out of its protocol folder, are refused, so a shared
    protocol cannot make the program read any other file.
    """
    for owner in (folder, bundled_dir()):
        base = owner / ILLUSTRATIONS
        candidate = base / name
        inside = _stays_inside(base, owner) and _stays_inside(candidate, base)
        if inside and candidate.is_file():
            return candidate
    return None


def illustration_problem(folder: Path, name: str) -> str | None:
    """Why a step's drawing cannot be found (missing, or its folder leads elsewhere), or None.

    Cheap, for every load; what a drawing holds is checked where drawings are used: by
    ``drawing_findings`` for ``protocols validate``, and again as a sheet reads them.
    """
    if find_illustration(folder, name) is not None:
        return None
    base = folder / ILLUSTRATIONS
    if base.is_symlink() and not _stays_inside(base, folder):
        return f"{ILLUSTRATIONS}/ leads outside its protocol folder; drawings must live in it"
    return f"no file {ILLUSTRATIONS}/{name} beside this file or among the bundled protocols"


def drawing_findings(protocol: Protocol, folder: Path) -> list[tuple[FieldPath, str]]:
    """Each drawing of a routine that cannot be read or is not self-contained, located."""
    from hamstring_care.drawings import read_drawing

    found: list[tuple[FieldPath, str]] = []
    for i, step in enumerate(getattr(protocol, "steps", [])):
        path = find_illustration(folder, step.illustration) if step.illustration else None
        if path is None:
            continue  # none named, or missing: the load reported that
        try:
            read_drawing(path)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            found.append(
                (("steps", i, "illustration"), f"{ILLUSTRATIONS}/{step.illustration}: {reason}")
            )
    return found


def _stays_inside(path: Path, folder: Path) -> bool:
    # Where the links lead, not where the names point; a link loop leads nowhere.
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def load_plan(path: Path, library: Library, source: str | None = None) -> Plan:
    """Read and validate a plan file (``-`` reads standard input); raise ``InputFileError``."""
    return parse_plan(read_document(path, source), library)


def parse_plan(doc: Document, library: Library) -> Plan:
    """Validate a parsed plan: its fields, then that each protocol exists and can be given."""
    from pydantic import ValidationError

    from hamstring_care.errors import HamstringCareError
    from hamstring_care.models import Plan, RoutineProtocol, TriageProtocol

    if not isinstance(doc.data, dict):
        doc.fail([((), "expected a mapping of fields (patient, protocols, ...)")])
    try:
        plan = Plan.model_validate(doc.data)
    except ValidationError as exc:
        raise InputFileError(doc.source, validation_problems(doc, exc, Plan)) from None
    found: list[tuple[FieldPath, str]] = []
    first: dict[str, int] = {}
    for i, item in enumerate(plan.protocols):
        if item.id in first:
            line = doc.problem(("protocols", first[item.id], "id"), "").line
            where = f" (line {line})" if line else ""
            found.append(
                (("protocols", i, "id"), f"{item.id} is already in this plan{where}; list it once")
            )
            continue
        first[item.id] = i
        try:
            protocol = library.get(item.id)
        except UnknownProtocolError:
            known = ", ".join(p for p in library.entries() if p != "triage")
            found.append((("protocols", i, "id"), f'no protocol "{item.id}"; known: {known}'))
            continue
        except HamstringCareError as error:
            found.append((("protocols", i, "id"), f"{item.id} cannot be used: {error.lines[0]}"))
            continue
        if isinstance(protocol, TriageProtocol):
            found.append((("protocols", i, "id"), "the triage is asked, not prescribed"))
        elif not isinstance(protocol, RoutineProtocol):
            for name in ("hold", "side"):
                if name in doc.data["protocols"][i]:
                    found.append(
                        (
                            ("protocols", i, name),
                            f"{name} goes with routines; {item.id} is guidance",
                        )
                    )
    doc.fail(found)
    return plan


@cache
def _Header() -> type[ProtocolBase]:
    from pydantic import ConfigDict

    from hamstring_care.models import ProtocolBase

    class Header(ProtocolBase):
        model_config = ConfigDict(extra="ignore")

    return Header


def scan_folder(folder: Path) -> tuple[list[Path], list[str]]:
    """The protocol files of a folder, sorted, and a line for each one that cannot be read.

    A symbolic link loop, a link to nothing, an unreadable file or a device or pipe named
    like a protocol is skipped, never opened, and reported, so one bad file in a shared
    folder does not stop the others from loading.
    """
    try:
        children = sorted(folder.iterdir())
    except FileNotFoundError:
        raise UnknownProtocolError(f"protocols folder not found: {display_name(folder)}") from None
    except NotADirectoryError:
        raise UnknownProtocolError(f"not a folder: {display_name(folder)}") from None
    except OSError as exc:
        raise UnknownProtocolError(
            f"protocols folder {display_name(folder)}: {_unreadable(exc)}"
        ) from None
    files: list[Path] = []
    skipped: list[str] = []
    for path in children:
        if path.suffix not in SUFFIXES:
            continue
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            missing = isinstance(exc, FileNotFoundError)  # listed, so a link to nothing
            reason = "a symbolic link to nothing" if missing else _unreadable(exc)
            skipped.append(f"{display_name(path)}: {reason}; skipped")
            continue
        if stat.S_ISDIR(mode):
            continue
        if not stat.S_ISREG(mode):
            skipped.append(f"{display_name(path)}: not a regular file; skipped")
        elif not os.access(path, os.R_OK):
            skipped.append(f"{display_name(path)}: cannot read: permission denied; skipped")
        else:
            files.append(path)
    return files, skipped


@dataclass(frozen=True)
class Entry:
    """A protocol id, the file that provides it, and the files it overrides."""

    id: str
    path: Path
    overrides: tuple[Path, ...] = ()
    bundled: bool = False


def protocol_dirs(
    extra: Sequence[Path] = (),
    environ: Mapping[str, str] | None = None,
    user_folder: Path | None = None,
) -> list[Path]:
    """Folders to search, weakest first.

    Bundled, then the user protocol folder (when it exists), then the folders in
    $HAMSTRING_CARE_PROTOCOLS, then each --protocols-dir.
    """
    environ = os.environ if environ is None else environ
    from_env = [Path(p) for p in environ.get(ENV_VAR, "").split(os.pathsep) if p]
    user = [user_folder] if user_folder is not None and user_folder.is_dir() else []
    return [bundled_dir(), *user, *from_env, *extra]


class Library:
    """The protocols of several folders, a later folder's file overriding an earlier one's by id.

    A protocol's id is its file name, so finding one reads only that file.
    """

    def __init__(
        self, dirs: Sequence[Path], warn: typing.Callable[[str], None] | None = None
    ) -> None:
        self.dirs = list(dirs)
        self.warn = warn
        self._loaded: dict[str, Protocol] = {}
        self._entries: dict[str, Entry] | None = None

    def entries(self) -> dict[str, Entry]:
        """Every protocol id with the file that wins, sorted by id.

        Files that cannot be read are left out, each reported once through ``warn``.
        """
        if self._entries is None:
            bundled = bundled_dir()
            found: dict[str, Entry] = {}
            for folder in self.dirs:
                files, skipped = scan_folder(folder)
                if self.warn is not None:
                    for line in skipped:
                        self.warn(line)
                for path in files:
                    before = found.get(path.stem)
                    overrides = (*before.overrides, before.path) if before else ()
                    found[path.stem] = Entry(path.stem, path, overrides, folder == bundled)
            self._entries = dict(sorted(found.items()))
        return self._entries

    def get(self, pid: str) -> Protocol:
        """Load (once) and return the protocol with this id."""
        if pid not in self._loaded:
            entry = self.entries().get(pid)
            if entry is None:
                known = ", ".join(self.entries()) or "none"
                raise UnknownProtocolError(f'no protocol "{pid}"; known protocols: {known}')
            self._loaded[pid] = load_protocol(entry.path)
        return self._loaded[pid]

    def illustration(self, pid: str, name: str) -> Path | None:
        """The SVG file a step of protocol ``pid`` names, found beside that protocol's file."""
        return find_illustration(self.entries()[pid].path.parent, name)

    def triage(self) -> TriageProtocol:
        """The triage protocol (id ``triage``)."""
        from hamstring_care.models import TriageProtocol

        protocol = self.get("triage")
        if not isinstance(protocol, TriageProtocol):
            raise UnknownProtocolError(
                f"{display_name(self.entries()['triage'].path)}: "
                f"kind: expected triage, got {protocol.kind}"
            )
        return protocol
