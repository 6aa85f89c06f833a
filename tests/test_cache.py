"""The cache of parsed protocol files: faster, never different, never trusted, never lossy."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from hamstring_care.errors import InputFileError
from hamstring_care.source import cache as cache_module
from hamstring_care.source.cache import ParsedCache
from hamstring_care.source.library import load_protocol
from tests.conftest import ROOT
from tests.fixtures import CALM_FILE, SMALL


@pytest.fixture
def rice(tmp_path):
    folder = tmp_path / "protocols"
    folder.mkdir()
    shutil.copy(SMALL / "rice.yaml", folder / "rice.yaml")
    return folder / "rice.yaml"


def entries(cache: ParsedCache) -> list:
    return sorted(cache.folder.glob("*.json"))


def new_cache(tmp_path, name: str = "cache") -> ParsedCache:
    """A cache in its own folder, its key in a config folder beside it (as the program has it)."""
    return ParsedCache(tmp_path / name, tmp_path / "config" / "cache.key")


def filled(tmp_path, rice) -> tuple[ParsedCache, Path]:
    """A cache holding rice's one entry."""
    cache = new_cache(tmp_path)
    load_protocol(rice, cache=cache)
    (entry,) = entries(cache)
    return cache, entry


def entry_data(entry) -> dict:
    return json.loads(entry.read_text())["data"]


def test_a_file_read_once_is_read_from_the_cache_after(tmp_path, rice, monkeypatch):
    cache = new_cache(tmp_path)
    first = load_protocol(rice, cache=cache)
    (entry,) = entries(cache)
    assert entry_data(entry)["id"] == "rice"

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed the YAML again: the cache was not used")

    monkeypatch.setattr("hamstring_care.source.library.parse_document", no_parsing)
    assert load_protocol(rice, cache=cache) == first


def test_an_edited_file_is_a_new_entry(tmp_path, rice):
    cache = new_cache(tmp_path)
    load_protocol(rice, cache=cache)
    rice.write_text(rice.read_text().replace("title: ", "title: New ", 1))
    assert load_protocol(rice, cache=cache).title.startswith("New ")
    assert len(entries(cache)) == 2


@pytest.mark.parametrize(
    "tampered",
    [
        b"not json {",
        b'{"format": 1, "data": {"id": "rice", "kind": "guidance"}}',  # invalid content
        b'{"format": 1, "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",  # too deep
        b'{"format": 99, "data": {}}',
        b"[]",
    ],
)
def test_a_tampered_entry_is_never_trusted(tmp_path, rice, tampered):
    cache = new_cache(tmp_path)
    expected = load_protocol(rice, cache=cache)
    (entry,) = entries(cache)
    entry.write_bytes(tampered)
    assert load_protocol(rice, cache=cache) == expected


def test_a_tampered_entry_that_names_a_missing_drawing_is_checked_again(tmp_path):
    """What the cache gives goes through every check a parsed file does."""
    folder = tmp_path / "protocols"
    shutil.copytree(SMALL, folder)
    path = folder / "roll-and-press.yaml"
    cache = new_cache(tmp_path)
    load_protocol(path, cache=cache)
    (entry,) = entries(cache)
    data = json.loads(entry.read_text())
    data["data"]["steps"][0]["illustration"] = "missing.svg"
    entry.write_text(json.dumps(data))
    # The file itself is fine: the entry is passed over and the file parsed again.
    assert load_protocol(path, cache=cache).steps[0].illustration != "missing.svg"


def test_a_cache_that_cannot_be_written_costs_nothing_but_time(tmp_path, rice):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    cache = ParsedCache(blocked / "cache", blocked / "cache.key")
    assert load_protocol(rice, cache=cache).id == "rice"


def test_an_invalid_file_is_never_cached(tmp_path, rice):
    cache = new_cache(tmp_path)
    rice.write_text(rice.read_text().replace("kind: guidance", "kind: nonsense"))
    with pytest.raises(InputFileError):
        load_protocol(rice, cache=cache)
    assert entries(cache) == []


# --- sealed: never different (issue 24) -------------------------------------------------

EMERGENCY = CALM_FILE.replace("red_flags: []", "red_flags: [numb_saddle]")


def reseal_as_before(entry, data: dict) -> None:
    """Write new data into an entry, keeping its first bytes and seal as they were."""
    raw = entry.read_bytes()
    head = raw[: raw.index(cache_module.MIDDLE) + len(cache_module.MIDDLE)]
    entry.write_bytes(head + json.dumps(data, ensure_ascii=False).encode() + b"}")


