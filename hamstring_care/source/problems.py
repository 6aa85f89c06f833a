"""Validation errors as file:line:column lines a person can act on.

Pydantic's errors name a location in the data; the document knows where that is in the
file, and the model knows which fields were allowed there ("did you mean ...?").
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

from hamstring_care.errors import Problem
from hamstring_care.source.reading import Document, FieldPath

if TYPE_CHECKING:
    from pydantic import ValidationError


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
    "string_too_long": "{max_length} characters at most{fits}",
}
_FITS = {72: ", so it fits one line of a terminal", 110: ", so it fits two lines of a terminal"}


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
    context = dict(err.get("ctx", {}))
    return template.format(got=got, fits=_FITS.get(context.get("max_length", 0), ""), **context)


def _unknown_field(model: type, path: FieldPath) -> str:
    allowed = _fields_at(model, path[:-1])
    if not allowed:
        return "unknown field"
    close = get_close_matches(str(path[-1]), allowed, n=1)
    hint = f'; did you mean "{close[0]}"?' if close else f"; allowed here: {', '.join(allowed)}"
    return "unknown field" + hint


def _fields_at(model: Any, path: FieldPath) -> list[str]:
    """The field names allowed at ``path``: the annotations followed down to a model."""
    from pydantic import BaseModel

    current: Any = model
    for part in path:
        current = _inside(current, part)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            info = next(
                (f for n, f in current.model_fields.items() if (f.alias or n) == part), None
            )
            if info is None:
                return []
            current = info.annotation
    current = _inside(current, None)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _inside(annotation: Any, part: str | int | None) -> Any:
    """What ``part`` of a value of this type is typed as.

    Through ``Annotated``, ``X | None``, ``list[X]`` (for an index) and ``dict[str, X]``
    (for a key), down to a model or a leaf.
    """
    from pydantic import BaseModel

    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _inside(args[0], part)
    if origin in (list, dict):
        reaches_item = part is not None and (isinstance(part, int) or origin is dict)
        return args[-1] if reaches_item else annotation
    if args and origin is not typing.Literal:
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        return _inside(models[0] if models else args[0], part)
    return annotation
