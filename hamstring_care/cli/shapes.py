"""The JSON each command prints with ``--json``: one document on standard output.

Every document opens with ``output`` (which command's data it is) and ``output_version``
(its shape: a change that could break a reader gets a new number; new keys may be added
without one). Times are UTC ISO 8601, days YYYY-MM-DD, pain 0 to 10 (null: not given). The
README shows each shape with an example. Light at import: what each needs, it imports.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hamstring_care.flows.program import StatusFacts
    from hamstring_care.history.export import Uids
    from hamstring_care.history.queries import ChartData, Recent
    from hamstring_care.models import AnyProtocol
    from hamstring_care.source.checking import ValidationReport
    from hamstring_care.source.library import Entry

Document = dict[str, Any]
VERSION = 1


def _head(output: str) -> Document:
    return {"output": output, "output_version": VERSION}


def _file(path: Any) -> str:
    from hamstring_care.source.reading import display_name

    return display_name(path)


def nothing_saved(output: str, said: str) -> Document:
    """A history command's data when nothing is saved yet: empty, with why in words."""
    body: Document = {"records": []} if output == "history" else {"days": [], "weeks": []}
    return {**_head(output), "saved": None, **body, "said": said}


def protocol_list(rows: list[tuple[Entry, AnyProtocol | None, str | None]]) -> Document:
    """``protocols list``: each protocol, the file that wins and the files it overrides."""
    from hamstring_care.sanitize import visible

    return {
        **_head("protocols list"),
        "protocols": [
            {
                "id": visible(entry.id),
                "kind": protocol.kind if protocol else None,
                "version": protocol.version if protocol else None,
                "title": protocol.title if protocol else None,
                "file": _file(entry.path),
                "bundled": entry.bundled,
                "overrides": [_file(p) for p in entry.overrides],
                "valid": protocol is not None,
            }
            for entry, protocol, _ in rows
        ],
    }


def protocol(entry: Entry, loaded: AnyProtocol) -> Document:
    """``protocols show ID``: the protocol as the program reads it (defaults filled in)."""
    from hamstring_care.prescription import content_hash

    fingerprint = content_hash(loaded) if loaded.kind != "triage" else None
    return {
        **_head("protocols show"),
        "file": _file(entry.path),
        "bundled": entry.bundled,
        "overrides": [_file(p) for p in entry.overrides],
        "fingerprint": fingerprint,
        "protocol": loaded.model_dump(mode="json", by_alias=True, exclude_none=True),
    }


def validation(report: ValidationReport, strict: bool) -> Document:
    """``protocols validate``: every error and warning line, and what the exit code says."""
    return {
        **_head("protocols validate"),
        "files": report.files,
        "files_with_errors": report.bad,
        "errors": report.errors,
        "warnings": report.warnings,
        "loaded": report.checked,
        "strict": strict,
        "exit_code": int(report.exit_code(strict)),
    }


def history(recent: Recent, uids: Uids) -> Document:
    """``history``: the newest records, newest first, as ``history export`` writes them."""
    from hamstring_care.history.export import plain_record

    return {
        **_head("history"),
        "file": _file(recent.path),
        "saved": {
            "sessions": recent.counts.sessions,
            "checks": recent.counts.triage_results,
        },
        "records": [plain_record(r, uids) for r in recent.records],
    }


def chart(data: ChartData, today: dt.date) -> Document:
    """``history chart``: each day's pain and sessions, each week's sessions, streak, trend."""
    trend = data.trend
    return {
        **_head("history chart"),
        "today": today.isoformat(),
        "days": [
            {
                "day": day.day.isoformat(),
                "sessions": day.sessions,
                "pain_before": _rounded(day.pain_before),
                "pain_after": _rounded(day.pain_after),
                "program": str(data.stage_changes[day.day])
                if day.day in data.stage_changes
                else None,
            }
            for day in data.days
        ],
        "weeks": [{"monday": monday.isoformat(), "sessions": n} for monday, n in data.weeks],
        "streak_days": data.streak_days,
        "last_session": data.last_session.isoformat() if data.last_session else None,
        "trend": None
        if trend is None
        else {
            "period_days": data.period_days,
            "earlier": _rounded(trend.earlier),
            "later": _rounded(trend.later),
            "earlier_sessions": trend.earlier_sessions,
            "later_sessions": trend.later_sessions,
            "coming_down": trend.coming_down,
        },
        "warning": data.warning,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def program_status(facts: StatusFacts) -> Document:
    """``program status``: where the program under way stands, or why none is."""
    document = {**_head("program status"), "under_way": facts.run is not None}
    if facts.run is None or facts.program is None or facts.where is None:
        return {**document, "program": None, "said": facts.said}
    run, program, where = facts.run, facts.program, facts.where
    position, stage = program.stage_at(where.stage)
    last = where.last
    return {
        **document,
        "program": {
            "id": program.id,
            "version": program.version,
            "title": program.title,
            "side": str(run.side),
            "started": run.started_at.astimezone(dt.timezone.utc).isoformat(),
            "day": facts.day,
            "pain_limit": program.pain_limit,
        },
        "stage": {
            "id": stage.id,
            "title": stage.title,
            "number": position + 1,
            "of": len(program.stages),
            "good_in_a_row": where.good_in_a_row,
            "needed": stage.move_on_after,
        },
        "paused": facts.paused,
        "last_decision": None
        if last is None
        else {
            "day": last.day.isoformat(),
            "decision": str(last.kind),
            "because": last.because,
            "rule": last.rule,
        },
        "waiting_for_the_morning_after": where.waiting.day.isoformat() if where.waiting else None,
        "check_ins": [
            {
                "day": saved.check.day.isoformat(),
                "stage": saved.check.stage,
                "pain_during": saved.check.pain_during,
                "rest_pain": saved.check.rest_pain,
                "settled": saved.check.settled,
                "decision": str(saved.decision) if saved.decision else None,
            }
            for saved in facts.check_ins
        ],
    }