def test_a_tampered_triage_entry_cannot_change_the_result(
    tmp_path, write, invoke, monkeypatch, small_protocols
):
    """An emergency warning sign stays an emergency whatever the cache folder holds."""
    monkeypatch.setenv("HAMSTRING_CARE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    answers = write("a.yaml", EMERGENCY)
    first = invoke("triage", "--answers", str(answers), "--json")
    assert json.loads(first.output)["disposition"] == "emergency"
    (entry,) = [e for e in entries(new_cache(tmp_path)) if entry_data(e)["id"] == "triage"]
    data = entry_data(entry)
    for rule in data["rules"][:-1]:
        rule["when"] = {"answer": "age", "above": 200}
    reseal_as_before(entry, data)
    result = invoke("triage", "--answers", str(answers), "--json")
    assert json.loads(result.output)["disposition"] == "emergency"


def test_an_entry_is_used_only_for_the_file_it_was_sealed_for(tmp_path, rice):
    cache, entry = filled(tmp_path, rice)
    other = rice.read_bytes() + b"\n# another file\n"
    os.rename(entry, cache.folder / f"{cache._digest(other)}.json")  # as if it were its entry
    assert cache.get(other) is None


def test_an_entry_sealed_under_another_key_is_parsed_again(tmp_path, rice, monkeypatch):
    """A cache copied from elsewhere (or a shared folder another account writes) is not used."""
    theirs = ParsedCache(tmp_path / "cache", tmp_path / "their-config" / "cache.key")
    load_protocol(rice, cache=theirs)
    ours = new_cache(tmp_path)
    assert ours.get(rice.read_bytes()) is None
    assert load_protocol(rice, cache=ours).id == "rice"  # parsed, then sealed with our key
    assert ours.get(rice.read_bytes()) is not None


def test_the_key_is_kept_outside_the_cache_folder(tmp_path, rice):
    cache = new_cache(tmp_path)
    load_protocol(rice, cache=cache)
    key = (tmp_path / "config" / "cache.key").read_bytes()
    assert len(key) == cache_module.KEY_BYTES
    assert (tmp_path / "config" / "cache.key").stat().st_mode & 0o077 == 0
    assert all(key not in path.read_bytes() for path in cache.folder.iterdir())


def test_a_sealed_entry_beyond_the_yaml_limits_is_not_used(tmp_path, rice):
    """The same limits as a YAML file: the 300,000 values of the audit's entry are refused."""
    cache = new_cache(tmp_path)
    expected = load_protocol(rice, cache=cache)
    (entry,) = entries(cache)
    data = entry_data(entry)
    data["sections"][0]["items"] += [f"x{i}" for i in range(30_000)]
    cache.put(rice.read_bytes(), data)  # sealed as properly as an entry can be
    assert cache.get(rice.read_bytes()) is None
    assert load_protocol(rice, cache=cache) == expected


@pytest.mark.parametrize(
    "data",
    [
        {"nested": json.loads("[" * 41 + "]" * 41)},
        {"number": 10**30},
        {"key": {"1": object}},
    ],
    ids=["41 levels", "31 digits", "not plain data"],
)
def test_within_limits_holds_json_to_the_yaml_limits(data):
    from hamstring_care.source.reading import within_limits

    assert not within_limits(data)
    assert within_limits({"nested": json.loads("[" * 39 + "]" * 39), "number": 10**29})


def test_a_named_pipe_at_an_entry_is_never_waited_on(tmp_path, rice):
    cache, entry = filled(tmp_path, rice)
    entry.unlink()
    os.mkfifo(entry)
    found = []
    reader = threading.Thread(target=lambda: found.append(cache.get(rice.read_bytes())))
    reader.start()
    reader.join(30)  # a guard against a hang, not a timing: the answer comes at once
    if reader.is_alive():
        with open(entry, "wb"):  # free the reader before failing
            pass
        pytest.fail("the cache waited on a named pipe")
    assert found == [None]


# --- nothing but its own: never lossy (issue 24) --------------------------------------


def test_a_folder_of_your_own_files_is_never_written_or_pruned(tmp_path, rice, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(12):
        (docs / f"report-{i}.json").write_text(json.dumps({"mine": i}))
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 2)
    cache = new_cache(tmp_path)
    cache.folder = docs
    for n in range(5):
        rice.write_text(rice.read_text() + f"\n# edit {n}\n")
        assert load_protocol(rice, cache=cache).id == "rice"
    assert sorted(p.name for p in docs.iterdir()) == sorted(f"report-{i}.json" for i in range(12))


def test_a_cache_folder_that_is_a_link_is_never_followed(tmp_path, rice, monkeypatch):
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "n0.json").write_text("{}")
    (tmp_path / "cache").symlink_to(documents)
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 0)
    load_protocol(rice, cache=new_cache(tmp_path))
    assert [p.name for p in documents.iterdir()] == ["n0.json"]


def test_the_cache_makes_its_folder_private_and_tagged(tmp_path, rice):
    cache = new_cache(tmp_path)
    load_protocol(rice, cache=cache)
    assert cache.folder.stat().st_mode & 0o777 == 0o700
    tag = (cache.folder / "CACHEDIR.TAG").read_bytes()
    assert tag.startswith(b"Signature: 8a477f597d28d172789f06886806bc55")


