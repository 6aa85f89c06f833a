"""Protocol folders and files: finding, loading (validated), illustrations, plan files.

A protocol's id is its file name; later folders override earlier ones by id.
"""

from __future__ import annotations

import os
import stat
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, overload

from hamstring_care.errors import HamstringCareError, InputFileError, UnknownProtocolError
from hamstring_care.source.reading import (
    Document,
    FieldPath,
    decode,
    display_name,
    parse_document,
    read_bytes,
    read_document,
    unreadable,
)

if TYPE_CHECKING:
    from pydantic import ValidationError

    from hamstring_care.errors import Problem
    from hamstring_care.models import AnyProtocol, Clinic, Plan, ProtocolBase, TriageProtocol
    from hamstring_care.source.cache import ParsedCache
    from hamstring_care.vocab import Kind

P = TypeVar("P", bound="ProtocolBase")


def _kind_of(model: type[ProtocolBase]) -> Kind:
    """The kind a model class is of (its ``kind`` field's one value)."""
    from hamstring_care.vocab import Kind

    return Kind(typing.get_args(model.model_fields["kind"].annotation)[0])


ENV_VAR = "HAMSTRING_CARE_PROTOCOLS"
SUFFIXES = (".yaml", ".yml")


def did_you_mean(given: str, known: typing.Iterable[str]) -> str:
    """`` (did you mean "rice"?)`` when a known id is close to the one given, else nothing."""
    from difflib import get_close_matches

    close = get_close_matches(given, list(known), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def bundled_dir() -> Path:
    """The protocols shipped with the program.

    In a wheel they sit inside the package; in a source checkout, at the repo root.
    """
    here = Path(__file__).resolve().parent.parent
    packaged = here / "protocols"
    return packaged if packaged.is_dir() else here.parent / "protocols"


# --- protocols --------------------------------------------------------------------------


KIND_EXPECTED = "expected one of 'triage', 'guidance', 'routine' or 'program'"


def load_protocol(
    path: Path, source: str | None = None, cache: ParsedCache | None = None
) -> AnyProtocol:
    """Read one protocol file and validate it; raise ``InputFileError`` listing every problem.

    With a ``cache``, a file read before (the same bytes) is neither parsed nor validated
    again: the cache gives the protocol as it was validated, sealed for these very bytes and
    this very code (``source/cache.py``), and it is rebuilt as it was. What depends on where
    the file is (its name, its drawings) is checked again; anything wrong, and the file is
    simply read in full.
    """
    source = source or display_name(path)
    raw = read_bytes(path, source)
    sealed = cache.get(raw) if cache is not None else None
    if sealed is not None:
        protocol = _rebuilt(path, sealed)
        if protocol is not None:
            return protocol
    doc = parse_document(decode(raw, source), source)
    protocol = validate_protocol(path, doc)
    if cache is not None:
        from hamstring_care.models import dumped

        cache.put(raw, dumped(protocol))
    return protocol


def _validation_problems(doc: Document, exc: ValidationError, model: type) -> list[Problem]:
    """What pydantic found, in the file's own words (worded only when a file has problems)."""
    from hamstring_care.source.problems import validation_problems

    return validation_problems(doc, exc, model)


def _rebuilt(path: Path, sealed: object) -> AnyProtocol | None:
    """The protocol a sealed entry holds, if it can be made again and its place still fits."""
    from hamstring_care import models

    kind = sealed.get("kind") if isinstance(sealed, dict) else None
    model = models.model_for(kind) if isinstance(kind, str) else None
    if model is None:
        return None
    try:
        protocol = typing.cast("AnyProtocol", models.rebuild(model, sealed))  # type: ignore[arg-type]
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError):
        return None  # not what this code writes: read the file
    fits = not _name_findings(path, protocol) and not _missing_drawings(path, protocol)
    return protocol if fits else None


def read_protocol(path: Path, source: str | None = None) -> tuple[AnyProtocol, Document]:
    """Like ``load_protocol``, also returning the document, to locate further findings."""
    doc = read_document(path, source)
    return validate_protocol(path, doc), doc


def validate_protocol(path: Path, doc: Document) -> AnyProtocol:
    """The protocol a parsed file describes, checked in full.

    Fields, cross-references, its id against the file name, its illustrations:
    ``InputFileError`` lists every problem.
    """
    from pydantic import ValidationError

    from hamstring_care import models

    if not isinstance(doc.data, dict):
        doc.fail([((), "expected a mapping of fields (id, version, title, kind, ...)")])
    kind = doc.data.get("kind")
    model = models.model_for(kind) if isinstance(kind, str) else None
    try:
        if model is None:
            _Header().model_validate(doc.data)
            kind_problem = doc.problem(("kind",), KIND_EXPECTED)
            raise InputFileError(doc.source, [kind_problem])
        protocol = typing.cast("AnyProtocol", model.model_validate(doc.data))
    except ValidationError as exc:
        problems = _validation_problems(doc, exc, model or models.ProtocolBase)
        if model is None and not any(p.path == ("kind",) for p in problems):
            problems.append(doc.problem(("kind",), KIND_EXPECTED))
        raise InputFileError(doc.source, problems) from None
    found = models.cross_check(protocol)
    doc.fail(_name_findings(path, protocol) + found + _missing_drawings(path, protocol))
    return protocol


# What depends on where a file is, checked again when the cache gives its protocol.


def _name_findings(path: Path, protocol: AnyProtocol) -> list[tuple[FieldPath, str]]:
    if protocol.id == path.stem:
        return []
    return [(("id",), f'"{protocol.id}" must match the file name "{path.stem}"')]


