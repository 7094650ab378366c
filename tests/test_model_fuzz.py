"""Model files are safe to load: hundreds of corrupted copies of every file of a saved model
directory, with the sizes and hashes in the metadata made consistent (as a crafted file
would have them), are each loaded and used in a subprocess with a timeout. Each must load
and tag, or fail with a one-line ModelFileError: no crash, no hang, no traceback."""

from __future__ import annotations

import hashlib
import json
import os
import random
import selectors
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import crfner
from crfner.crf.calibration import fit_score_calibration
from crfner.crf.modelfile import METADATA_FILE

COPIES = 200  # corrupted copies of each file
CASE_SECONDS = 20  # a load and a tagging taking longer than this is a hang

# Loads each model directory of a list, tags with it, and prints one line per case:
# "start N", then "ok N", "refused N <message>" or "fail N <traceback>".
WORKER = r"""
import json, signal, sys, traceback
import crfner

def alarm(*_):
    raise TimeoutError("no answer within the time limit")

signal.signal(signal.SIGALRM, alarm)
cases, first, seconds = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
for number in range(first, len(cases)):
    print("start", number, flush=True)
    signal.alarm(seconds)
    try:
        tagger = crfner.CRFTagger.load(cases[number])
        tagger.predict([["Cisplatin", "induced", "nephrotoxicity", "."], []])
        tagger.predict_marginals([["Naloxone", "reverses", "hypotension"]])
        crfner.tag_text(tagger, "Famotidine-associated delirium. A series of six cases.")
        print("ok", number, flush=True)
    except crfner.ModelFileError as error:
        print("refused", number, json.dumps(str(error)), flush=True)
    except BaseException:
        print("fail", number, json.dumps(traceback.format_exc()), flush=True)
    finally:
        signal.alarm(0)
"""


@pytest.fixture(scope="module")
def model_dir(small_train, data_dir, tmp_path_factory) -> Path:
    """A small model whose directory holds every kind of file: metadata (with a score calibration), weights,
    clusters, truecasing, term lists, abbreviation senses."""
    X, y = small_train
    features = crfner.load_feature_set("tutorial").to_dict()
    features["clusters"] = {"granularities": [4, 16], "dims": 8, "window": 2, "min_count": 2}
    features["casing"] = {"truecase": True}
    features["gazetteers"] = {"mesh_branches": {"mesh_sign": ["C23.888"], "mesh_drugclass": ["D27"]}}
    features["abbreviations"] = {"long_form": ["last_word", "suffix3", "gazetteers"], "senses": "clinical"}
    tagger = crfner.CRFTagger(features=features, max_iterations=15, data_dir=data_dir).fit(X[:300], y[:300])
    assert any(a.startswith(b"gaz:mesh_") for a in tagger.weights_.attributes)
    scores = [k / 50 for k in range(1, 50)]  # a stored score calibration too (crfner calibrate), with a map per type
    types = ["Disease" if k <= 35 else "Chemical" for k in range(1, 50)]
    tagger.score_calibration_ = fit_score_calibration(scores, [k % 3 != 0 and k > 12 for k in range(1, 50)], "isotonic",
                                                      types=types)
    assert list(tagger.score_calibration_.by_type) == ["Disease"]
    return tagger.save(tmp_path_factory.mktemp("fuzz") / "model")


