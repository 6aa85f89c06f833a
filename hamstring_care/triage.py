"""The triage engine: answers in, disposition out. Pure: no I/O, no prompts, no printing.

Rules are tried in file order and the first that holds decides the disposition; the cautions
of every rule and note whose condition holds are gathered with it, so that a second finding
never loses its cautions to the first. Conditions are evaluated in
three-valued logic (true, false, or unknown while an answer is missing), so the interactive
flow can stop as soon as an urgent result is certain, and an answers file needs only the
answers that the decision depends on once it is emergency or urgent.

A yes/no answer of ``not_sure`` counts as the question's riskier answer (``not_sure_means``),
and the result says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hamstring_care.errors import IncompleteAnswersError
from hamstring_care.models import answer_values, describe
from hamstring_care.vocab import RED_FLAGS, Disposition

if TYPE_CHECKING:
    from hamstring_care.models import (
        Condition,
        Question,
        Rule,
        RuleCaution,
        TriageProtocol,
    )

DISPOSITIONS = tuple(Disposition)
"""Most urgent first."""


@dataclass(frozen=True)
class Reason:
    """Why: the rule that fired, the answers it used, and what it rests on."""

    rule: str
    text: str
    answers: dict[str, Any]
    sources: list[str]
    practice: bool = False

    def to_json(self) -> dict[str, Any]:
        """The reason as it appears in ``--json`` output."""
        return {
            "rule": self.rule,
            "text": self.text,
            "answers": self.answers,
            "sources": self.sources,
            "practice": self.practice,
        }


@dataclass(frozen=True)
class TriageResult:
    """A disposition with its reasons, the protocols to follow and the cautions in force."""

    disposition: Disposition
    rule: str
    reasons: list[Reason]
    protocols: list[str]
    cautions: list[str]
    triage_version: str
    answers: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The result in the documented JSON shape."""
        return {
            "disposition": self.disposition,
            "reasons": [r.to_json() for r in self.reasons],
            "protocols": self.protocols,
            "cautions": self.cautions,
            "triage_version": self.triage_version,
        }


# --- evaluation -------------------------------------------------------------------------

Verdict = bool | None  # None: unknown until more answers are in


def evaluate(
    protocol: TriageProtocol, condition: Condition, answers: Mapping[str, Any]
) -> tuple[Verdict, dict[str, Any]]:
    """Evaluate a condition; return the verdict and the answers that made it true."""
    if condition.always:
        return True, {}
    if condition.all is not None or condition.any is not None:
        return _combine(protocol, condition, answers)
    if condition.flag is not None or condition.flag_level is not None:
        flags = answers.get(RED_FLAGS)
        if flags is None:
            return None, {}
        hits = [
            f
            for f in flags
            if f == condition.flag
            or (condition.flag_level and _flag_level(protocol, f) == condition.flag_level)
        ]
        return bool(hits), ({RED_FLAGS: hits} if hits else {})
    assert condition.answer is not None
    if condition.answer not in answers:
        return None, {}
    value = answers[condition.answer]
    if condition.includes is not None:
        hits = [v for v in value if v in condition.values] if isinstance(value, list) else []
        return bool(hits), ({condition.answer: hits} if hits else {})
    if condition.is_ is not None:
        question = protocol.question(condition.answer)
        held = value in [_normal(question, w) for w in condition.values]
    else:
        held = all(_compare(name, value, n) for name, n in condition.comparisons.items())
    return held, ({condition.answer: value} if held else {})


def _combine(
    protocol: TriageProtocol, condition: Condition, answers: Mapping[str, Any]
) -> tuple[Verdict, dict[str, Any]]:
    is_all = condition.all is not None
    parts = [evaluate(protocol, c, answers) for c in (condition.all or condition.any or [])]
    verdicts = [v for v, _ in parts]
    decisive = not is_all  # the value that settles the group: a false for all, a true for any
    if decisive in verdicts:
        verdict: Verdict = decisive
    elif None in verdicts:
        verdict = None
    else:
        verdict = not decisive
    used: dict[str, Any] = {}
    if verdict:
        for v, part in parts:
            if v:
                for key, value in part.items():
                    listed = isinstance(value, list)
                    used[key] = sorted({*used.get(key, []), *value}) if listed else value
    return verdict, used


def _compare(name: str, value: int, n: int) -> bool:
    return {
        "at_least": value >= n,
        "at_most": value <= n,
        "above": value > n,
        "below": value < n,
    }[name]


