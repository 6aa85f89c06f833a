"""What a progress report says, read from a summary of the history: pure, no I/O.

The numbers are the history's own: sessions done (a routine that got going: one part done
or more) against sessions planned (the prescription's session days, times a day, each
routine a session, less the days self-care was stopped by advice), by week from Monday;
every pain score as it was given; each check, stop and program decision with its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import TYPE_CHECKING

from hamstring_care import __version__
from hamstring_care.dates import day_label
from hamstring_care.history.progress import trend_warning, week_start
from hamstring_care.history.summary import RunSummary, Summary, local_day
from hamstring_care.prescription import how_often, session_days
from hamstring_care.render.report import (
    Band,
    Chart,
    Mark,
    MarkKind,
    Now,
    PainPoint,
    Report,
    Table,
)
from hamstring_care.sanitize import clean
from hamstring_care.vocab import DecisionKind, Disposition, Side, known
from hamstring_care.words import count

if TYPE_CHECKING:
    from hamstring_care.history.store import Session, TriageRecord
    from hamstring_care.models import AnyProtocol, TriageProtocol

    Find = Callable[[str], AnyProtocol | None]

WEEKS_SHOWN = 8
"""Weeks listed one by one; earlier ones are added up on one line."""
ROWS_SHOWN = 6
"""Checks, stops and decisions listed, newest kept; the export holds the rest."""
STOPS = {
    "hurts": "stopped: it hurt",
    "quit": "stopped early (quit)",
    "interrupted": "interrupted (Ctrl-C)",
}


@dataclass(frozen=True)
class Week:
    """One week from Monday: sessions done and planned, days paused, program check-ins."""

    monday: dt.date
    done: int
    planned: int | None
    """None when no prescription is known to count against."""
    paused: int
    check_ins: int
    program_days: int
    before: float | None
    after: float | None


def build(
    summary: Summary,
    triage: TriageProtocol,
    find: Find,
    now: Now,
    made: dt.datetime,
    source: str,
    patient: str | None = None,
    paper: str = "a4",
) -> Report:
    """The report, from a summary read for ``summary.last_day``."""
    first = summary.first_day or summary.last_day
    last = summary.last_day
    weeks = weekly(summary)
    years = first.year != last.year
    period = f"{_long(first)} to {_long(last)} ({count((last - first).days + 1, 'day')})"
    local = made.astimezone()
    made_line = f"Made {_long(local.date())}, {local:%H:%M}, from {source}"
    return Report(
        title="Progress report",
        patient=clean(patient, one_line=True) if patient else None,
        period=period,
        made=clean(made_line, one_line=True),
        now=_with_warning(now, summary, triage),
        followed=_followed(summary, find),
        figures=_figures(summary, weeks, years),
        chart=chart(summary),
        tables=[
            _weeks_table(weeks, summary, years),
            _checks_table(summary.checks, triage, years),
            _stops_table(summary, find, years),
            *(_program_table(run, summary.checks, years) for run in summary.runs),
        ],
        footer=[f"hamstring-care {__version__}", "progress report", period],
        paper=paper,
    )


def _long(day: dt.date) -> str:
    return f"{day_label(day)} {day.year}"


def _day(day: dt.date, years: bool) -> str:
    """A day in a table: with its year only when the report spans more than one."""
    return _long(day) if years else day_label(day)


def _at(moment: dt.datetime, years: bool) -> str:
    """A moment in a table, where this machine is: ``Mon 2 Nov 08:00``."""
    local = moment.astimezone()
    return f"{_day(local.date(), years)} {local:%H:%M}"


def _with_warning(now: Now, summary: Summary, triage: TriageProtocol) -> Now:
    """The advice now, with the "not improving" warning when pain after has not come down."""
    rule = triage.follow_up.not_improving
    moment = dt.datetime.combine(summary.last_day, dt.time(23, 59)).astimezone()
    warning = trend_warning(summary.sessions, moment, rule)
    if warning is None:
        return now
    return Now(now.title, [*now.lines, clean(warning)], now.blocked)


# --- the prescription and the figures --------------------------------------------------


def _title(find: Find, pid: str) -> str:
    found = find(pid)
    return found.title if found is not None else pid


def _followed(summary: Summary, find: Find) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    followed = summary.followed
    if followed is not None:
        plan = followed.prescription
        lines.append(("From", followed.source))
        routines = [
            f"{item.protocol.title} ({Side(item.side).dose_words}"
            + (f", range holds {item.hold} s" if item.hold else "")
            + ")"
            for item in plan.routines
        ]
        if routines:
            lines.append(("Routines", "; ".join(routines)))
        guidance = [i.protocol.title for i in plan.items if not i.is_routine]
        if guidance:
            lines.append(("Also", "; ".join(guidance)))
        end = plan.date + dt.timedelta(days=plan.days - 1)
        until = "" if followed.open_ended else f" to {_long(end)}"
        lines.append(
            ("How often", f"{how_often(plan.times_per_day, plan.days_per_week)}, from "
             f"{_long(plan.date)}{until}")
        )  # fmt: skip
        if plan.clinician:
            lines.append(("Clinician", clean(plan.clinician, one_line=True)))
    else:
        lines.append(("Prescription", "none known: no plan given, no check that allowed self-care"))
    for run in summary.runs:
        started = _long(local_day(run.run.started_at))
        title = _title(find, run.run.program_id)
        ended = f", ended {_long(local_day(run.run.ended_at))}" if run.run.ended_at else ""
        limit = f", pain limit {run.run.pain_limit}" if run.run.pain_limit is not None else ""
        lines.append(
            ("Program", f"{title} ({run.run.side.legs_words}), from {started}{ended}{limit}")
        )
    return lines


def _mean(values: Sequence[int | None]) -> float | None:
    given = [v for v in values if v is not None]
    return fmean(given) if given else None


def _figures(summary: Summary, weeks: list[Week], years: bool) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    done = sum(w.done for w in weeks)
    planned = [w.planned for w in weeks if w.planned is not None]
    paused = sum(w.paused for w in weeks)
    if planned:
        total = sum(planned)
        share = f" ({round(100 * done / total)}%)" if total else ""
        words = f"{done} done of {total} planned{share}"
    else:
        words = f"{done} done"
    if paused:
        words += f"; self-care stopped by advice on {count(paused, 'day')}"
    found.append(("Sessions", words))
    if summary.followed is not None:
        routines = []
        for item in summary.followed.prescription.routines:
            played = [
                s for s in summary.sessions
                if s.routine_id == item.protocol.id and s.segments_completed > 0
            ]  # fmt: skip
            routines.append(f"{item.protocol.title}: {_played(played)}")
        if routines:
            found.append(("By routine", "; ".join(routines)))
    scored = [w for w in weeks if w.after is not None]
    if len(scored) > 1:
        first, last = scored[0], scored[-1]
        said = (
            f"{first.after:.1f} on average in the week of {_day(first.monday, years)}, "
            f"{last.after:.1f} in the week of {_day(last.monday, years)} (0 to 10)"
        )
        found.append(("Pain after", said))
    for run in summary.runs:
        if run.program is None or run.stage is None:
            continue
        position, stage = run.program.stage_at(run.stage)
        where = "stopped at" if run.run.ended_at else "now at"
        days = (
            (local_day(run.run.ended_at) if run.run.ended_at else summary.last_day)
            - local_day(run.run.started_at)
        ).days + 1
        check_ins = len(run.check_ins)
        found.append(
            (run.program.title, f"{where} stage {position + 1} of {len(run.program.stages)}, "
             f"{stage.title}; {check_ins} check-ins in {count(days, 'day')}")
        )  # fmt: skip
    return found


def _played(sessions: list[Session]) -> str:
    """How often a routine was played, and when last."""
    if not sessions:
        return "not played"
    last = local_day(sessions[-1].started_at)
    whole = sum(1 for s in sessions if s.ended_at is not None and not s.stopped_early)
    return (
        f"{count(len(sessions), 'session')} ({whole} played to the end), the last {day_label(last)}"
    )


# --- weeks ---------------------------------------------------------------------------


def weekly(summary: Summary) -> list[Week]:
    """Each week from the first record's Monday to the last day's, oldest first."""
    first = summary.first_day or summary.last_day
    last = summary.last_day
    followed = summary.followed
    prescribed: set[str] | None = None
    planned_days: set[dt.date] = set()
    per_day = 0
    if followed is not None:
        plan = followed.prescription
        prescribed = {item.protocol.id for item in plan.routines}
        planned_days = set(session_days(plan.date, plan.days, plan.days_per_week))
        per_day = plan.times_per_day * len(plan.routines)
    by_day: dict[dt.date, list[Session]] = {}
    for session in summary.sessions:
        by_day.setdefault(local_day(session.started_at), []).append(session)
    check_in_days: dict[dt.date, int] = {}
    program_days: set[dt.date] = set()
    for run in summary.runs:
        for saved in run.check_ins:
            check_in_days[saved.check.day] = check_in_days.get(saved.check.day, 0) + 1
        start = local_day(run.run.started_at)
        end = local_day(run.run.ended_at) if run.run.ended_at else last
        program_days |= {start + dt.timedelta(days=n) for n in range((end - start).days + 1)}
    weeks = []
    monday = week_start(first)
    while monday <= last:
        days = [monday + dt.timedelta(days=n) for n in range(7)]
        days = [d for d in days if first <= d <= last]
        sessions = [s for d in days for s in by_day.get(d, [])]
        counted = [s for s in sessions if prescribed is None or s.routine_id in prescribed]
        paused = [d for d in days if any(p.covers(d) for p in summary.paused)]
        planned = None
        if followed is not None:
            planned = per_day * sum(1 for d in days if d in planned_days and d not in paused)
        weeks.append(
            Week(
                monday=monday,
                done=sum(1 for s in counted if s.segments_completed > 0),
                planned=planned,
                paused=len(paused),
                check_ins=sum(check_in_days.get(d, 0) for d in days),
                program_days=sum(1 for d in days if d in program_days),
                before=_mean([s.pain_before for s in sessions]),
                after=_mean([s.pain_after for s in sessions]),
            )
        )
        monday += dt.timedelta(days=7)
    return weeks


def _pain(before: float | None, after: float | None) -> str:
    if before is None and after is None:
        return ""
    shown = ["-" if v is None else f"{v:.1f}" for v in (before, after)]
    return f"{shown[0]} → {shown[1]}"


def _week_row(label: str, weeks: Sequence[Week], any_program: bool) -> list[str]:
    planned = [w.planned for w in weeks if w.planned is not None]
    done = sum(w.done for w in weeks)
    paused = sum(w.paused for w in weeks)
    row = [
        label,
        f"{done} of {sum(planned)}" if planned else str(done),
        count(paused, "day") if paused else "",
        _pain(_mean_of(weeks, "before"), _mean_of(weeks, "after")),
    ]
    if any_program:
        days = sum(w.program_days for w in weeks)
        row.append(f"{sum(w.check_ins for w in weeks)} of {days}" if days else "")
    return row


def _mean_of(weeks: Sequence[Week], name: str) -> float | None:
    values = [getattr(w, name) for w in weeks if getattr(w, name) is not None]
    return fmean(values) if values else None


def _weeks_table(weeks: list[Week], summary: Summary, years: bool) -> Table:
    any_program = bool(summary.runs)
    columns = ["Week from", "Sessions done of planned", "Stopped by advice", "Pain before → after"]
    widths = [1.75 if years else 1.3, 1.4, 1.1, 1.4]
    if any_program:
        columns.append("Program check-ins")
        widths.append(1.2)
    rows = []
    earlier = weeks[:-WEEKS_SHOWN]
    if earlier:
        label = f"{count(len(earlier), 'week')} from {_day(earlier[0].monday, years)}"
        rows.append(_week_row(label, earlier, any_program))
    rows += [_week_row(_day(w.monday, years), [w], any_program) for w in weeks[-WEEKS_SHOWN:]]
    if summary.followed is None:
        note = "No prescription known: sessions done only."
    else:
        routines = summary.followed.prescription.routines
        note = (
            f"A session is one routine played ({count(len(routines), 'routine')} prescribed); "
            "planned leaves out the days self-care was stopped by advice. Pain: the mean of "
            "the scores given that week, 0 to 10."
        )
    return Table("Sessions by week", columns, widths, rows, note=note, numeric=(1, 2, 3, 4))


# --- checks, stops, the program --------------------------------------------------------


def result_title(triage: TriageProtocol, check: TriageRecord) -> str:
    """A check's result as its panel said it: the rule's own title, else the disposition's."""
    rule = next((r for r in triage.rules if r.id == check.rule), None)
    if rule is not None and rule.title:
        return rule.title
    level = known(Disposition, check.disposition)
    return triage.dispositions.of(level).title if level is not None else check.disposition


