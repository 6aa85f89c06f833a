"""history export --format fhir: a FHIR R4 Bundle that validates, whose references resolve,
and whose ids stay the same from one export to the next."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections import Counter

import pytest

from hamstring_care.history.store import open_history
from tests.patient import LAST_DAY, ROUTINE_DAYS, at, three_weeks

pytest.importorskip("fhir.resources")


@pytest.fixture(scope="session")
def exported_once() -> dict:
    """The history and its two exports, once made in this test process (for the session:
    an xdist worker runs other modules' tests in between, which end a module's fixtures)."""
    return {}


@pytest.fixture
def exported(exported_once, env, invoke, triage_protocol, tmp_path, tmp_path_factory):
    """The three-week patient's history, exported twice (a day apart).

    Lived and exported once in each test process (half a second), the history then kept
    aside; the tests only read it, and each gets its own copy of the two bundles."""
    if not exported_once:
        folder = three_weeks(env, invoke, triage_protocol)
        bundles = []
        for n, name in enumerate(("first.json", "second.json")):
            env.now = lambda n=n: at(21 + n, 12)  # Sun 22 Nov at 19:00, then Monday
            result = invoke("history", "export", "--format", "fhir", str(tmp_path / name))
            assert result.exit_code == 0, result.stderr
            assert result.stdout == ""  # "Wrote ..." is a status line: on standard error
            assert result.stderr.startswith(f"Wrote {tmp_path / name}: a FHIR R4 Bundle of ")
            bundles.append(json.loads((tmp_path / name).read_text(encoding="utf-8")))
        kept = tmp_path_factory.mktemp("exported") / "data"
        shutil.copytree(folder, kept)
        exported_once.update(folder=kept, bundles=bundles)
    return exported_once["folder"], copy.deepcopy(exported_once["bundles"])


def resources(bundle, kind=None):
    return [e["resource"] for e in bundle["entry"] if kind in (None, e["resource"]["resourceType"])]


def references(node):
    """Every Reference.reference in a resource, however deep."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def test_every_resource_and_the_bundle_validate_as_fhir_r4(exported):
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle

    _, (bundle, _) = exported
    Bundle.model_validate(bundle)
    for resource in resources(bundle):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert bundle["type"] == "transaction"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        assert entry["request"] == {
            "method": "PUT",
            "url": f"{resource['resourceType']}/{resource['id']}",
        }


def test_every_reference_resolves_within_the_bundle(exported):
    _, (bundle, _) = exported
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    assert len(full_urls) == len(bundle["entry"])  # no id twice
    found = [r for e in bundle["entry"] for r in references(e["resource"])]
    assert len(found) > 100
    assert set(found) <= full_urls


def test_two_exports_share_every_id(exported):
    _, (first, second) = exported
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert first["timestamp"] != second["timestamp"]


def test_the_records_as_resources(exported, triage_protocol):
    folder, (bundle, _) = exported
    with open_history(folder) as history:
        sessions = history.sessions()
        checks = history.triage_results()
        check_ins = history.check_ins()
        uids = history.uids("sessions")
        identity = history.identity()
    kinds = Counter(r["resourceType"] for r in resources(bundle))
    pains = sum(s.pain_before is not None for s in sessions)
    pains += sum(s.pain_after is not None for s in sessions)
    pains += sum(c.check.pain_during is not None for c in check_ins)
    pains += sum(c.check.rest_pain is not None for c in check_ins)
    pains += sum(isinstance(c.answers.get("pain_at_rest"), int) for c in checks)
    assert kinds == {
        "Patient": 1, "Questionnaire": 1, "QuestionnaireResponse": len(checks),
        "RiskAssessment": len(checks), "Procedure": len(ROUTINE_DAYS), "Observation": pains,
        "CarePlan": 2,  # the prescription followed, and the program
    }  # fmt: skip
    (patient,) = resources(bundle, "Patient")
    assert patient["id"] == identity
    # Each session is a Procedure under its own stable id.
    procedures = {p["id"]: p for p in resources(bundle, "Procedure")}
    assert set(procedures) == set(uids.values())
    stopped = [p for p in procedures.values() if p["status"] == "stopped"]
    assert [p["statusReason"]["text"] for p in stopped] == ["stopped: it hurt"]
    assert stopped[0]["outcome"]["coding"][0]["code"] == "rice"
    # Pain: LOINC 72514-3, 0-10, with the moment.
    moments = Counter()
    for observation in resources(bundle, "Observation"):
        assert observation["code"]["coding"][0]["code"] == "72514-3"
        assert observation["code"]["coding"][0]["system"] == "http://loinc.org"
        assert 0 <= observation["valueInteger"] <= 10
        (component,) = observation["component"]
        moments[component["valueCodeableConcept"]["coding"][0]["code"]] += 1
    assert set(moments) == {"before", "after", "during", "at_rest"}
    assert moments["before"] == sum(s.pain_before is not None for s in sessions)