def _corrupt(data: bytes, rng: random.Random, donor: bytes) -> bytes:
    """One corruption of the kinds a damaged disk or a crafted file brings."""
    data = bytearray(data)
    kind = rng.randrange(9)
    if not data or kind == 0:  # random bytes of a random length
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    position = rng.randrange(len(data))
    if kind == 1:  # a few flipped bits
        for _ in range(rng.randrange(1, 9)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == 2:  # truncated
        del data[position:]
    elif kind == 3:  # a run of zeros
        data[position : position + rng.randrange(1, 64)] = bytes(min(len(data) - position, 63) or 1)
    elif kind == 4:  # a huge or negative count where a number sits
        data[position : position + 4] = rng.choice([b"\xff\xff\xff\xff", b"\xff\xff\xff\x7f", b"\x00\x00\x00\x80"])
    elif kind == 5:  # a chunk of another file spliced in
        start = rng.randrange(max(1, len(donor)))
        data[position:position] = donor[start : start + rng.randrange(1, 200)]
    elif kind == 6:  # a range removed
        del data[position : position + rng.randrange(1, 200)]
    elif kind == 7:  # digits turned into other digits (counts, shapes, sizes in text)
        digits = [i for i, b in enumerate(data) if 48 <= b <= 57]
        for i in rng.sample(digits, min(len(digits), rng.randrange(1, 4))):
            data[i] = rng.choice(b"0123456789")
    else:  # one byte set to an extreme
        data[position] = rng.choice([0, 0x7F, 0xFF, ord("'"), ord('"'), ord("\\")])
    return bytes(data)


_VALUES = [None, -1, 0, 2**31, 2**63, 1e308, -1.5, True, "", "x", "../../../etc/passwd", "/dev/zero", [], {}, [1, [2]],
           {"a": 1}]


def _mutate_json(meta, rng: random.Random):
    """The metadata with one value somewhere in it replaced, or one key removed."""
    meta = json.loads(json.dumps(meta))
    node = meta
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return meta
        key = rng.choice(keys)
        child = node[key]
        if isinstance(child, (dict, list)) and child and rng.random() < 0.7:
            node = child
            continue
        if isinstance(node, dict) and rng.random() < 0.25:
            del node[key]
        else:
            node[key] = rng.choice(_VALUES)
        return meta


def _make_cases(model: Path, root: Path) -> list[tuple[str, str]]:
    rng = random.Random(20261202)
    meta = json.loads((model / METADATA_FILE).read_text(encoding="utf-8"))
    names = sorted(p.name for p in model.iterdir())
    cases = []
    for name in names:
        for copy in range(COPIES):
            target = root / f"{name}-{copy}"
            shutil.copytree(model, target)
            if name == METADATA_FILE:
                if copy % 2:
                    text = json.dumps(_mutate_json(meta, rng)).encode()
                else:
                    text = _corrupt((model / name).read_bytes(), rng, (model / names[copy % len(names)]).read_bytes())
                (target / name).write_bytes(text)
            else:
                donor = (model / rng.choice(names)).read_bytes()
                data = _corrupt((model / name).read_bytes(), rng, donor)
                (target / name).write_bytes(data)
                fixed = json.loads(json.dumps(meta))
                fixed["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                (target / METADATA_FILE).write_text(json.dumps(fixed), encoding="utf-8")
            cases.append((str(target), name))
    return cases


def _run_worker(manifest: Path, first: int, worker: str = WORKER) -> tuple[dict[int, tuple[str, str]], int | None, str]:
    """Outcomes from one worker started at case ``first``; the case it was on when it died or
    went silent for twice the time limit, and how it ended."""
    process = subprocess.Popen([sys.executable, "-c", worker, str(manifest), str(first), str(CASE_SECONDS)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    outcomes, current = {}, None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            if not selector.select(timeout=CASE_SECONDS * 2):
                process.kill()
                process.wait()
                return outcomes, current, "hang"
            line = process.stdout.readline()
            if not line:
                break
            word, number, *rest = line.rstrip("\n").split(" ", 2)
            if word == "start":
                current = int(number)
            else:
                outcomes[int(number)] = (word, json.loads(rest[0]) if rest else "")
                current = None
    code = process.wait()
    return outcomes, current, f"exit status {code}"


def _run_all(cases: list[tuple[str, str]], manifest: Path, worker: str = WORKER) -> dict[int, tuple[str, str]]:
    """Every case's outcome; a worker that dies or stops answering is restarted after the case."""
    manifest.write_text(json.dumps([path for path, _ in cases]))
    outcomes: dict[int, tuple[str, str]] = {}
    first = 0
    while first < len(cases):
        done, current, ended = _run_worker(manifest, first, worker)
        outcomes.update(done)
        if current is None and ended == "exit status 0":
            break
        culprit = current if current is not None else first
        outcomes[culprit] = ("crash", f"the worker ended ({ended}) on this case")
        first = culprit + 1
    return outcomes


def test_corrupted_model_files_never_crash_hang_or_raise_a_traceback(model_dir, tmp_path):
    cases = _make_cases(model_dir, tmp_path / "cases")
    half = len(cases) // 2
    with ThreadPoolExecutor(2) as pool:  # two workers, one per core
        parts = pool.map(_run_all, [cases[:half], cases[half:]], [tmp_path / "a.json", tmp_path / "b.json"])
        first, second = list(parts)
    outcomes = {**first, **{half + i: outcome for i, outcome in second.items()}}
    assert len(outcomes) == len(cases)
    bad = [(cases[i][0], kind, detail[-600:]) for i, (kind, detail) in sorted(outcomes.items()) if kind in ("fail", "crash")]
    assert not bad, f"{len(bad)} of {len(cases)} cases failed; first: {bad[:3]}"
    refused = [(i, detail) for i, (kind, detail) in outcomes.items() if kind == "refused"]
    assert all("\n" not in detail for _, detail in refused)
    # Each refusal names the model directory (and, where one file is at fault, that file).
    assert all(Path(cases[i][0]).name in detail for i, detail in refused)
    by_file = {name: sum(1 for i, _ in refused if cases[i][1] == name) for name in {n for _, n in cases}}
    assert all(count > COPIES // 4 for count in by_file.values()), by_file  # the corruptions really bite
    assert any("score_calibration" in detail for _, detail in refused)  # the stored calibration is reached too


def _crafted(model: Path, root: Path, name: str, change) -> tuple[str, str]:
    """A copy of ``model`` changed by ``change(copy, metadata)``, its metadata written back."""
    target = root / name
    shutil.copytree(model, target)
    meta = json.loads((target / METADATA_FILE).read_text(encoding="utf-8"))
    change(target, meta)
    if not (target / METADATA_FILE).is_symlink():
        (target / METADATA_FILE).write_text(json.dumps(meta), encoding="utf-8")
    return str(target), name


def _link(target: Path, name: str, to) -> None:
    (target / name).unlink()
    (target / name).symlink_to(to)


def _fifo(target: Path, name: str) -> None:
    (target / name).unlink()
    os.mkfifo(target / name)


def test_paths_in_the_metadata_stay_plain_regular_files_inside_the_model(model_dir, tmp_path):
    """Whatever ``crfner.json`` names, only regular files directly inside the model directory
    are read: no ``..``, no absolute path, no symbolic link (to /dev/zero or a file elsewhere),
    no FIFO, listed or not. Each is refused in one line, in a worker whose memory is capped."""
    root = tmp_path / "crafted"
    root.mkdir()
    outside = tmp_path / "outside"
    shutil.copytree(model_dir, outside)
    weights = next(n for n in sorted(p.name for p in model_dir.iterdir()) if n.endswith(".npy"))
    unlist = lambda name: lambda target, meta: meta["files"].pop(name)

    def listed_outside(entry):
        def change(target, meta):
            meta["files"][entry] = meta["files"][weights]
        return change

    cases = [
        (_crafted(model_dir, root, "dotdot", listed_outside(f"../outside/{weights}")), "not a plain name"),
        (_crafted(model_dir, root, "absolute", listed_outside(str(outside / weights))), "not a plain name"),
        (_crafted(model_dir, root, "weights-link", lambda t, m: _link(t, weights, outside / weights)), "symbolic link"),
        (_crafted(model_dir, root, "metadata-link", lambda t, m: _link(t, METADATA_FILE, outside / METADATA_FILE)),
         "symbolic link"),
        (_crafted(model_dir, root, "clusters-link", lambda t, m: _link(t, "clusters.tsv", outside / "clusters.tsv")),
         "symbolic link"),
        (_crafted(model_dir, root, "clusters-zero", lambda t, m: (unlist("clusters.tsv")(t, m), _link(t, "clusters.tsv", "/dev/zero"))),
         "clusters.tsv, which the files list lacks"),
        (_crafted(model_dir, root, "clusters-fifo", lambda t, m: (unlist("clusters.tsv")(t, m), _fifo(t, "clusters.tsv"))),
         "clusters.tsv, which the files list lacks"),
        (_crafted(model_dir, root, "listed-zero", lambda t, m: _link(t, "clusters.tsv", "/dev/zero")), "symbolic link"),
        (_crafted(model_dir, root, "truecase-link", lambda t, m: _link(t, "truecase.tsv", outside / "truecase.tsv")),
         "symbolic link"),
        (_crafted(model_dir, root, "truecase-fifo", lambda t, m: (unlist("truecase.tsv")(t, m), _fifo(t, "truecase.tsv"))),
         "truecase.tsv, which the files list lacks"),
        (_crafted(model_dir, root, "term-lists-link", lambda t, m: _link(t, "term_lists.tsv", outside / "term_lists.tsv")),
         "symbolic link"),
        (_crafted(model_dir, root, "term-lists-zero", lambda t, m: (unlist("term_lists.tsv")(t, m),
                                                                     _link(t, "term_lists.tsv", "/dev/zero"))),
         "term_lists.tsv, which the files list lacks"),
        (_crafted(model_dir, root, "senses-link", lambda t, m: _link(t, "senses.tsv", outside / "senses.tsv")),
         "symbolic link"),
        (_crafted(model_dir, root, "senses-fifo", lambda t, m: (unlist("senses.tsv")(t, m), _fifo(t, "senses.tsv"))),
         "senses.tsv, which the files list lacks"),
    ]
    limited = "import resource\nresource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))\n" + WORKER
    outcomes = _run_all([case for case, _ in cases], tmp_path / "crafted.json", limited)
    for number, ((path, name), expected) in enumerate(cases):
        kind, detail = outcomes[number]
        assert kind == "refused" and expected in detail and "\n" not in detail, (name, kind, detail[-300:])
