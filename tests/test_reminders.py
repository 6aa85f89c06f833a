"""Reminders for any prescription (print --ics) and for a program's days (program today
--ics): they import into two calendar parsers, never start in the past, and keep their UIDs
when made again."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import vobject

from tests.test_program_cli import START, checked, on

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.timezone.utc)  # a Saturday, at noon (TZ=UTC)


def events(raw: bytes) -> list:
    return list(icalendar.Calendar.from_ical(raw).walk("VEVENT"))


def occurrences(raw: bytes) -> list[dt.datetime]:
    """Every reminder, as vobject expands the file's rules."""
    found = []
    for component in vobject.readComponents(raw.decode()):
        for event in component.vevent_list:
            found += list(event.getrruleset())
    return sorted(found)


def remind(env, invoke, tmp_path, *args: str, when: dt.datetime = NOW, name: str = "r.ics"):
    env.now = lambda: when
    out = tmp_path / name
    result = invoke("print", *args, "-o", str(tmp_path / "sheet.pdf"), "--force", "--ics",
                    str(out), "--force")  # fmt: skip
    return result, out


def test_a_prescriptions_schedule_becomes_reminders(env, invoke, tmp_path):
    result, out = remind(
        env, invoke, tmp_path, "foam-roller-and-ball", "hamstring-stretch", "--side", "right",
        "--times-per-day", "2", "--days-a-week", "3", "--date", "2026-11-21",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines()[1] == (
        f"Wrote {out}: 2 reminders (twice a day, 3 days a week), from Sat 21 Nov 18:00 to "
        "Thu 3 Dec."
    )
    raw = out.read_bytes()
    assert b"\r\n" in raw and b"http" not in raw.lower()
    morning, evening = sorted(events(raw), key=lambda e: e.decoded("dtstart").time())
    assert evening.decoded("dtstart") == dt.datetime(2026, 11, 21, 18, 0)  # floating, local
    assert morning.decoded("dtstart") == dt.datetime(2026, 11, 23, 8, 0)  # 08:00 has passed
    assert evening["rrule"]["BYDAY"] == ["MO", "TH", "SA"]
    assert "hamstring-care run foam-roller-and-ball --side right" in str(evening["description"])
    assert [a["action"] for a in morning.walk("VALARM")] == ["DISPLAY"]
    # Session days: day 1, 3 and 6 of each week of the 14 (Sat, Mon, Thu), twice each.
    days = occurrences(raw)
    assert len(days) == 11  # 6 session days x 2, less this morning's, already past
    assert all(d > NOW.replace(tzinfo=None) for d in days)
    assert {d.strftime("%a") for d in days} == {"Sat", "Mon", "Thu"}
    assert days[-1] == dt.datetime(2026, 12, 3, 18, 0)


def test_made_again_the_uids_stay_and_the_sequence_grows(env, invoke, tmp_path):
    args = ("hamstring-stretch", "--times-per-day", "3", "--date", "2026-11-20")
    first, out1 = remind(env, invoke, tmp_path, *args, name="a.ics")
    later = NOW + dt.timedelta(days=2, hours=3)
    second, out2 = remind(env, invoke, tmp_path, *args, when=later, name="b.ics")
    assert first.exit_code == second.exit_code == 0, (first.stderr, second.stderr)
    before, after = events(out1.read_bytes()), events(out2.read_bytes())
    assert [str(e["uid"]) for e in before] == [str(e["uid"]) for e in after]
    assert len({str(e["uid"]) for e in before}) == 3
    assert all(b["sequence"] < a["sequence"] for b, a in zip(before, after, strict=True))
    assert all(e.decoded("dtstart") > later.replace(tzinfo=None) for e in after)
    other, out3 = remind(env, invoke, tmp_path, "foam-roller-and-ball", "--date", "2026-11-20",
                         name="c.ics")  # fmt: skip
    assert other.exit_code == 0
    assert not {str(e["uid"]) for e in events(out3.read_bytes())} & {str(e["uid"]) for e in before}


def test_a_plan_file_gives_its_reminders(env, invoke, tmp_path, write):
    plan = write(
        "plan.yaml",
        """
        patient: Jane Doe
        date: 2026-11-16
        schedule: {times_per_day: 1, days: 7, days_per_week: 7}
        protocols:
          - id: hamstring-stretch
            side: left
        """,
    )
    result, out = remind(env, invoke, tmp_path, "--plan", str(plan), "--at", "07:15")
    assert result.exit_code == 0, result.stderr
    (event,) = events(out.read_bytes())  # the plan began on Monday; Saturday's 07:15 is past
    assert event.decoded("dtstart") == dt.datetime(2026, 11, 22, 7, 15)
    assert occurrences(out.read_bytes()) == [dt.datetime(2026, 11, 22, 7, 15)]
    assert f"hamstring-care run --plan {plan}" in str(event["description"]).replace("\n", "")
    assert "hamstring-care run hamstring-stretch --side left" in str(event["description"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hamstring-stretch", "--date", "2026-11-01", "--days", "7"],
         "the prescription's last session day was Sat 7 Nov 2026: no reminder is still to come"),
        (["hamstring-stretch", "--times-per-day", "2", "--at", "08:00"],
         "give --at once for each of the 2 sessions a day (got 1)"),
        (["hamstring-stretch", "--at", "25:00"], "--at must be a time of day"),
        (["rice"], "the prescription holds no routine to be reminded of"),
    ],
)  # fmt: skip
def test_reminders_that_cannot_be_made_are_one_line(env, invoke, tmp_path, args, message):
    result, out = remind(env, invoke, tmp_path, *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists() and not (tmp_path / "sheet.pdf").exists()


def test_at_needs_ics(invoke):
    result = invoke("print", "hamstring-stretch", "--at", "08:00", "-o", "x.pdf")
    assert result.exit_code == 2 and "--at goes with --ics FILE" in result.stderr


def test_the_programs_reminders_start_with_the_next_one_and_keep_their_uid(env, invoke, tmp_path):
    checked(env)
    on(env, 1)  # 18:00 on the program's first day
    assert invoke("program", "start").exit_code == 0
    out = tmp_path / "p.ics"
    result = invoke("program", "today", "--ics", str(out), "--at", "07:30")
    assert result.exit_code == 0, result.stderr
    (event,) = events(out.read_bytes())
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 2, 7, 30)  # 07:30 today has passed
    days = occurrences(out.read_bytes())
    assert len(days) == 14 and days[0] > START.replace(tzinfo=None)
    on(env, 3)
    again = tmp_path / "q.ics"
    assert invoke("program", "today", "--ics", str(again), "--at", "19:00").exit_code == 0
    (later,) = events(again.read_bytes())
    assert str(later["uid"]) == str(event["uid"])
    assert later.decoded("dtstart") == dt.datetime(2026, 12, 3, 19, 0)
