"""What every protocol file shares: the strict base model, its header, items, durations.

Each kind's models live in a module of their own (``triage``, ``guidance``, ``routine``,
``program``, ``plan``), so that a command defines only the kinds it reads.

This module and ``triage`` (the check's start-up path) write their annotations as code,
not text (no ``from __future__ import annotations``): pydantic would otherwise evaluate
each field's annotation from its text when the class is defined.
"""

import enum
import functools
import sys
import types
import typing
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)
from pydantic_core import PydanticCustomError

from hamstring_care import vocab

NOTES_LIMIT = 50_000  # characters: about 20 printed pages; more is surely a wrong file
NAME_LIMIT = 200  # characters of a name, a phone, an appointment: a line or two on a sheet
ADDRESS_LIMIT = 500  # characters of an address, line breaks kept
EMERGENCY_NUMBER_LIMIT = 20  # 999, 911, 112, or a local number with its prefix

ProtocolKind = Literal["triage", "guidance", "routine", "program"]
# The shared words, read from the files' plain text (the models are strict otherwise).
Disposition = Annotated[vocab.Disposition, Field(strict=False)]
FlagLevel = Annotated[vocab.FlagLevel, Field(strict=False)]
Method = Annotated[vocab.Method, Field(strict=False)]
Area = Annotated[vocab.Area, Field(strict=False)]
Side = Annotated[vocab.Side, Field(strict=False)]
Paper = Annotated[vocab.Paper, Field(strict=False)]


ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"  # ids name files too: `protocols new` checks the same


def describe(value: Any) -> str:
    """Name a wrong input for an error message without dumping a whole structure."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'"{shown}"'
    return repr(value)


def _version_text(value: Any) -> Any:
    # YAML reads 1.10 as the float 1.1: a version must stay text, so say how to write it.
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise PydanticCustomError(
            "version", 'write the version in quotes, like "1.0", so YAML keeps it as text'
        )
    return value


def _text_item(value: Any) -> Any:
    # A list item may be plain text or a mapping with sources; plain text is the common case.
    return {"text": value} if isinstance(value, str) else value


Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        json_schema_extra={
            "patternErrorMessage": "expected an id of lower-case letters, digits, - and _"
        },
    ),
]
Text = Annotated[str, Field(min_length=1)]
Label = Annotated[str, Field(min_length=1, max_length=72)]  # one line of a prompt at 80 columns
SignText = Annotated[str, Field(min_length=1, max_length=110)]  # a warning sign: two at most
SourceKey = str


class Model(BaseModel):
    """Strict base: unknown keys are errors and no type is silently coerced."""

    # Docstrings under fields become their descriptions in the JSON Schema (editor hover);
    # authoring.py reads them when it writes the schema, not on every start. A model's
    # validator is built when first used: a check never builds the routine or plan models
    # (about 24 ms of its start-up).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Item(Model):
    """One statement: text, the sources behind it, and whether it is clinic practice."""

    text: Text
    sources: list[SourceKey] = []
    """Keys of this file's sources that back the statement."""
    practice: bool = False
    """True when it is clinic practice rather than tested evidence; shown as such."""


ItemOrText = Annotated[Item, BeforeValidator(_text_item, json_schema_input_type=str | Item)]


class ProtocolBase(Model):
    """The header every protocol file carries."""

    id: Id
    """The protocol's id: the same as its file name without .yaml."""
    version: Annotated[
        str,
        BeforeValidator(_version_text, json_schema_input_type=str | int),
        Field(pattern=r"^\d+(\.\d+)*$", examples=["1.0"]),
    ]
    """In quotes, like "1.0"; raise it when the content changes (sheets print it)."""
    title: Text
    kind: ProtocolKind
    """triage, guidance (sections of advice), routine (timed steps) or program (stages)."""

    @property
    def can(self) -> vocab.Kind:
        """Its kind, with what a protocol of it can do (``protocol.can.played``)."""
        return vocab.Kind(self.kind)

    summary: Text
    """One or two sentences on what it is for, shown first."""
    sources: dict[Id, Text] = {}  # none is allowed, and `protocols validate` warns
    """Citations by key; statements list the keys they rest on."""
    evidence: list[ItemOrText] = []
    """What the research found, for the curious: shown with the sources, never among the
    instructions (a sheet prints it on its sources part)."""

    def check_references(self, found: "Found") -> None:
        """Append what the field types alone cannot find within this kind's references.

        Ids used twice, a rule naming no question: none for a kind without such references.
        """


# --- checks across fields ---------------------------------------------------------------

