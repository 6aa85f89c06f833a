"""The progress log as a file for a clinician: CSV (one row per record) or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields
from datetime import date, datetime
from enum import Enum
from typing import Any

from hamstring_care import __version__
from hamstring_care.history.store import SCHEMA_VERSION, stamp
from hamstring_care.progression import CheckIn
from hamstring_care.records import ProgramCheckIn, ProgramRun, Session, TriageRecord

FORMATS = ("csv", "json")
Record = Session | TriageRecord | ProgramRun | ProgramCheckIn
CSV_FIELDS = ["record", "id"]
for _names in (
    *([f.name for f in fields(kind)] for kind in (Session, TriageRecord, ProgramRun)),
    [f.name for f in fields(ProgramCheckIn) if f.name != "check"],
    [f.name for f in fields(CheckIn)],
):
    CSV_FIELDS += [name for name in _names if name not in CSV_FIELDS]
CSV_FIELDS.append("uid")
TABLES = {
    Session: "sessions",
    TriageRecord: "triage_results",
    ProgramRun: "program_runs",
    ProgramCheckIn: "program_check_ins",
}
"""Each record's table, where its stable id (``uid``) is kept."""
Uids = Mapping[str, Mapping[int, str]]


def _plain(record: Record, uids: Uids | None = None) -> dict[str, Any]:
    """A record's fields by name, times in UTC; a check-in's answers beside its own fields.

    Its stable id last, as ``uid``, when ``uids`` (by table, then row number) holds it.
    """
    values = asdict(record)
    uid = (uids or {}).get(TABLES[type(record)], {}).get(record.id or 0)
    if uid is not None:
        values["uid"] = uid
    said = values.pop("check", None)
    if said is not None:
        values = {"id": values.pop("id"), "run_id": values.pop("run_id"), **said, **values}
    return {
        k: stamp(v) if isinstance(v, datetime) else v.isoformat() if isinstance(v, date)
        else str(v) if isinstance(v, Enum) else v
        for k, v in values.items()
    }  # fmt: skip


def to_json(
    sessions: Sequence[Session],
    checks: Sequence[TriageRecord],
    exported_at: datetime,
    programs: Sequence[ProgramRun] = (),
    check_ins: Sequence[ProgramCheckIn] = (),
    uids: Uids | None = None,
    identity: str | None = None,
) -> bytes:
    """Everything in one JSON document, oldest first, times in UTC (ISO 8601).

    Each record carries its stable id (``uid``) and the document the history's own
    (``history_uid``), when given.
    """
    document = {
        "exported_by": f"hamstring-care {__version__}",
        "exported_at": stamp(exported_at),
        "history_format": SCHEMA_VERSION,
        **({"history_uid": identity} if identity else {}),
        "sessions": [_plain(s, uids) for s in reversed(sessions)],
        "triage_results": [_plain(t, uids) for t in reversed(checks)],
        "programs": [_plain(p, uids) for p in reversed(programs)],
        "program_check_ins": [_plain(c, uids) for c in check_ins],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def to_csv(
    sessions: Sequence[Session],
    checks: Sequence[TriageRecord],
    programs: Sequence[ProgramRun] = (),
    check_ins: Sequence[ProgramCheckIn] = (),
    uids: Uids | None = None,
) -> bytes:
    """One row per record, oldest first; answers and cautions as JSON text."""
    rows = [{"record": "session", **_plain(s, uids)} for s in sessions]
    for check in checks:
        row = {"record": "triage", **_plain(check, uids)}
        row["answers"] = json.dumps(check.answers, ensure_ascii=False, sort_keys=True)
        row["cautions"] = json.dumps(check.cautions)
        rows.append(row)
    rows += [{"record": "program", **_plain(p, uids)} for p in programs]
    for check_in in check_ins:
        row = {"record": "program_check_in", **_plain(check_in, uids)}
        row["answers"] = json.dumps(check_in.check.answers, sort_keys=True)
        rows.append(row)
    rows.sort(key=lambda r: (r.get("started_at") or r.get("taken_at") or "", r["record"], r["id"]))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


RECORD_WORDS = {
    Session: "session",
    TriageRecord: "triage",
    ProgramRun: "program",
    ProgramCheckIn: "program_check_in",
}


def plain_record(record: Record, uids: Uids | None = None) -> dict[str, Any]:
    """One record as the JSON export and ``history --json`` write it, with what it is."""
    return {"record": RECORD_WORDS[type(record)], **_plain(record, uids)}
