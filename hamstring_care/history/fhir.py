"""The history as a FHIR R4 Bundle, for a clinic's system: plain dicts, no FHIR library.

What goes in, each under the id it keeps from one export to the next (a record's stable id,
kept in the history, or an id made from it with UUID version 5), so that sending a file
again updates what the first one made instead of adding to it:

- ``Patient``: the history's own id; the name only when a plan names the patient.
- ``Questionnaire``: the triage protocol in use (``triage.yaml``), each question an item
  whose ``linkId`` is its answer id, the warning signs the ``red_flags`` item; who is asked
  what (``ask_if``) as ``enableWhen``, or an SDC ``enableWhenExpression`` (FHIRPath) where
  the condition nests.
- ``QuestionnaireResponse``: each check's answers, pointing at the questionnaire's canonical
  url and the triage version the check used.
- ``RiskAssessment``: each check's result (not a ``ClinicalImpression``, which is a
  clinician's own assessment with an assessor; the check is a rule set applied to the
  patient's answers, with a basis, a method and a rationale, which is what a
  RiskAssessment holds): the disposition as the predicted outcome, its urgency as the
  qualitative risk, the rule that decided as the rationale, ``basis`` the response.
- ``Observation``: every pain score, LOINC 72514-3 (0-10 numeric rating), the moment said
  in a component (before, after or during a session, or at rest) and in the code's text.
- ``Procedure``: each routine session (SNOMED CT 229065009, exercise therapy), completed or
  stopped with why, the parts done and skipped in a note.
- ``CarePlan``: the prescription followed (each routine with its schedule), and each
  back-to-running program (each stage an activity, its decisions as dated progress notes).

The Bundle is a ``transaction`` of ``PUT`` entries: a FHIR server takes it as it is, and
takes it again as an update. Its references are ``urn:uuid:`` full urls within the Bundle.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from hamstring_care.history.summary import RunSummary, Summary
from hamstring_care.prescription import session_days
from hamstring_care.vocab import RED_FLAGS, Disposition, Side, known

if TYPE_CHECKING:
    from hamstring_care.history.store import Session, TriageRecord
    from hamstring_care.models import Condition, Question, TriageProtocol
    from hamstring_care.prescription import Prescription

Resource = dict[str, Any]

BASE = "https://hamstring-care.invalid/fhir"
"""Our canonical urls and code systems: the .invalid name is reserved and never resolves."""
NAMESPACE = uuid.UUID("7b0c8f5e-2a57-4c1e-9a53-1d7f2f4f9c61")
"""For ids made from other ids (UUID version 5): the same inputs give the same id."""
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
PAIN_CODE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
EXERCISE_THERAPY = {
    "system": SNOMED,
    "code": "229065009",
    "display": "Exercise therapy (regime/therapy)",
}
SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
MOMENTS = {
    "before": "before the session",
    "after": "after the session",
    "during": "during the session (the worst)",
    "at_rest": "at rest",
}
RISK = {
    Disposition.EMERGENCY: "high",
    Disposition.URGENT: "high",
    Disposition.CLINICIAN: "moderate",
    Disposition.RICE: "low",
    Disposition.SELF_MASSAGE: "low",
}
"""A disposition's urgency as HL7's risk-probability codes."""
STOP_WORDS = {
    "hurts": "stopped: it hurt",
    "quit": "stopped early by the patient",
    "interrupted": "interrupted (Ctrl-C)",
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def derived(*parts: str) -> str:
    """An id made from other ids and words: the same every time (UUID version 5).

    As ``uuid.uuid5`` makes it, without building a ``UUID`` object: 20,000 of them take a
    tenth of the time.
    """
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + "/".join(parts).encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_NAMESPACE_BYTES = NAMESPACE.bytes


def ref(resource_id: str) -> dict[str, str]:
    """A reference to a resource of this Bundle."""
    return {"reference": f"urn:uuid:{resource_id}"}


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _code(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": f"{BASE}/CodeSystem/{system}", "code": code}
    if display:
        coding["display"] = display
    return coding


class _Ids:
    """Stable ids for the records.

    Kept in the history, or made from the record's own key in a file from before stable ids
    (the same file gives the same ids).
    """

    def __init__(self, summary: Summary) -> None:
        self.summary = summary
        first = [_when(r.taken_at) for r in summary.checks[:1]]
        first += [_when(s.started_at) for s in summary.sessions[:1]]
        self.patient = summary.identity or derived("patient", *sorted(first)[:1])

    def of(self, table: str, record_id: int | None, key: str) -> str:
        return self.summary.uid(table, record_id) or derived(self.patient, table, key)


def bundle(
    summary: Summary,
    triage: TriageProtocol,
    exported_at: dt.datetime,
    patient_name: str | None = None,
) -> Resource:
    """The whole history as a FHIR R4 transaction Bundle (a dict, ready for ``json``)."""
    with no_collection():
        return _bundle(summary, triage, exported_at, patient_name)


@contextlib.contextmanager
def no_collection() -> Iterator[None]:
    """No cycle collection while tens of thousands of small objects are made.

    None of them is in a cycle: the collector would only walk them again and again (a third
    of the export's time, measured).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _bundle(
    summary: Summary,
    triage: TriageProtocol,
    exported_at: dt.datetime,
    patient_name: str | None,
) -> Resource:
    ids = _Ids(summary)
    resources: list[Resource] = [_patient(ids.patient, patient_name)]
    questionnaire = _questionnaire(triage)
    resources.append(questionnaire)
    plan_id = None
    if summary.followed is not None:
        plan_id = _plan_id(ids.patient, summary.followed.prescription)
        resources.append(
            _care_plan(plan_id, ids.patient, summary.followed.prescription, summary.last_day)
        )
    for check in summary.checks:
        resources += _check(ids, check, triage)
    run_plans: list[tuple[RunSummary, str]] = []
    for run in summary.runs:
        run_id = ids.of("program_runs", run.run.id, _when(run.run.started_at))
        run_plans.append((run, run_id))
        resources.append(_program_plan(run_id, ids.patient, run))
        resources += _check_in_pain(ids, run, run_id)
    for session in summary.sessions:
        based_on = _based_on(session, run_plans, summary, plan_id)
        resources += _session(ids, session, based_on)
    return {
        "resourceType": "Bundle",
        "id": derived(ids.patient, "bundle"),
        "meta": {"lastUpdated": _when(exported_at)},
        "type": "transaction",
        "timestamp": _when(exported_at),
        "entry": [
            {
                "fullUrl": f"urn:uuid:{r['id']}",
                "resource": r,
                "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"},
            }
            for r in resources
        ],
    }


