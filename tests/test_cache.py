"""The cache of parsed protocol files: faster, never different, never trusted."""

from __future__ import annotations

import json
import shutil

import pytest

from hamstring_care.errors import InputFileError
from hamstring_care.source.cache import ParsedCache
from hamstring_care.source.library import bundled_dir, load_protocol


@pytest.fixture
def rice(tmp_path):
    folder = tmp_path / "protocols"
    folder.mkdir()
    shutil.copy(bundled_dir() / "rice.yaml", folder / "rice.yaml")
    return folder / "rice.yaml"


def entries(cache: ParsedCache) -> list:
    return sorted(cache.folder.glob("*.json"))


def test_a_file_read_once_is_read_from_the_cache_after(tmp_path, rice, monkeypatch):
    cache = ParsedCache(tmp_path / "cache")
    first = load_protocol(rice, cache=cache)
    (entry,) = entries(cache)
    assert json.loads(entry.read_text())["data"]["id"] == "rice"

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed the YAML again: the cache was not used")

    monkeypatch.setattr("hamstring_care.source.library.parse_document", no_parsing)
    assert load_protocol(rice, cache=cache) == first


def test_an_edited_file_is_a_new_entry(tmp_path, rice):
    cache = ParsedCache(tmp_path / "cache")
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
    cache = ParsedCache(tmp_path / "cache")
    expected = load_protocol(rice, cache=cache)
    (entry,) = entries(cache)
    entry.write_bytes(tampered)
    assert load_protocol(rice, cache=cache) == expected


def test_a_tampered_entry_that_names_a_missing_drawing_is_checked_again(tmp_path):
    """What the cache gives goes through every check a parsed file does."""
    folder = tmp_path / "protocols"
    shutil.copytree(bundled_dir(), folder)
    path = folder / "foam-roller-and-ball.yaml"
    cache = ParsedCache(tmp_path / "cache")
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
    cache = ParsedCache(blocked / "cache")
    assert load_protocol(rice, cache=cache).id == "rice"


def test_an_invalid_file_is_never_cached(tmp_path, rice):
    cache = ParsedCache(tmp_path / "cache")
    rice.write_text(rice.read_text().replace("kind: guidance", "kind: nonsense"))
    with pytest.raises(InputFileError):
        load_protocol(rice, cache=cache)
    assert entries(cache) == []