def _missing_drawings(path: Path, protocol: AnyProtocol) -> list[tuple[FieldPath, str]]:
    found: list[tuple[FieldPath, str]] = []
    if protocol.kind == "routine":
        for i, step in enumerate(protocol.steps):
            if step.illustration:
                problem = illustration_problem(path.parent, step.illustration)
                if problem:
                    found.append((("steps", i, "illustration"), problem))
    return found


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


def drawing_findings(protocol: AnyProtocol, folder: Path) -> list[tuple[FieldPath, str]]:
    """Each drawing of a routine that cannot be read or is not self-contained, located."""
    from hamstring_care.source.drawings import read_drawing

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


def load_clinic(path: Path) -> Clinic:
    """Read and validate a clinic settings file; raise ``InputFileError`` listing problems."""
    from pydantic import ValidationError

    from hamstring_care.models import Clinic

    doc = read_document(path)
    if not isinstance(doc.data, dict):
        doc.fail([((), "expected a mapping of fields (clinic, clinic_phone, ...)")])
    try:
        return Clinic.model_validate(doc.data)
    except ValidationError as exc:
        raise InputFileError(doc.source, _validation_problems(doc, exc, Clinic)) from None


def load_plan(path: Path, library: Library, source: str | None = None) -> Plan:
    """Read and validate a plan file (``-`` reads standard input); raise ``InputFileError``."""
    return parse_plan(read_document(path, source), library)


def parse_plan(doc: Document, library: Library) -> Plan:
    """Validate a parsed plan: its fields, then that each protocol exists and can be given."""
    from pydantic import ValidationError

    from hamstring_care.errors import HamstringCareError
    from hamstring_care.models import Plan, ProgramProtocol, RoutineProtocol, TriageProtocol

    if not isinstance(doc.data, dict):
        doc.fail([((), "expected a mapping of fields (patient, protocols, ...)")])
    try:
        plan = Plan.model_validate(doc.data)
    except ValidationError as exc:
        raise InputFileError(doc.source, _validation_problems(doc, exc, Plan)) from None
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
        given = doc.data["protocols"][i]
        if isinstance(protocol, TriageProtocol):
            found.append((("protocols", i, "id"), "the triage is asked, not prescribed"))
            continue
        if not isinstance(protocol, RoutineProtocol):
            for name in ("hold",) if isinstance(protocol, ProgramProtocol) else ("hold", "side"):
                if name in given:
                    found.append(
                        (
                            ("protocols", i, name),
                            f"{name} goes with routines; {item.id} is {protocol.can.words}",
                        )
                    )
        if not isinstance(protocol, ProgramProtocol):
            for name in ("stage", "pain_limit"):
                if name in given:
                    found.append(
                        (
                            ("protocols", i, name),
                            f"{name} goes with programs; {item.id} is {protocol.can.words}",
                        )
                    )
            continue
        if item.stage is not None and protocol.stage_index(item.stage) is None:
            stages = ", ".join(s.id for s in protocol.stages)
            found.append((("protocols", i, "stage"), f"expected one of {stages}"))
        if item.pain_limit is not None and item.pain_limit > protocol.pain_limit:
            found.append(
                (
                    ("protocols", i, "pain_limit"),
                    f"at most {protocol.pain_limit}, the limit {item.id} gives from its sources",
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
            f"protocols folder {display_name(folder)}: {unreadable(exc)}"
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
            reason = "a symbolic link to nothing" if missing else unreadable(exc)
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
        self,
        dirs: Sequence[Path],
        warn: typing.Callable[[str], None] | None = None,
        cache: ParsedCache | None = None,
    ) -> None:
        self.dirs = list(dirs)
        self.warn = warn
        self.cache = cache
        self._loaded: dict[str, AnyProtocol] = {}
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

    @overload
    def get(self, pid: str) -> AnyProtocol: ...

    @overload
    def get(self, pid: str, kind: type[P]) -> P: ...

    def get(self, pid: str, kind: type[P] | None = None) -> AnyProtocol | P:
        """Load (once) and return the protocol with this id, of ``kind`` when given.

        Raises:
            UnknownProtocolError: no such id, or (with ``kind``) one of another kind; the
                message names the ids of the kind wanted.
        """
        if pid not in self._loaded:
            entry = self.entries().get(pid)
            if entry is None:
                hint = did_you_mean(pid, self.entries())
                if kind is not None:
                    raise UnknownProtocolError(
                        f'no {_kind_of(kind).value} "{pid}"{hint}; {self.kind_words(kind)}'
                    )
                raise UnknownProtocolError(
                    f'no protocol "{pid}"{hint}; known protocols: '
                    f"{', '.join(self.entries()) or 'none'}"
                )
            self._loaded[pid] = load_protocol(entry.path, cache=self.cache)
        protocol = self._loaded[pid]
        if kind is not None and not isinstance(protocol, kind):
            wanted_kind = _kind_of(kind)
            raise UnknownProtocolError(
                f'"{pid}" is {protocol.can.words}, not {wanted_kind.words}; {self.kind_words(kind)}'
            )
        return protocol

    def of_kind(self, kind: type[P]) -> list[str]:
        """The ids of every protocol of ``kind`` that loads (on error paths: it loads them)."""
        found = []
        for pid in self.entries():
            try:
                if isinstance(self.get(pid), kind):
                    found.append(pid)
            except HamstringCareError:
                continue
        return found

    def kind_words(self, kind: type[P]) -> str:
        """``routines: foam-roller-and-ball, hamstring-stretch``."""
        return f"{_kind_of(kind).plural}: {', '.join(self.of_kind(kind)) or 'none'}"

    def override_note(self, pid: str) -> str | None:
        """Say so when a protocol comes from a folder that overrides the bundled one."""
        entry = self.entries().get(pid)
        if entry is None or not entry.overrides:
            return None
        return f"Using {pid} from {display_name(entry.path)} (overrides the bundled one)"

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
