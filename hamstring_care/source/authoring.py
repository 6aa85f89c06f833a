"""For clinicians writing their own protocols: starter files and the JSON Schema of the formats.

The schema is generated from the same pydantic models the loader validates with, so an
editor that reads it (through the YAML language server) completes and checks the same
fields the program accepts. The checks that span fields (a rule naming a question, an id
matching its file name) are left to ``protocols validate``.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from hamstring_care.errors import UsageError
from hamstring_care.files import is_folder

KINDS = ("routine", "guidance")
SCHEMA_FILE = "hamstring-care.schema.json"


def check_id(pid: str) -> str:
    """A new protocol's id, or a usage error saying what an id may hold."""
    from hamstring_care.models import ID_PATTERN

    if not re.match(ID_PATTERN, pid):
        raise UsageError(
            f'"{pid}" cannot be a protocol id: use lower-case letters, digits, '
            "- and _, starting with a letter or digit (it becomes the file name)"
        )
    return pid


def title_from_id(pid: str) -> str:
    """A first title to edit: ``calf-roll`` becomes ``Calf roll``."""
    words = re.sub(r"[-_]+", " ", pid).strip()
    return words[:1].upper() + words[1:]


def starter_text(pid: str, kind: str, path: str) -> str:
    """The commented starting file of a kind, for the id ``pid``, valid as written."""
    template = resources.files("hamstring_care").joinpath("starters").joinpath(f"{kind}.yaml")
    return Template(template.read_text(encoding="utf-8")).substitute(
        id=pid, title=title_from_id(pid), path=path, schema_file=SCHEMA_FILE
    )


def json_schema() -> dict[str, Any]:
    """One JSON Schema for both file formats: a protocol (by its ``kind``) or a plan.

    A document with ``kind`` is checked as that kind of protocol; one without, as a plan.
    """
    from pydantic import BaseModel
    from pydantic.json_schema import JsonSchemaMode, models_json_schema

    from hamstring_care import __version__, models

    kinds: dict[str, type[models.Model]] = {
        "triage": models.TriageProtocol,
        "guidance": models.GuidanceProtocol,
        "routine": models.RoutineProtocol,
        "program": models.ProgramProtocol,
    }
    schemas: list[type[BaseModel]] = [*kinds.values(), models.Plan]
    modes: list[tuple[type[BaseModel], JsonSchemaMode]] = [(m, "validation") for m in schemas]
    _, top = models_json_schema(
        modes,
        ref_template="#/$defs/{model}",
    )
    by_kind = [
        {
            "if": {"properties": {"kind": {"const": kind}}},
            "then": {"$ref": f"#/$defs/{model.__name__}"},
        }
        for kind, model in kinds.items()
    ]
    for name, definition in top["$defs"].items():
        model = getattr(models, name, None)
        if not (isinstance(model, type) and issubclass(model, models.Model)):
            continue  # an enum of the shared words, not a model with fields
        for field_name, text in _field_docs(model).items():
            info = model.model_fields.get(field_name)
            shown = definition.get("properties", {}).get((info and info.alias) or field_name)
            if shown is not None:
                shown.setdefault("description", text)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "hamstring-care protocol or plan file",
        "description": (
            f"Written by hamstring-care {__version__} (`hamstring-care protocols schema`). "
            "A file with `kind` is a protocol (triage, guidance, routine or program); one "
            "without, a plan. `hamstring-care protocols validate` checks what a schema cannot."
        ),
        "type": "object",
        "if": {"required": ["kind"]},
        "then": {
            "properties": {"kind": {"enum": list(kinds)}},
            "allOf": by_kind,
        },
        "else": {"$ref": "#/$defs/Plan"},
        "$defs": top["$defs"],
    }


@functools.cache
def _field_docs(model: type) -> dict[str, str]:
    # The docstring under each field of the model and its bases, read from the source (as
    # pydantic's use_attribute_docstrings would, but only when a schema is asked for).
    import ast
    import inspect
    import textwrap

    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if cls.__module__.rpartition(".")[0] != model.__module__.rpartition(".")[0]:
            continue  # pydantic's own bases: only the models package's classes have docs
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(cls))).body[0]
            body = tree.body if isinstance(tree, ast.ClassDef) else []
        except (OSError, TypeError, SyntaxError, IndexError, AttributeError):
            continue  # no source at hand: the schema goes without these descriptions
        for node, after in itertools.pairwise(body):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                docs[node.target.id] = inspect.cleandoc(after.value.value)
    return docs


@functools.cache
def schema_text() -> str:
    """The schema as indented JSON text, ending with a new line.

    Made once per process: it depends only on the models (their docstrings are read from
    the source, which takes a while).
    """
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def destination(pid: str, output: Path | None, user_folder: Path) -> Path:
    """Where ``protocols new`` writes: ``-o`` (ID.yaml, or a folder), else the user folder."""
    if output is None:
        return user_folder / f"{pid}.yaml"
    if is_folder(output):  # one that cannot be looked at: the write says why
        return output / f"{pid}.yaml"
    if output.suffix not in (".yaml", ".yml") or output.stem != pid:
        raise UsageError(
            f"-o {output}: a protocol file is named after its id, "
            f"so write {pid}.yaml (or give a folder)"
        )
    return output