def test_the_questionnaire_is_the_triage_and_the_responses_answer_it(exported, triage_protocol):
    _, (bundle, _) = exported
    (questionnaire,) = resources(bundle, "Questionnaire")
    link_ids = [item["linkId"] for item in questionnaire["item"]]
    assert link_ids == ["red_flags", *(q.id for q in triage_protocol.questions)]
    assert questionnaire["version"] == triage_protocol.version
    by_id = {item["linkId"]: item for item in questionnaire["item"]}
    assert by_id["felt_pop"]["enableWhen"] == [
        {"question": "onset", "operator": "=", "answerCoding": {
            "system": "https://hamstring-care.invalid/fhir/CodeSystem/triage-onset",
            "code": "sudden", "display": by_id["onset"]["answerOption"][0]["valueCoding"]["display"],
        }},
    ]  # fmt: skip
    assert by_id["limping"]["enableBehavior"] == "all"  # 9 to 16 years old
    assert [w["operator"] for w in by_id["limping"]["enableWhen"]] == [">=", "<="]
    nested = by_id["bruise_larger"]  # blood thinners, and a sudden start or a knock
    assert "enableWhen" not in nested
    assert "blood_thinners" in nested["extension"][0]["valueExpression"]["expression"]
    assert by_id["age"]["type"] == "integer" and by_id["risk_factors"]["repeats"] is True
    for response in resources(bundle, "QuestionnaireResponse"):
        assert response["questionnaire"].startswith(questionnaire["url"] + "|")
        assert {item["linkId"] for item in response["item"]} <= set(link_ids)
    for assessment in resources(bundle, "RiskAssessment"):
        (prediction,) = assessment["prediction"]
        assert prediction["outcome"]["coding"][0]["code"] == "self_massage"
        assert prediction["qualitativeRisk"]["coding"][0]["code"] == "low"


def test_the_program_is_a_care_plan_with_its_stages_and_decisions(exported):
    _, (bundle, _) = exported
    program = next(p for p in resources(bundle, "CarePlan") if p["title"] == "Back to running")
    assert program["status"] == "active"
    stages = {a["detail"]["code"]["text"]: a for a in program["activity"]}
    assert stages["Protect and walk"]["detail"]["status"] == "completed"
    assert stages["Jog and walk"]["detail"]["status"] == "in-progress"
    assert stages["Sprinting and sport"]["detail"]["status"] == "not-started"
    said = [p["text"] for a in program["activity"] for p in a.get("progress", [])]
    assert any(text.startswith("back a stage: not back to usual") for text in said)
    plan = next(p for p in resources(bundle, "CarePlan") if p["title"] == "Home exercise plan")
    (activity,) = plan["activity"][:1]
    assert activity["detail"]["scheduledTiming"]["repeat"]["frequency"] == 1
    assert plan["period"]["end"] == LAST_DAY.isoformat()


def test_a_plan_given_is_the_care_plan(env, invoke, tmp_path, write):
    plan = write(
        "plan.yaml",
        """
        patient: Sam Runner
        schedule: {times_per_day: 2, days: 28, days_per_week: 3}
        protocols:
          - id: hamstring-stretch
            side: left
        date: 2026-11-02
        """,
    )
    out = tmp_path / "b.json"
    result = invoke("history", "export", "-f", "fhir", "--plan", str(plan), str(out))
    assert result.exit_code == 0, result.stderr
    bundle = json.loads(out.read_text(encoding="utf-8"))
    (patient,) = resources(bundle, "Patient")
    assert patient["name"] == [{"text": "Sam Runner"}]
    (care_plan,) = resources(bundle, "CarePlan")
    repeat = care_plan["activity"][0]["detail"]["scheduledTiming"]["repeat"]
    assert (repeat["frequency"], repeat["periodUnit"], repeat["dayOfWeek"]) == (
        2, "d", ["mon", "wed", "sat"],  # spread as the sheet spreads them
    )  # fmt: skip
    assert invoke("history", "export", "--plan", str(plan), "x.json").exit_code == 2


def test_the_export_loads_no_fhir_library(tmp_path):
    code = (
        "import sys\n"
        "from hamstring_care import cli\n"
        "try:\n    cli.app(['history', 'export', '--format', 'fhir', '-'], "
        "prog_name='hamstring-care')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'fhir', 'fhir_core', "
        "'matplotlib', 'plotly', 'pygal'}), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert json.loads(done.stdout)["resourceType"] == "Bundle"
    assert done.stderr.strip().splitlines()[-1] == "[]"
