"""The disk cache of compiled gazetteers: a hit is exactly what compiling gives, anything that
changes the list or the options misses, a damaged entry of any kind is compiled again and never
raises, and ``off`` turns the cache off."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crfner.featurize import gazetteer_cache
from crfner.errors import DataFormatError
from crfner.featurize.gazetteer import Gazetteer, cached_gazetteer, cached_term_gazetteer, load_gazetteer, terms_digest
from crfner.featurize.gazetteer_cache import cache_key, read_entry

TERMS = ["Parkinson's disease", "parkinson disease", "ALL", "As", "Na+", "5-FU", "2,4-D", "C#O",
         "acute lymphoblastic leukemia", "Crohn disease", "crohn", "Sjögren's syndrome", "β-blocker",
         "renal failure", "acute renal failure", "chronic renal failure", "e-", "CD4", "-", "x" * 3]


def _write(path, terms=TERMS):
    path.write_text("".join(f"{term}\tID:{i}\n" for i, term in enumerate(terms)), encoding="utf-8")
    return path


def _same(a: Gazetteer, b: Gazetteer) -> bool:
    return (a.compiled_keys == b.compiled_keys and a.heads == b.heads
            and (a.name, a.path, a.sha256, a.n_terms, a.n_compiled, a.max_tokens, a.strict_letters)
            == (b.name, b.path, b.sha256, b.n_terms, b.n_compiled, b.max_tokens, b.strict_letters))


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CRFNER_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "gazetteers"


def _count_compiles(monkeypatch, method: str = "from_tsv") -> list:
    """The names of the lists that ``Gazetteer.<method>`` (a list file's compiler, or ``from_terms``) compiles from now on."""
    calls = []
    compile_list = getattr(Gazetteer, method).__func__

    def counting(cls, *args, **kwargs):
        compiled = compile_list(cls, *args, **kwargs)
        calls.append(compiled.name)
        return compiled

    monkeypatch.setattr(Gazetteer, method, classmethod(counting))
    return calls


def test_a_hit_is_the_compiled_list_without_compiling_again(tmp_path, folder, monkeypatch):
    path = _write(tmp_path / "disease.tsv")
    calls = _count_compiles(monkeypatch)
    first = cached_gazetteer(path, "disease")
    assert len(calls) == 1 and len(list(folder.glob("*.txt"))) == 1
    again = cached_gazetteer(path, "disease")
    assert len(calls) == 1  # read back
    compiled = Gazetteer.from_tsv(path, "disease")
    assert _same(again, compiled) and _same(first, compiled)
    assert again.match(["acute", "renal", "failure", "in", "ALL"]) == compiled.match(["acute", "renal", "failure", "in", "ALL"])
    assert cached_gazetteer(path).name == "disease"  # the file's stem, as from_tsv names it


def test_the_shipped_chemical_list_reads_back_the_same(data_dir, folder):
    path = data_dir / "gazetteers" / "chemical.tsv"
    cached_gazetteer(path)
    keys, counts = read_entry(next(folder.glob("*.txt")))
    compiled = Gazetteer.from_tsv(path)
    assert keys == compiled.compiled_keys and counts["heads"] == compiled.heads
    assert (counts["n_terms"], counts["n_compiled"]) == (compiled.n_terms, compiled.n_compiled)


def test_another_list_or_other_options_miss(tmp_path, folder, monkeypatch):
    path = _write(tmp_path / "list.tsv")
    edited = _write(tmp_path / "edited.tsv", TERMS + ["sepsis"])
    expected = {"short": Gazetteer.from_tsv(path, max_tokens=2), "strict": Gazetteer.from_tsv(path, strict_letters=True),
                "edited": Gazetteer.from_tsv(edited)}
    calls = _count_compiles(monkeypatch)
    cached_gazetteer(path)
    cached_gazetteer(path, max_tokens=2)
    cached_gazetteer(path, strict_letters=True)
    original = path.read_bytes()
    path.write_bytes(edited.read_bytes())  # the list edited in place
    changed = cached_gazetteer(path)
    assert len(calls) == 4 and len(list(folder.glob("*.txt"))) == 4
    assert changed.compiled_keys == expected["edited"].compiled_keys and changed.n_terms == len(TERMS) + 1
    path.write_bytes(original)  # back as it was: each variant is read back, none compiled
    assert _same(cached_gazetteer(path, max_tokens=2), expected["short"])
    assert _same(cached_gazetteer(path, strict_letters=True), expected["strict"])
    assert len(calls) == 4
    assert len({cache_key("0" * 64, 12, False), cache_key("1" * 64, 12, False), cache_key("0" * 64, 11, False),
                cache_key("0" * 64, 12, True)}) == 4


def test_the_same_bytes_under_another_path_hit_and_keep_their_own_path(tmp_path, folder, monkeypatch):
    """A list copied elsewhere (another checkout's data folder) is read back, named by its own path;
    ``load_gazetteer``, which models and feature extractors call, goes through the cache."""
    first = _write(tmp_path / "a.tsv")
    load_gazetteer(first, "disease")
    copy = tmp_path / "elsewhere" / "a.tsv"
    copy.parent.mkdir()
    shutil.copy(first, copy)
    calls = _count_compiles(monkeypatch)
    read = load_gazetteer(copy, "disease")
    assert calls == [] and read.path == str(copy.resolve())
    assert _same(read, Gazetteer.from_tsv(copy.resolve(), "disease"))


def _entry(tmp_path, folder) -> tuple:
    path = _write(tmp_path / "list.tsv")
    cached_gazetteer(path)
    (entry,) = folder.glob("*.txt")
    return path, entry, entry.read_bytes()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_damaged_entry_is_compiled_again_and_replaced(tmp_path, folder, data):
    path, entry, whole = _entry(tmp_path, folder)
    cut = data.draw(st.integers(0, len(whole) - 1))
    damage = data.draw(st.sampled_from(["truncate", "flip", "insert", "drop_line", "swap_lines", "noise"]))
    if damage == "truncate":
        damaged = whole[:cut]
    elif damage == "flip":
        damaged = whole[:cut] + bytes([whole[cut] ^ data.draw(st.integers(1, 255))]) + whole[cut + 1:]
    elif damage == "insert":
        damaged = whole[:cut] + data.draw(st.binary(min_size=1, max_size=8)) + whole[cut:]
    else:
        lines = whole.split(b"\n")
        i = data.draw(st.integers(0, len(lines) - 2))
        if damage == "drop_line":
            del lines[i]
        elif damage == "swap_lines":
            j = data.draw(st.integers(0, len(lines) - 2).filter(lambda j: lines[j] != lines[i]))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines[i] = data.draw(st.binary(max_size=40)).replace(b"\n", b"")
        damaged = b"\n".join(lines)
    if damaged == whole:
        return
    entry.write_bytes(damaged)
    with pytest.raises(ValueError):
        read_entry(entry)
    assert _same(cached_gazetteer(path), Gazetteer.from_tsv(path))
    assert entry.read_bytes() == whole  # written again, whole


def test_entries_that_are_whole_but_wrong_are_refused(tmp_path, folder):
    """Checked beyond the checksum: a hand-made entry with a sound checksum but a bad header or keys."""
    import hashlib
    import json

    path, entry, _ = _entry(tmp_path, folder)

    def made(header, keys) -> bytes:
        body = (json.dumps(header) + "\n" + "".join(k + "\n" for k in keys)).encode()
        return f"{gazetteer_cache.FORMAT}\n{hashlib.sha256(body).hexdigest()}\n".encode() + body

    good = {"n_terms": 2, "n_compiled": 2, "heads": {}, "flags": [[5, 2]]}
    entry.write_bytes(made(good, ["a", "b"]))
    assert read_entry(entry)[0] == {"a": 5, "b": 5}
    deep = ('{"n_terms": 2, "n_compiled": 2, "flags": [[5, 2]], "heads": ' + "[" * 100_000 + "]" * 100_000 + "}\na\nb\n").encode()
    entry.write_bytes(f"{gazetteer_cache.FORMAT}\n{hashlib.sha256(deep).hexdigest()}\n".encode() + deep)
    assert _same(cached_gazetteer(path), Gazetteer.from_tsv(path))  # nested past the recursion limit: compiled again
    for header, keys in [
        ({**good, "flags": [[16, 2]]}, ["a", "b"]),  # no such flag
        ({**good, "flags": [[0, 2]]}, ["a", "b"]),
        ({**good, "flags": [[5, 3]]}, ["a", "b"]),  # counts and keys disagree
        ({**good, "flags": [[5, 1], [1, 1]]}, ["a", "a"]),  # a key twice
        (good, ["a", ""]),
        ({**good, "n_terms": True}, ["a", "b"]),
        ({**good, "n_terms": -1}, ["a", "b"]),
        ({**good, "heads": {"x": 0}}, ["a", "b"]),
        ({**good, "heads": ["x"]}, ["a", "b"]),
        ({**good, "flags": [[5, "2"]]}, ["a", "b"]),
        ({**good, "extra": 1}, ["a", "b"]),
        ([good], ["a", "b"]),
        ({**good, "heads": {"x": [[[[1]]]]}}, ["a", "b"]),
    ]:
        entry.write_bytes(made(header, keys))
        with pytest.raises(ValueError):
            read_entry(entry)
        assert _same(cached_gazetteer(path), Gazetteer.from_tsv(path))


def test_off_compiles_every_time_and_writes_nothing(tmp_path, monkeypatch):
    path = _write(tmp_path / "list.tsv")
    monkeypatch.setenv("CRFNER_CACHE_DIR", "off")
    calls = _count_compiles(monkeypatch)
    cached_gazetteer(path)
    cached_gazetteer(path)
    assert len(calls) == 2 and sorted(p.name for p in tmp_path.iterdir()) == ["list.tsv"]


def test_an_unwritable_folder_still_gives_the_list(tmp_path, monkeypatch):
    path = _write(tmp_path / "list.tsv")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CRFNER_CACHE_DIR", str(blocker))
    assert _same(cached_gazetteer(path), Gazetteer.from_tsv(path))


def test_a_missing_list_is_still_named(tmp_path, folder):
    from crfner.errors import DataFormatError

    with pytest.raises(DataFormatError, match="no such file") as caught:
        cached_gazetteer(tmp_path / "missing.tsv")
    assert "missing.tsv" in str(caught.value)
    with pytest.raises(DataFormatError, match="directory"):
        cached_gazetteer(tmp_path)


def test_only_the_newest_entries_are_kept(tmp_path, folder, monkeypatch):
    monkeypatch.setattr(gazetteer_cache, "KEEP", 2)
    path = _write(tmp_path / "list.tsv")
    for max_tokens in (3, 4, 5):
        cached_gazetteer(path, max_tokens=max_tokens)
    assert len(list(folder.glob("*.txt"))) == 2
    assert any(read_entry(p)[1]["n_compiled"] == Gazetteer.from_tsv(path, max_tokens=5).n_compiled
               for p in folder.glob("*.txt"))


def test_entries_past_the_byte_budget_go_but_the_newest_stays(tmp_path, folder, monkeypatch):
    import os

    # lists that differ in one three-letter term, so their entries are of one size
    paths = {c: _write(tmp_path / f"{c}.tsv", TERMS[:-1] + [c * 3]) for c in "abcde"}
    names = {c: f"{cache_key(hashlib.sha256(p.read_bytes()).hexdigest(), 12, False)}.txt" for c, p in paths.items()}
    cached_gazetteer(paths["a"])
    size = next(folder.glob("*.txt")).stat().st_size
    monkeypatch.setattr(gazetteer_cache, "MAX_BYTES", size * 2 + size // 2)  # room for two
    for age, c in enumerate("bcd", start=1):
        for entry in folder.glob("*.txt"):  # what is there is older than what comes
            os.utime(entry, (entry.stat().st_mtime - 10 * age,) * 2)
        cached_gazetteer(paths[c])
    assert {p.name for p in folder.glob("*.txt")} == {names["c"], names["d"]}
    monkeypatch.setattr(gazetteer_cache, "MAX_BYTES", 1)
    cached_gazetteer(paths["e"])
    assert [p.name for p in folder.glob("*.txt")] == [names["e"]]


def test_a_folder_that_refuses_the_used_mark_still_gives_a_hit(tmp_path, folder, monkeypatch):
    """Marking an entry as recently used can fail (a read-only cache); the entry read is still used."""
    import os

    path = _write(tmp_path / "list.tsv")
    cached_gazetteer(path)
    calls = _count_compiles(monkeypatch)

    def refuse(*args, **kwargs):
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "utime", refuse)
    assert _same(cached_gazetteer(path), Gazetteer.from_tsv(path))
    assert len(calls) == 1  # the from_tsv of the comparison only


def test_a_list_in_memory_hits_in_any_order_and_misses_when_it_or_the_options_change(tmp_path, folder, monkeypatch):
    expected = Gazetteer.from_terms(TERMS, "mesh_sign")
    calls = _count_compiles(monkeypatch, "from_terms")
    first = cached_term_gazetteer(TERMS, "mesh_sign")
    again = cached_term_gazetteer([f" {t} " for t in reversed(TERMS)], "mesh_sign")  # the same terms
    assert calls == ["mesh_sign"] and len(list(folder.glob("*.txt"))) == 1
    assert _same(first, expected) and _same(again, expected)
    assert cached_term_gazetteer(TERMS, "other").name == "other" and len(calls) == 1
    cached_term_gazetteer(TERMS + ["sepsis"], "mesh_sign")
    cached_term_gazetteer(TERMS, "mesh_sign", max_tokens=2)
    cached_term_gazetteer(TERMS, "mesh_sign", strict_letters=True)
    assert len(calls) == 4 and len(list(folder.glob("*.txt"))) == 4


def test_a_list_in_memory_never_hits_a_file_entry(tmp_path, folder, monkeypatch):
    lines = sorted(f"{term}\tID:{i}" for i, term in enumerate(TERMS))
    path = tmp_path / "plain.tsv"  # a list file whose bytes are what the same lines' checksum hashes in memory
    path.write_text("\n".join(lines), encoding="utf-8")
    assert terms_digest(lines) == hashlib.sha256(path.read_bytes()).hexdigest()
    from_file = cached_gazetteer(path)
    calls = _count_compiles(monkeypatch, "from_terms")
    in_memory = cached_term_gazetteer(lines, "plain")
    assert calls == ["plain"]  # compiled, not read from the file's entry
    assert _same(in_memory, Gazetteer.from_terms(lines, "plain"))
    assert in_memory.compiled_keys != from_file.compiled_keys


def test_an_empty_term_is_refused_as_before(folder):
    with pytest.raises(DataFormatError, match="empty"):
        cached_term_gazetteer(["sepsis", "  "], "mesh_sign")


def test_a_model_with_mesh_lists_loads_them_from_the_cache(folder, monkeypatch):
    from crfner.featurize.term_lists import TermLists

    lists = TermLists({"mesh_sign": tuple(sorted(TERMS)), "mesh_anatomy": ("arm", "left arm", "heart")})
    compiled = lists.gazetteers()
    calls = _count_compiles(monkeypatch, "from_terms")
    again = lists.gazetteers()
    assert calls == [] and [g.name for g in again] == ["mesh_sign", "mesh_anatomy"]
    assert all(_same(a, b) for a, b in zip(again, compiled))