def to_bytes(document: Resource) -> bytes:
    """The Bundle as a JSON file (one resource a line, for a reader and for diff)."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with no_collection():
        lines = [encode(e) for e in document["entry"]]
    head = {k: v for k, v in document.items() if k != "entry"}
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    return (opening + ', "entry": [\n' + ",\n".join(lines) + "\n]}\n").encode()


# --- the patient and the questionnaire ---------------------------------------------------


def _patient(patient_id: str, name: str | None) -> Resource:
    resource: Resource = {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{patient_id}"}],
    }
    if name:
        resource["name"] = [{"text": name}]
    return resource


def questionnaire_url(triage: TriageProtocol) -> str:
    """The triage protocol's canonical url (without its version)."""
    return f"{BASE}/Questionnaire/{triage.id}"


def _questionnaire(triage: TriageProtocol) -> Resource:
    """The triage as a Questionnaire: the warning signs first, then each question."""
    flags = triage.red_flags
    items: list[Resource] = [
        {
            "linkId": RED_FLAGS,
            "text": flags.prompt,
            "type": "choice",
            "repeats": True,
            "required": True,
            "answerOption": [
                {"valueCoding": _code(f"{triage.id}-{RED_FLAGS}", f.id, f.text)}
                for f in flags.flags
            ],
        }
    ]
    items += [_item(triage, q) for q in triage.questions]
    return {
        "resourceType": "Questionnaire",
        "id": derived("Questionnaire", triage.id, triage.version),
        "url": questionnaire_url(triage),
        "version": triage.version,
        "name": "".join(part.capitalize() for part in triage.id.replace("_", "-").split("-")),
        "title": triage.title,
        "status": "active",
        "subjectType": ["Patient"],
        "description": triage.summary,
        "item": items,
    }