Path = tuple[str | int, ...]
Found = list[tuple[Path, str]]  # (field path, message) problems, appended to as they are found


def cross_check(protocol: ProtocolBase) -> list[tuple[Path, str]]:
    """Find references that the field types alone cannot check, each with its field path."""
    found: list[tuple[Path, str]] = []
    _check_sources(protocol, protocol, (), found)
    protocol.check_references(found)
    return found


def _check_sources(protocol: ProtocolBase, node: Any, path: Path, found: Found) -> None:
    # Every `sources: [key]` list anywhere must name a key of the protocol's own sources.
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            if name == "sources" and isinstance(value, list):
                for i, key in enumerate(value):
                    if key not in protocol.sources:
                        found.append(
                            ((*path, name, i), f'no source "{key}" in this file\'s sources')
                        )
            elif isinstance(value, (BaseModel, list)):  # text and numbers hold no sources
                _check_sources(protocol, value, (*path, name), found)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, (BaseModel, list)):
                _check_sources(protocol, value, (*path, i), found)


def check_unique(ids: list[str], path: Path, found: Found) -> None:
    """Append each id used a second time, at its place in the list under ``path``."""
    seen: set[str] = set()
    for i, key in enumerate(ids):
        if key in seen:
            found.append(((*path, i, "id"), f'"{key}" is used twice'))
        seen.add(key)


# --- rebuilt from a sealed entry --------------------------------------------------------

_M = TypeVar("_M", bound=BaseModel)
_PLAIN = (str, int, bool, float, type(None))  # JSON's own values: read back as they are


def dumped(model: BaseModel) -> dict[str, Any]:
    """A validated model as JSON data that ``rebuild`` reads back: the fields it was given."""
    return model.model_dump(mode="json", exclude_unset=True)


def rebuild(model: type[_M], data: dict[str, Any]) -> _M:
    """The model ``dumped`` wrote, made again without validating (each value to its type).

    Only for what this code validated and sealed (``source/cache.py``): nothing is checked.
    Raises ``TypeError`` (or ``ValueError``, ``KeyError``, ``AttributeError``) for data or a
    field type it cannot read back; the file is then read and validated in full.
    """
    readers = _readers(model)
    values = {name: readers[name](value) for name, value in data.items()}
    return model.model_construct(_fields_set=set(data), **values)


@functools.cache
def _readers(model: type[BaseModel]) -> dict[str, Callable[[Any], Any]]:
    namespace = vars(sys.modules[model.__module__])
    return {name: _reader(f.annotation, namespace) for name, f in model.model_fields.items()}


def _as_is(value: Any) -> Any:
    return value


def _plain(annotation: Any) -> bool:
    """JSON values of these types are already what a model holds: text, numbers, lists."""
    if annotation in _PLAIN:
        return True
    origin = typing.get_origin(annotation)
    wrapped = origin in (list, typing.Union, types.UnionType)
    return wrapped and all(_plain(arm) for arm in typing.get_args(annotation))


def _reader(annotation: Any, namespace: dict[str, Any]) -> Callable[[Any], Any]:
    """How a value of this field type is read back from its JSON form."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    # A model that names itself (Condition): by name, as a ForwardRef or (Python 3.10,
    # inside list["Condition"]) as plain text.
    if isinstance(annotation, typing.ForwardRef):
        return _reader(namespace[annotation.__forward_arg__], namespace)
    if isinstance(annotation, str):
        return _reader(namespace[annotation], namespace)
    if origin is Annotated:
        return _reader(args[0], namespace)
    if origin is Literal or _plain(annotation):
        return _as_is
    if origin in (typing.Union, types.UnionType):
        arms = [arm for arm in args if arm is not type(None)]
        if len(arms) != 1:
            raise TypeError(f"no way to read back {annotation}")
        inner = _reader(arms[0], namespace)
        return lambda value: None if value is None else inner(value)
    if origin is list:
        item = _reader(args[0], namespace)
        return lambda value: [item(each) for each in value]
    if origin is dict and _reader(args[0], namespace) is _as_is:  # keys are text
        item = _reader(args[1], namespace)
        return lambda value: {key: item(each) for key, each in value.items()}
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            nested = annotation
            return lambda value: rebuild(nested, value)
        if issubclass(annotation, enum.Enum):
            return annotation
        parse = getattr(annotation, "parse", None)
        if callable(parse):  # a type that reads its own text (Duration)
            return typing.cast("Callable[[Any], Any]", parse)
    raise TypeError(f"no way to read back {annotation}")