def _newest(rows: list[list[str]]) -> tuple[list[list[str]], str | None]:
    if len(rows) <= ROWS_SHOWN:
        return rows, None
    left = len(rows) - ROWS_SHOWN
    return rows[-ROWS_SHOWN:], f"And {count(left, 'earlier one')}, in the history export."


def _checks_table(checks: list[TriageRecord], triage: TriageProtocol, years: bool) -> Table:
    rows = []
    for check in checks:
        rest = check.answers.get("pain_at_rest")
        side = known(Side, check.side)
        result = result_title(triage, check) + (f" ({side.legs_words})" if side else "")
        rows.append(
            [
                _at(check.taken_at, years),
                result,
                str(rest) if isinstance(rest, int) and not isinstance(rest, bool) else "",
                check.rule,
            ]
        )
    shown, note = _newest(rows)
    return Table(
        "Checks and their results",
        ["When", "Result (the leg chosen)", "Pain at rest", "Rule"],
        [1.3, 3.3, 0.85, 1.85],
        shown,
        empty="No check saved.",
        note=note,
        numeric=(2,),
    )


def _stops_table(summary: Summary, find: Find, years: bool) -> Table:
    found: list[tuple[dt.datetime, list[str]]] = []
    for session in summary.sessions:
        if session.ended_at is None:
            why = "did not finish (closed or killed)"
        elif session.stopped_early:
            why = STOPS.get(str(session.stop_reason or ""), "stopped early")
        else:
            continue
        level = known(Disposition, session.stop_disposition)
        parts = f"{session.segments_completed} of {session.segments_total} parts"
        found.append(
            (
                session.started_at,
                [
                    _at(session.started_at, years),
                    f"{_title(find, session.routine_id)} ({parts})",
                    why,
                    level.label if level is not None else "",
                ],
            )
        )
    for run in summary.runs:
        ended = run.run.ended_at
        if ended is None or not run.run.stopped:
            continue
        level = run.run.stop_level or Disposition.RICE
        reason = (run.run.end_reason or "stopped").removeprefix("stopped: ")
        title = run.program.title if run.program else run.run.program_id
        found.append((ended, [_at(ended, years), title, reason, level.label]))
    rows = [row for _, row in sorted(found, key=lambda f: f[0])]
    shown, note = _newest(rows)
    return Table(
        "Stops and why",
        ["When", "What stopped", "Why", "Advice given"],
        [1.25, 2.4, 2.0, 1.3],
        shown,
        empty="No session or program stopped early.",
        note=note,
    )