def test_an_earlier_versions_folder_of_entries_is_taken_over(tmp_path, rice):
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / f"{'a' * 64}.json").write_text('{"format": 1, "data": null}')
    cache = new_cache(tmp_path)
    load_protocol(rice, cache=cache)
    assert (folder / "CACHEDIR.TAG").is_file()
    assert cache.get(rice.read_bytes()) is not None


def test_pruning_removes_only_the_caches_own_entries(tmp_path, rice, monkeypatch):
    """Named like an entry is not enough: a file must also begin as an entry does."""
    cache = new_cache(tmp_path)
    load_protocol(rice, cache=cache)
    outside = tmp_path / "precious.json"
    outside.write_text("precious")
    lookalike = cache.folder / f"{'b' * 64}.json"
    lookalike.write_text('{"format": 1, "data": "not sealed by this cache"}')
    linked = cache.folder / f"{'c' * 64}.json"
    linked.symlink_to(outside)
    os.utime(lookalike, (0, 0))
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 1)
    for n in range(3):
        rice.write_text(rice.read_text() + f"\n# edit {n}\n")
        load_protocol(rice, cache=cache)
    left = entries(cache)
    assert lookalike in left and linked in left and outside.read_text() == "precious"
    sealed = [e for e in left if e.read_bytes().startswith(cache_module.HEAD)]
    assert len(sealed) == 1


# --- kept as validated: rebuilt, never validated again (issue 28) -----------------------


def _fields_set(value: object) -> object:
    """Each model's given fields, all the way down (pydantic's == does not compare them)."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return (sorted(value.model_fields_set), [_fields_set(getattr(value, f)) for f in fields])
    if isinstance(value, list):
        return [_fields_set(each) for each in value]
    return None


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "protocols").glob("*.yaml")) + sorted(SMALL.glob("*.yaml")),
    ids=lambda path: f"{path.parent.name}/{path.name}",
)
def test_every_protocol_is_rebuilt_exactly_as_it_was_validated(path):
    from hamstring_care.models import dumped, rebuild

    validated = load_protocol(path)
    sealed = json.loads(json.dumps(dumped(validated)))  # as the entry holds it
    rebuilt = rebuild(type(validated), sealed)
    assert rebuilt == validated
    assert repr(rebuilt) == repr(validated)  # a text is not an enum member, nor 1 True
    assert _fields_set(rebuilt) == _fields_set(validated)


def test_a_cache_hit_neither_parses_nor_validates(tmp_path, rice, monkeypatch):
    cache = new_cache(tmp_path)
    first = load_protocol(rice, cache=cache)

    def never(*args, **kwargs):
        raise AssertionError("read the file again: the cache was not used")

    monkeypatch.setattr("hamstring_care.source.library.parse_document", never)
    monkeypatch.setattr("hamstring_care.source.library.validate_protocol", never)
    assert load_protocol(rice, cache=cache) == first


def test_an_entry_made_by_other_reading_code_is_not_used(tmp_path, rice, monkeypatch):
    cache, _ = filled(tmp_path, rice)
    assert cache.get(rice.read_bytes()) is not None
    monkeypatch.setattr(cache_module, "code_fingerprint", lambda: b"changed code")
    assert cache.get(rice.read_bytes()) is None
    assert load_protocol(rice, cache=cache).id == "rice"  # read in full, and kept anew


def test_the_fingerprint_follows_every_file_of_the_reading_code(tmp_path):
    package = tmp_path / "package"
    for name in ("source/reading.py", "sanitize.py", "vocab.py", "dates.py", "models/base.py"):
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text("# code\n")
    first = cache_module.fingerprint(str(package))
    assert cache_module.fingerprint(str(package)) == first
    for name in ("vocab.py", "models/base.py", "models/new.py"):
        (package / name).write_text("# other code\n")
        assert cache_module.fingerprint(str(package)) != first, name
        first = cache_module.fingerprint(str(package))
    (package / "models" / "notes.txt").write_text("not code")
    assert cache_module.fingerprint(str(package)) == first


def test_a_sealed_entry_that_cannot_be_rebuilt_is_read_in_full(tmp_path, rice):
    cache = new_cache(tmp_path)
    expected = load_protocol(rice)
    cache.put(rice.read_bytes(), {"kind": "guidance", "sections": "not a list of sections"})
    assert load_protocol(rice, cache=cache) == expected


def test_a_sealed_protocol_is_checked_again_where_it_now_is(tmp_path):
    """Its drawings beside it and its file name depend on the place, not the bytes."""
    folder = tmp_path / "protocols"
    shutil.copytree(SMALL, folder)
    path = folder / "roll-and-press.yaml"
    cache = new_cache(tmp_path)
    load_protocol(path, cache=cache)
    (folder / "illustrations" / "press.svg").unlink()
    with pytest.raises(InputFileError, match=r"press\.svg"):
        load_protocol(path, cache=cache)
    shutil.copy(folder / "rice.yaml", folder / "renamed.yaml")
    load_protocol(folder / "rice.yaml", cache=cache)
    with pytest.raises(InputFileError, match='"rice" must match the file name "renamed"'):
        load_protocol(folder / "renamed.yaml", cache=cache)