def _item(triage: TriageProtocol, question: Question) -> Resource:
    item: Resource = {"linkId": question.id, "text": question.text}
    system = f"{triage.id}-{question.id}"
    if question.type == "number":
        item["type"] = "integer"
        bounds = [("minValue", question.min), ("maxValue", question.max)]
        item["extension"] = [
            {"url": f"http://hl7.org/fhir/StructureDefinition/{name}", "valueInteger": value}
            for name, value in bounds
            if value is not None
        ]
        if not item["extension"]:
            del item["extension"]
    else:
        item["type"] = "choice"
        if question.type == "yes_no":
            options = list(question.yes_no_words().items())
        else:
            options = [(c.value, c.label) for c in question.choices]
        item["answerOption"] = [
            {"valueCoding": _code(system, value, label)} for value, label in options
        ]
        if question.type == "checklist":
            item["repeats"] = True
    if question.ask_if is not None:
        item.update(_enable_when(triage, question.ask_if))
    else:
        item["required"] = True
    return item


def _enable_when(triage: TriageProtocol, condition: Condition) -> Resource:
    """``ask_if`` as enableWhen where it is flat, else as an SDC FHIRPath expression."""
    flat = _flat(triage, condition)
    if flat is not None:
        tests, behavior = flat
        found: Resource = {"enableWhen": tests}
        if len(tests) > 1:
            found["enableBehavior"] = behavior
        return found
    url = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
    return {
        "extension": [
            {
                "url": url,
                "valueExpression": {
                    "language": "text/fhirpath",
                    "expression": _fhirpath(condition),
                },
            }
        ]
    }


OPERATORS = {"at_least": ">=", "at_most": "<=", "above": ">", "below": "<"}


def _value(triage: TriageProtocol, qid: str, value: Any) -> tuple[str, Any]:
    """An answer value as enableWhen and a response hold it: a whole number, or a coding."""
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, int):
        return "Integer", value
    return "Coding", _code(f"{triage.id}-{qid}", str(value), _label(triage, qid, str(value)))


def _tests(triage: TriageProtocol, condition: Condition) -> list[Resource] | None:
    """One test as enableWhen entries (several values: any of them), else None."""
    if condition.flag is not None:
        return [_equals(triage, RED_FLAGS, condition.flag)]
    if condition.flag_level is not None:
        level = condition.flag_level
        flags = triage.red_flags.flags
        return [_equals(triage, RED_FLAGS, f.id) for f in flags if f.level == level]
    if condition.answer is None:
        return None
    if condition.comparisons:
        return [
            {"question": condition.answer, "operator": OPERATORS[name], "answerInteger": value}
            for name, value in condition.comparisons.items()
        ]
    return [_equals(triage, condition.answer, value) for value in condition.values]


def _equals(triage: TriageProtocol, qid: str, value: Any) -> Resource:
    kind, said = _value(triage, qid, value)
    return {"question": qid, "operator": "=", f"answer{kind}": said}


def _flat(triage: TriageProtocol, condition: Condition) -> tuple[list[Resource], str] | None:
    """The condition as one list of tests and "all" or "any", when it is that simple."""
    single = _tests(triage, condition)
    if single is not None:  # several comparisons all hold; several values: any of them
        return single, "all" if condition.comparisons else "any"
    for parts, behavior in ((condition.all, "all"), (condition.any, "any")):
        if not parts:
            continue
        found: list[Resource] = []
        for part in parts:
            tests = _tests(triage, part)
            joins = "all" if part.comparisons else "any"
            if tests is None or (len(tests) > 1 and joins != behavior):
                return None
            found += tests
        return found, behavior
    return None