CHANGES = (DecisionKind.MOVE_ON, DecisionKind.STEP_BACK, DecisionKind.STOP)
STAGE_MARKS: dict[DecisionKind, MarkKind] = {
    DecisionKind.MOVE_ON: "move_on",
    DecisionKind.STEP_BACK: "step_back",
}


def _program_table(run: RunSummary, checks: list[TriageRecord], years: bool) -> Table:
    title = run.program.title if run.program else run.run.program_id
    start = local_day(run.run.started_at)
    after = next((c for c in checks if c.id == run.run.triage_id), None)
    why = f"after the check of {day_label(local_day(after.taken_at))}" if after else ""
    rows = [
        [
            _day(start, years),
            "started",
            run.stage_title(run.run.start_stage),
            "; ".join(w for w in (run.run.side.legs_words, run.run.clearance or why) if w),
        ]
    ]
    for decision in run.decisions:
        if decision.kind not in CHANGES:
            continue
        stages = run.stage_title(decision.stage)
        if decision.next_stage and decision.next_stage != decision.stage:
            stages += f" → {run.stage_title(decision.next_stage)}"
        rows.append([_day(decision.day, years), decision.kind.words, stages, decision.because])
    if run.run.ended_at is not None and not run.run.stopped:
        rows.append(
            [_day(local_day(run.run.ended_at), years), "ended", "", run.run.end_reason or "ended"]
        )
    shown, note = _newest(rows)
    if run.program is not None and run.stage is not None:
        position, stage = run.program.stage_at(run.stage)
        where = f"Stage {position + 1} of {len(run.program.stages)}, {stage.title}"
        now = f"{'Stopped at' if run.run.ended_at else 'Now at'} {where[0].lower()}{where[1:]}."
        note = f"{now} {note}" if note else now
    return Table(
        f"{title}: stages and decisions ({run.run.side.legs_words})",
        ["Date", "Decision", "Stage", "Why"],
        [1.25, 1.2, 2.3, 3.0],
        shown,
        note=note,
    )