def _normal(question: Question | None, value: Any) -> Any:
    if question is not None and question.type == "yes_no" and isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _flag_level(protocol: TriageProtocol, fid: str) -> str | None:
    flag = protocol.flag(fid)
    return flag.level if flag else None


def resolve(
    protocol: TriageProtocol, answers: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Replace each ``not_sure`` by the question's riskier answer.

    Returns the effective answers and, by question id, a note saying what was assumed.
    """
    effective = dict(answers)
    notes = {}
    for q in protocol.questions:
        if q.type == "yes_no" and answers.get(q.id) == "not_sure":
            effective[q.id] = q.not_sure_means
            careful = q.yes_no_words()[q.not_sure_means or "yes"]  # the loader requires it
            notes[q.id] = (
                f'You were not sure about "{q.text}", so it counts as "{careful}", '
                "the more careful answer."
            )
    return effective, notes


def applicable(protocol: TriageProtocol, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Leave out answers to questions the flow would not ask (``ask_if`` known not to hold).

    An answers file may hold them; they are accepted and play no part in the decision.
    """
    kept = dict(answers)
    for q in protocol.questions:
        if q.ask_if is not None and q.id in kept:
            effective, _ = resolve(protocol, kept)
            if evaluate(protocol, q.ask_if, effective)[0] is False:
                del kept[q.id]
    return kept


def decide(protocol: TriageProtocol, answers: Mapping[str, Any]) -> TriageResult | None:
    """Return the result of the first rule that holds, with the cautions of all that hold.

    None while an earlier rule still depends on an answer not given yet.
    """
    answers = applicable(protocol, answers)
    effective, notes = resolve(protocol, answers)
    verdicts = [evaluate(protocol, rule.when, effective) for rule in protocol.rules]
    for rule, (verdict, used) in zip(protocol.rules, verdicts, strict=True):
        if verdict is None:
            return None
        if verdict:
            # The fallback (`always`) rule's cautions tailor self-care: they go with it alone.
            holding = [
                r
                for r, (v, _) in zip(protocol.rules, verdicts, strict=True)
                if v and r is not rule and not r.when.always
            ]
            return _result(protocol, rule, used, holding, effective, notes, answers)
    raise AssertionError("the last rule always holds: the loader checks it")


def _result(
    protocol: TriageProtocol,
    rule: Rule,
    used: dict[str, Any],
    holding: list[Rule],
    effective: Mapping[str, Any],
    notes: dict[str, str],
    answers: Mapping[str, Any],
) -> TriageResult:
    reasons = [
        Reason(rule.id, rule.because, used, _cited(protocol, rule.sources, used), rule.practice)
    ]
    reasons += [
        Reason(rule.id, note, {qid: "not_sure"}, []) for qid, note in notes.items() if qid in used
    ]
    cautions: list[str] = []
    # The deciding rule raises a caution whose own condition is still unknown (the safer
    # side); the other rules that hold add only the cautions known to apply.
    _gather(protocol, rule.cautions, effective, cautions, unknown_raises=True)
    for other in holding:
        _gather(protocol, other.cautions, effective, cautions)
    info = protocol.dispositions.of(rule.disposition)
    protocols = list(info.protocols if rule.protocols is None else rule.protocols)
    for note in protocol.notes:
        if note.dispositions and rule.disposition not in note.dispositions:
            continue
        verdict, note_used = evaluate(protocol, note.when, effective)
        if verdict:
            cited = _cited(protocol, note.sources, note_used)
            reasons.append(Reason(note.id, note.text, note_used, cited, note.practice))
            _gather(protocol, note.cautions, effective, cautions)
            protocols += [pid for pid in note.protocols if pid not in protocols]
    return TriageResult(
        rule.disposition, rule.id, reasons, protocols, cautions, protocol.version, dict(answers)
    )


def _cited(protocol: TriageProtocol, keys: list[str], used: Mapping[str, Any]) -> list[str]:
    # A statement cites its own sources, then those of the warning signs it rests on.
    cited = list(keys)
    for fid in used.get(RED_FLAGS, []):
        flag = protocol.flag(fid)
        cited += [s for s in flag.sources if s not in cited] if flag else []
    return [protocol.sources[key] for key in cited]


def _gather(
    protocol: TriageProtocol,
    raised: list[RuleCaution],
    effective: Mapping[str, Any],
    into: list[str],
    unknown_raises: bool = False,
) -> None:
    for rc in raised:
        verdict = True if rc.when is None else evaluate(protocol, rc.when, effective)[0]
        held = verdict is True or (verdict is None and unknown_raises)
        if held and rc.caution not in into:
            into.append(rc.caution)


def missing_answers(protocol: TriageProtocol, answers: Mapping[str, Any]) -> list[str]:
    """Questions that apply and have no answer yet.

    A question with ``ask_if`` applies once its condition is known to hold; while the answers
    it depends on are missing, those are what is reported.
    """
    effective, _ = resolve(protocol, answers)
    missing = [] if RED_FLAGS in answers else [RED_FLAGS]
    for q in protocol.questions:
        applies = q.ask_if is None or evaluate(protocol, q.ask_if, effective)[0] is True
        if applies and q.id not in answers:
            missing.append(q.id)
    return missing


def triage(protocol: TriageProtocol, answers: Mapping[str, Any]) -> TriageResult:
    """Decide from a complete set of answers (already checked by ``parse_answers``).

    Every question that applies must be answered, unless an emergency or urgent result is
    already certain from the answers given.
    """
    result = decide(protocol, answers)
    if result is not None and result.disposition.stops_the_check:
        return result
    missing = missing_answers(protocol, answers)
    if missing or result is None:
        raise IncompleteAnswersError(missing)
    return result


# --- answers ----------------------------------------------------------------------------


def parse_answers(
    protocol: TriageProtocol, data: Any
) -> tuple[dict[str, Any], list[tuple[tuple[str | int, ...], str]]]:
    """Check raw answers (from a file or the prompts) against the questions.

    Returns the normalised answers and a list of (field path, message) problems.
    """
    if not isinstance(data, dict):
        return {}, [
            ((), f"expected a mapping of answers (red_flags: [], onset: ...), got {describe(data)}")
        ]
    answers: dict[str, Any] = {}
    problems: list[tuple[tuple[str | int, ...], str]] = []
    known = [RED_FLAGS, *(q.id for q in protocol.questions)]
    for key, value in data.items():
        if key == RED_FLAGS:
            flags, found = _parse_flags(protocol, value)
            answers[key] = flags
            problems += found
        elif (question := protocol.question(key)) is not None:
            ok, normal, message = check_answer(question, value)
            if ok:
                answers[key] = normal
            else:
                problems.append(((key,), message))
        else:
            problems.append(((key,), f"unknown question; expected one of: {', '.join(known)}"))
    return answers, problems


def _parse_flags(
    protocol: TriageProtocol, value: Any
) -> tuple[list[str], list[tuple[tuple[str | int, ...], str]]]:

    if not isinstance(value, list):
        return [], [
            ((RED_FLAGS,), f"expected a list of red flag ids ([] for none), got {describe(value)}")
        ]
    ids = [f.id for f in protocol.red_flags.flags]
    flags: list[str] = []
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for i, fid in enumerate(value):
        if fid in ids:
            flags += [] if fid in flags else [fid]
        else:
            problems.append(
                (
                    (RED_FLAGS, i),
                    f"unknown red flag {describe(fid)}; expected one of: {', '.join(ids)}",
                )
            )
    return flags, problems


def check_answer(question: Question, value: Any) -> tuple[bool, Any, str]:
    """Validate one answer; return (ok, normalised value, message when not ok)."""
    value = _normal(question, value)
    if question.type == "checklist":
        allowed = answer_values(question) or ()
        ok = isinstance(value, list) and all(v in allowed for v in value)
        if ok:
            value = list(dict.fromkeys(value))  # a tick given twice counts once
        return (
            ok,
            value,
            (f"expected a list of: {', '.join(allowed)} ([] for none); got {describe(value)}"),
        )
    if question.type == "number":
        low, high = question.min, question.max
        bounds = (
            f" from {low} to {high}"
            if low is not None and high is not None
            else f" of at least {low}"
            if low is not None
            else f" of at most {high}"
            if high is not None
            else ""
        )
        ok = (
            isinstance(value, int)
            and not isinstance(value, bool)
            and (low is None or value >= low)
            and (high is None or value <= high)
        )
        return ok, value, f"expected a whole number{bounds}, got {describe(value)}"
    allowed = answer_values(question) or ()
    return value in allowed, value, f"expected one of: {', '.join(allowed)}; got {describe(value)}"