def _fhirpath(condition: Condition) -> str:
    """A condition as FHIRPath over the response being filled in."""
    if condition.all is not None:
        return " and ".join(f"({_fhirpath(c)})" for c in condition.all)
    if condition.any is not None:
        return " or ".join(f"({_fhirpath(c)})" for c in condition.any)
    qid = RED_FLAGS if condition.flag or condition.flag_level else condition.answer
    if qid is None:
        return "true"
    answer = f"%resource.repeat(item).where(linkId='{qid}').answer.value"
    if condition.comparisons:
        return " and ".join(
            f"{answer} {OPERATORS[name]} {value}" for name, value in condition.comparisons.items()
        )
    if condition.flag_level is not None:
        return f"{answer}.code.exists()"  # a level's signs: named in enableWhen when flat
    given = [condition.flag] if condition.flag else condition.values
    words = [("yes" if v else "no") if isinstance(v, bool) else str(v) for v in given]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in given):
        return f"{answer}.intersect({' | '.join(words)}).exists()"
    return f"{answer}.code.intersect({' | '.join(repr(w) for w in words)}).exists()"


# --- checks ---------------------------------------------------------------------------------


def _check(ids: _Ids, check: TriageRecord, triage: TriageProtocol) -> list[Resource]:
    """A check's answers, its result, and its pain at rest."""
    response_id = ids.of("triage_results", check.id, _when(check.taken_at))
    patient = ref(ids.patient)
    items = [_answer(triage, qid, value) for qid, value in check.answers.items()]
    response: Resource = {
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "questionnaire": f"{questionnaire_url(triage)}|{check.triage_version}",
        "status": "completed",
        "subject": patient,
        "authored": _when(check.taken_at),
        "item": [item for item in items if item is not None],
    }
    level = known(Disposition, check.disposition)
    rule = next((r for r in triage.rules if r.id == check.rule), None)
    title = (
        rule.title
        if rule is not None and rule.title
        else triage.dispositions.of(level).title
        if level is not None
        else check.disposition
    )
    prediction: Resource = {
        "outcome": {
            "coding": [_code("disposition", check.disposition, title)],
            "text": title,
        }
    }
    if level is not None:
        prediction["qualitativeRisk"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/risk-probability",
                    "code": RISK[level],
                }
            ]
        }
    if rule is not None:
        prediction["rationale"] = rule.because
    assessment: Resource = {
        "resourceType": "RiskAssessment",
        "id": derived(response_id, "RiskAssessment"),
        "status": "final",
        "method": {
            "coding": [_code("triage-rule", check.rule)],
            "text": f"{triage.title} {check.triage_version}, rule {check.rule}",
        },
        "subject": patient,
        "occurrenceDateTime": _when(check.taken_at),
        "basis": [ref(response_id)],
        "prediction": [prediction],
    }
    if check.cautions:
        assessment["note"] = [{"text": "Cautions: " + ", ".join(check.cautions)}]
    found = [response, assessment]
    rest = check.answers.get("pain_at_rest")
    if isinstance(rest, int) and _pain(rest):
        found.append(
            _pain_observation(
                derived(response_id, "pain", "at_rest"), ids.patient, rest, "at_rest",
                check.taken_at, derived_from=response_id,
            )
        )  # fmt: skip
    return found


