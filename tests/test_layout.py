"""The package's layout keeps its layering: no import cycles between modules, stages that
depend downward only, small modules, and old import paths that still answer."""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import crfner
from crfner.moved import MOVED

PACKAGE = Path(crfner.__file__).parent

# Stages from the bottom up: a module may import from its own stage or from any stage below.
LAYERS = [
    ("crfner.errors", "crfner.atomic", "crfner.schemes", "crfner.source_digest"),
    ("crfner.text",),
    ("crfner.assertion",),
    ("crfner.corpora",),
    ("crfner.evaluation",),
    ("crfner.featurize",),
    ("crfner.crf",),
    ("crfner.transformer",),
    ("crfner.link",),
    ("crfner.tagging",),
    ("crfner.explanations",),
    ("crfner.report",),
    ("crfner.benchmark",),
    ("crfner.cli",),
    ("crfner.moved", "crfner.__main__", "crfner.spacy"),
]
# The edges that point up, on purpose: CRFModel.tag_text and CRFModel.explain, convenience
# methods, hand the model itself to the stage that does the work (which needs nothing of crf).
UPWARD_ALLOWED = {("crfner.crf.model", "crfner.tagging.annotate"), ("crfner.crf.model", "crfner.explanations.entities")}


def module_files() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """crfner modules that ``name`` imports anywhere in its code (inside functions too)."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a list of modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def layer_of(module: str) -> int | None:
    for index, stage in enumerate(LAYERS):
        if any(module == s or module.startswith(s + ".") for s in stage):
            return index
    return None


def test_the_walker_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_walker_sees_relative_and_function_level_imports():
    graph = import_graph()
    assert "crfner.corpora.conll" in graph["crfner.corpora.registry"]       # from .conll import ...
    assert "crfner.crf.tagger" in graph["crfner.benchmark.systems"]          # inside a function
    assert "crfner.errors" in graph["crfner.crf.tagger"]                     # from ..errors import ...


def test_no_import_cycle_between_crfner_modules():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_every_module_belongs_to_a_stage():
    unplaced = [m for m in import_graph() if m != "crfner" and layer_of(m) is None]
    assert not unplaced, f"modules in no stage of LAYERS: {unplaced}"


def test_stages_depend_downward_only():
    upward = []
    for module, targets in import_graph().items():
        if module == "crfner":
            continue  # the public API re-exports every stage
        for target in targets:
            if target == "crfner":
                continue  # __version__; the package root imports nothing eagerly but crfner.moved
            if layer_of(target) > layer_of(module) and (module, target) not in UPWARD_ALLOWED:
                upward.append(f"{module} -> {target}")
    assert not upward, "imports that point up a stage: " + ", ".join(sorted(upward))


def test_no_module_imports_another_modules_private_names():
    modules = module_files()
    private = []
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("crfner")):
                private += [f"{name}: {alias.name}" for alias in node.names if alias.name.startswith("_")
                            and alias.name != "__version__"]
    assert not private, f"private names imported across modules: {private}"


def test_small_modules_and_a_small_package_root():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in module_files().items()}
    assert {name: n for name, n in sizes.items() if n > 400} == {}
    root = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"]
    assert len(root) <= 8, root


def test_the_package_root_shows_its_public_api_and_no_helper_imports():
    """``dir(crfner)`` in a fresh process: every exported name, and none of the root's own imports
    or helpers (a subpackage imported later may appear, as for any package)."""
    code = "import crfner, json; print(json.dumps(dir(crfner)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    shown = set(json.loads(result.stdout))
    assert set(crfner.__all__) <= shown
    assert {n for n in shown - set(crfner.__all__) if not n.startswith("__")} == set()


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_import_path_gives_the_new_module_with_a_warning(old):
    code = (
        "import importlib, warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        f"    old = importlib.import_module({old!r})\n"
        f"new = importlib.import_module({MOVED[old]!r})\n"
        "assert old is new, (old, new)\n"
        "messages = [str(w.message) for w in caught if w.category is DeprecationWarning]\n"
        f"assert any({MOVED[old]!r} in m for m in messages), messages\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_old_from_imports_keep_working():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from crfner.formats.conll import read_conll
        from crfner.tagger import CRFTagger
    assert CRFTagger is crfner.CRFTagger
    assert read_conll is crfner.read_conll
    assert any("crfner.crf.tagger" in str(w.message) for w in caught)


def test_new_paths_do_not_warn():
    code = (
        "import warnings\nwarnings.simplefilter('error')\n"
        "import crfner, crfner.crf.tagger, crfner.corpora.conll, crfner.evaluation.metrics, crfner.text\n"
        "crfner.CRFTagger, crfner.load_corpus, crfner.evaluate, crfner.tag_text\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_every_moved_path_points_at_a_module_and_is_gone_from_its_old_place():
    for old, new in MOVED.items():
        assert importlib.util.find_spec(new) is not None, new
        relative = Path(*old.split(".")[1:])
        assert not (PACKAGE / relative.with_suffix(".py")).exists(), f"{old} left behind"
        assert not (PACKAGE / relative / "__init__.py").exists(), f"{old} left behind"


def test_the_readme_lists_every_moved_path():
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    missing = [f"{old} -> {new}" for old, new in MOVED.items() if f"`{old}`" not in readme or f"`{new}`" not in readme]
    assert not missing, missing