# --- the chart -----------------------------------------------------------------------


def chart(summary: Summary) -> Chart:
    """Every pain score over the days, the pauses shaded, checks, stops and decisions marked."""
    first = summary.first_day or summary.last_day
    origin = dt.datetime.combine(first, dt.time()).astimezone()
    days = max(7, (summary.last_day - first).days + 1)

    def at(moment: dt.datetime) -> float:
        return (moment - origin).total_seconds() / 86400

    points: list[PainPoint] = []
    marks: list[Mark] = []
    for session in summary.sessions:
        end = session.ended_at or session.updated_at or session.started_at
        if session.pain_before is not None:
            points.append(PainPoint(at(session.started_at), session.pain_before, "before"))
        if session.pain_after is not None:
            points.append(PainPoint(at(end), session.pain_after, "after"))
        if session.stop_reason == "hurts":
            marks.append(Mark(at(end), "stop"))
    for check in summary.checks:
        marks.append(Mark(at(check.taken_at), "check"))
    limit = None
    for run in summary.runs:
        marks.append(Mark(at(run.run.started_at), "start"))
        taken = {c.check.day: c.taken_at for c in run.check_ins}
        for saved in run.check_ins:
            if saved.check.pain_during is not None:
                points.append(PainPoint(at(saved.taken_at), saved.check.pain_during, "during"))
        for decision in run.decisions:
            kind = STAGE_MARKS.get(decision.kind)
            if kind is not None:  # decided by the next morning's answer
                noon = dt.datetime.combine(decision.day, dt.time(12)).astimezone()
                marks.append(Mark(at(taken.get(decision.day) or noon) + 0.5, kind))
        if run.run.ended_at is not None and run.run.stopped:
            marks.append(Mark(at(run.run.ended_at), "program_stop"))
        if run.program is not None:
            limit = run.program.pain_limit
    bands = [
        Band(at(p.start), at(p.end) if p.end else float(days), p.level.label)
        for p in summary.paused
    ]
    return Chart(first, days, points, bands, marks, limit)