def _pain(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10


def _answer(triage: TriageProtocol, qid: str, value: Any) -> Resource | None:
    values = value if isinstance(value, list) else [value]
    answers = []
    for one in values:
        if isinstance(one, bool):
            one = "yes" if one else "no"
        if isinstance(one, int | str):
            kind, said = _value(triage, qid, one)
            answers.append({f"value{kind}": said})
    if not answers:
        return None  # an empty checklist: nothing ticked
    return {"linkId": qid, "answer": answers}


def _label(triage: TriageProtocol, qid: str, value: str) -> str | None:
    if qid == RED_FLAGS:
        flag = triage.flag(value)
        return flag.text if flag else None
    question = triage.question(qid)
    if question is None:
        return None
    if question.type == "yes_no":
        return question.yes_no_words().get(value)
    return next((c.label for c in question.choices if c.value == value), None)


def _pain_observation(
    observation_id: str,
    patient_id: str,
    score: int,
    moment: str,
    when: dt.datetime,
    *,
    part_of: str | None = None,
    derived_from: str | None = None,
    based_on: str | None = None,
) -> Resource:
    said = MOMENTS[moment]
    resource: Resource = {
        "resourceType": "Observation",
        "id": observation_id,
        "status": "final",
        "category": [SURVEY],
        "code": {"coding": [PAIN_CODE], "text": f"Pain 0-10, {said}"},
        "subject": ref(patient_id),
        "effectiveDateTime": _when(when),
        "valueInteger": score,
        "component": [
            {
                "code": {"coding": [_code("pain-moment", "moment")], "text": "when"},
                "valueCodeableConcept": {
                    "coding": [_code("pain-moment", moment, said)],
                    "text": said,
                },
            }
        ],
    }
    if based_on:
        resource["basedOn"] = [ref(based_on)]
    if part_of:
        resource["partOf"] = [ref(part_of)]
    if derived_from:
        resource["derivedFrom"] = [ref(derived_from)]
    return resource


# --- sessions -------------------------------------------------------------------------------


def _based_on(
    session: Session,
    run_plans: list[tuple[RunSummary, str]],
    summary: Summary,
    plan_id: str | None,
) -> str | None:
    """The care plan a session followed: a program's, while it ran one of its routines."""
    for run, run_id in run_plans:
        started, ended = run.run.started_at, run.run.ended_at
        routines = {r for s in run.program.stages for r in s.routines} if run.program else set()
        during = started <= session.started_at and (ended is None or session.started_at <= ended)
        if during and session.routine_id in routines:
            return run_id
    followed = summary.followed
    if (
        plan_id
        and followed
        and any(i.protocol.id == session.routine_id for i in followed.prescription.items)
    ):
        return plan_id
    return None


def _session(ids: _Ids, session: Session, based_on: str | None) -> Iterator[Resource]:
    """A session as a Procedure, and its pain before and after."""
    procedure_id = ids.of("sessions", session.id, _when(session.started_at))
    end = session.ended_at or session.updated_at or session.started_at
    done = session.ended_at is not None and not session.stopped_early
    parts = f"{session.segments_completed} of {session.segments_total} parts done"
    if session.segments_skipped:
        parts += f", {session.segments_skipped} passed over"
    side = known(Side, session.side)
    procedure: Resource = {
        "resourceType": "Procedure",
        "id": procedure_id,
        "status": "completed" if done else "stopped",
        "code": {"coding": [EXERCISE_THERAPY], "text": session.routine_id},
        "subject": ref(ids.patient),
        "performedPeriod": {"start": _when(session.started_at), "end": _when(end)},
        "note": [{"text": parts}],
    }
    if side is not None:
        procedure["bodySite"] = [{"text": side.legs_words}]
    if not done:
        reason = STOP_WORDS.get(str(session.stop_reason or ""), "did not finish")
        if session.ended_at is None:
            reason = "did not finish (closed or killed)"
        procedure["statusReason"] = {"text": reason}
    advised = known(Disposition, session.stop_disposition)
    if advised is not None:
        procedure["outcome"] = {"coding": [_code("disposition", str(advised))]}
    if session.clearance:
        procedure["note"].append({"text": f"Played on {session.clearance}"})
    if based_on:
        procedure["basedOn"] = [ref(based_on)]
    yield procedure
    for moment, score, when in (
        ("before", session.pain_before, session.started_at),
        ("after", session.pain_after, end),
    ):
        if score is not None:
            yield _pain_observation(
                derived(procedure_id, "pain", moment), ids.patient, score, moment, when,
                part_of=procedure_id,
            )  # fmt: skip


# --- care plans ---------------------------------------------------------------------------


def _plan_id(patient_id: str, prescription: Prescription) -> str:
    key = [
        prescription.date.isoformat(),
        *(f"{i.protocol.id}:{i.side}:{i.hold}" for i in prescription.items),
        f"{prescription.times_per_day}x{prescription.days_per_week}",
    ]
    return derived(patient_id, "CarePlan", *key)


def _care_plan(
    plan_id: str, patient_id: str, prescription: Prescription, today: dt.date
) -> Resource:

    start = prescription.date
    end = start + dt.timedelta(days=prescription.days - 1)
    status = "completed" if end < today else "active"
    days = session_days(start, min(prescription.days, 7), prescription.days_per_week)
    repeat: Resource = {
        "boundsPeriod": {"start": start.isoformat(), "end": end.isoformat()},
        "frequency": prescription.times_per_day,
        "period": 1,
        "periodUnit": "d",
    }
    if prescription.days_per_week < 7:
        repeat["dayOfWeek"] = [WEEKDAYS[d] for d in sorted({day.weekday() for day in days})]
    activities = []
    for item in prescription.items:
        detail: Resource = {
            "status": "completed" if status == "completed" else "in-progress",
            "code": {"text": item.protocol.title},
            "description": item.protocol.summary,
        }
        if item.is_routine:
            detail["code"]["coding"] = [EXERCISE_THERAPY]
            detail["scheduledTiming"] = {"repeat": repeat}
            how = [Side(item.side).dose_words]
            if item.hold is not None:
                how.append(f"range holds {item.hold} s")
            detail["description"] = f"{item.protocol.title}: {', '.join(how)}"
        activities.append({"detail": detail})
    resource: Resource = {
        "resourceType": "CarePlan",
        "id": plan_id,
        "status": status,
        "intent": "plan",
        "title": "Home exercise plan",
        "subject": ref(patient_id),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "activity": activities,
    }
    if prescription.clinician:
        resource["author"] = {"display": prescription.clinician}
    if prescription.notes:
        resource["note"] = [{"text": prescription.notes}]
    return resource


def _program_plan(run_id: str, patient_id: str, summary: RunSummary) -> Resource:
    run = summary.run
    title = summary.program.title if summary.program else run.program_id
    # Stopped, or ended by a restart: never completed as planned.
    status = "active" if run.ended_at is None else "revoked"
    period = {"start": _when(run.started_at)}
    if run.ended_at is not None:
        period["end"] = _when(run.ended_at)
    words = f"{title} {run.program_version}, {run.side.legs_words}, from stage {run.start_stage}"
    if run.pain_limit is not None:
        words += f", pain limit {run.pain_limit}"
    resource: Resource = {
        "resourceType": "CarePlan",
        "id": run_id,
        "status": status,
        "intent": "plan",
        "title": title,
        "description": words,
        "subject": ref(patient_id),
        "period": period,
    }
    notes = []
    if run.clearance:
        notes.append({"text": f"Started on {run.clearance}"})
    if run.ended_at is not None:
        notes.append({"time": _when(run.ended_at), "text": f"Ended: {run.end_reason or 'ended'}"})
    if notes:
        resource["note"] = notes
    if summary.program is not None:
        resource["activity"] = _stages(summary)
    return resource


def _stages(summary: RunSummary) -> list[Resource]:
    """Each stage as an activity: done, under way, stopped or to come; its decisions dated."""
    program = summary.program
    assert program is not None
    current = program.stage_index(summary.stage or "") or 0
    reached = {program.stage_index(c.check.stage) for c in summary.check_ins}
    stopped = summary.run.ended_at is not None
    taken = {c.check.day: c.taken_at for c in summary.check_ins}
    activities = []
    for index, stage in enumerate(program.stages):
        if index == current:
            status = "stopped" if stopped else "in-progress"
        elif index < current or index in reached:
            status = "completed"
        else:
            status = "not-started"
        detail: Resource = {"status": status, "code": {"text": stage.title}}
        detail["description"] = stage.summary
        activity: Resource = {"detail": detail}
        progress = [
            {
                "time": _when(taken.get(d.day) or summary.run.started_at),
                "text": f"{d.kind.words}" + (f": {d.because}" if d.because else ""),
            }
            for d in summary.decisions
            if d.stage == stage.id
        ]
        if progress:
            activity["progress"] = progress
        activities.append(activity)
    return activities


def _check_in_pain(ids: _Ids, run: RunSummary, run_id: str) -> Iterator[Resource]:
    """A program's daily pain during the session and at rest, as Observations."""
    for saved in run.check_ins:
        key = f"{run.run.id}:{saved.check.day.isoformat()}"
        check_id = ids.of("program_check_ins", saved.id, key)
        said = saved.check
        for moment, score in (("during", said.pain_during), ("at_rest", said.rest_pain)):
            if score is not None:
                yield _pain_observation(
                    derived(check_id, "pain", moment), ids.patient, score, moment,
                    saved.taken_at, based_on=run_id,
                )  # fmt: skip
