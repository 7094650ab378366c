"""MeSH branch term lists (``[gazetteers] mesh_branches``): cut from small MeSH files written
here, matched as gazetteers, kept in the model directory, and refused with a one-line error
when a vocabulary file, a saved list or a declaration is malformed."""

from __future__ import annotations

import pytest
from conftest import write

import crfner
from crfner import CRFTagger, DataFormatError, FeatureSetError, load_feature_set
from crfner.featurize.featurizer import Resources
from crfner.featurize.term_lists import MESH_TERMS, MESH_TREES, TermLists

TREES = """MESH:D1\tC23.888.592
MESH:D2\tC23.889|A01.456
MESH:D3\tC23.550.100
MESH:D4\tC23.888
MESH:D5\tA01
MESH:D6\tC24
"""
TERMS = """MESH:D1\tChest Pain\tY\tN
MESH:D1\tPain, Chest\tN\tY
MESH:D2\tAbdomen\tY\tN
MESH:D3\tNecrosis\tY\tN
MESH:D4\tSigns and Symptoms\tY\tN
MESH:D5\tBody Regions\tY\tN
MESH:D9\tOrphan\tY\tN
"""


def mesh_folder(tmp_path, trees=TREES, terms=TERMS):
    for name in (MESH_TREES, MESH_TERMS):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    write(tmp_path / MESH_TREES, trees)
    write(tmp_path / MESH_TERMS, terms)
    return tmp_path


def test_a_branch_holds_its_descriptors_and_those_below_them(tmp_path):
    lists = TermLists.from_mesh(mesh_folder(tmp_path), {"mesh_sign": ["C23.888"], "mesh_body": ["A01"]})
    # C23.889 is a sibling of C23.888, not below it, and permuted forms ("Pain, Chest") are left out
    assert lists.lists == {"mesh_sign": ("Chest Pain", "Signs and Symptoms"), "mesh_body": ("Abdomen", "Body Regions")}
    assert len(lists) == 4


def test_vocabulary_files_saved_as_unicode_text_cut_the_same_lists(tmp_path):
    """MeSH files saved as UTF-16 or UTF-32 with a byte-order mark (as the linker reads them)
    give the lists their UTF-8 copies give; they were refused as not UTF-8. A UTF-8 BOM is
    dropped: it stuck to the first descriptor, whose terms were lost."""
    branches = {"mesh_sign": ["C23.888"], "mesh_body": ["A01"]}
    expected = TermLists.from_mesh(mesh_folder(tmp_path / "plain"), branches)
    for codec in ("utf-16", "utf-32"):
        folder = mesh_folder(tmp_path / codec)
        for name, text in ((MESH_TREES, TREES.replace("\n", "\r\n")), (MESH_TERMS, TERMS)):
            (folder / name).write_bytes(text.encode(codec))
        assert TermLists.from_mesh(folder, branches) == expected, codec
    folder = mesh_folder(tmp_path / "bom")
    write(folder / MESH_TREES, TREES, bom=True)
    assert TermLists.from_mesh(folder, branches) == expected


@pytest.mark.parametrize(
    "which,content,line",
    [
        (MESH_TREES, "MESH:D1\tC23.888\nMESH:D2 C23\n", 2),
        (MESH_TREES, "MESH:D1\tC23.88\n", 1),
        (MESH_TERMS, "MESH:D1\tChest Pain\tY\tN\n\nMESH:D2\tAbdomen\tY\n", 3),
        (MESH_TERMS, "MESH:D1\t \tY\tN\n", 1),
    ],
)
def test_a_malformed_vocabulary_line_names_its_file_and_line(tmp_path, which, content, line):
    folder = mesh_folder(tmp_path)
    write(folder / which, content)
    with pytest.raises(DataFormatError, match=f"line {line}:") as error:
        TermLists.from_mesh(folder, {"mesh_sign": ["C23.888"]})
    assert str(folder / which) in str(error.value) and "\n" not in str(error.value)


def test_the_linker_and_the_branch_lists_read_the_tree_file_alike(tmp_path):
    """One reader of MeSH's tree file: the lists spell descriptors as the linker does (a bare
    ``D1`` is ``MESH:D1``, which the lists' term file did not match), and the linker refuses a
    tree number the lists refuse, where it took ``C23.88`` or an empty one silently."""
    from crfner.link.vocabulary import read_tree_numbers

    folder = mesh_folder(tmp_path, trees=TREES.replace("MESH:D1\t", "D1\t"))
    assert read_tree_numbers(folder / MESH_TREES)["MESH:D1"] == ["C23.888.592"]
    assert TermLists.from_mesh(folder, {"mesh_sign": ["C23.888"]}).lists == {"mesh_sign": ("Chest Pain", "Signs and Symptoms")}
    for bad in ("MESH:D2\tC23.88\n", "MESH:D2\tC23|\n"):
        write(folder / MESH_TREES, "MESH:D1\tC23\n" + bad)
        with pytest.raises(DataFormatError, match=r"line 2: expected 'descriptor<TAB>tree number"):
            read_tree_numbers(folder / MESH_TREES)


def test_lists_round_trip_through_their_file(tmp_path):
    lists = TermLists.from_mesh(mesh_folder(tmp_path), {"mesh_sign": ["C23.888"], "mesh_body": ["A01"]})
    lists.save(tmp_path / "t.tsv")
    assert TermLists.load(tmp_path / "t.tsv") == lists
    assert TermLists.load(tmp_path / "t.tsv").sha256() == lists.sha256()


@pytest.mark.parametrize(
    "content,line,problem",
    [
        ("list\tword\n", 1, "header"),
        ("list\tterm\nmesh_sign\n", 2, "expected 'list<TAB>term'"),
        ("list\tterm\nMesh\tPain\n", 2, "expected a list name"),
        ("list\tterm\nmesh_sign\tPain\r\n", 2, "expected 'list<TAB>term'"),
        ("list\tterm\nmesh_sign\tPain\nmesh_sign\tAche\n", 3, "out of order or repeated"),
    ],
)
def test_a_damaged_list_file_names_its_file_and_line(tmp_path, content, line, problem):
    path = write(tmp_path / "t.tsv", content)
    with pytest.raises(DataFormatError, match=problem) as error:
        TermLists.load(path)
    assert f"{path}, line {line}:" in str(error.value)


def _mesh_set(branches=None, lists=None) -> dict:
    spec = load_feature_set("tutorial").to_dict()
    branches = {"mesh_sign": ["C23.888"]} if branches is None else branches
    spec["gazetteers"] = {"mesh_branches": branches, **({"lists": lists} if lists else {})}
    return spec


@pytest.mark.parametrize(
    "branches",
    [{"mesh_sign": "C23.888"}, {"mesh_sign": []}, {"mesh_sign": ["C23.8"]}, {"Mesh sign": ["C23.888"]}, {}],
)
def test_a_malformed_declaration_is_refused(branches):
    with pytest.raises(FeatureSetError, match="gazetteers.mesh_branches = .*expected a table of list name"):
        load_feature_set(_mesh_set(branches))


def test_missing_mesh_files_or_a_clashing_name_are_refused(tmp_path, small_train):
    X, y = small_train
    with pytest.raises(FeatureSetError, match=f"need {tmp_path / MESH_TREES}"):
        CRFTagger(features=_mesh_set(), data_dir=tmp_path).fit(X[:20], y[:20])
    folder = mesh_folder(tmp_path)
    write(folder / "gazetteers" / "mesh_sign.tsv", "pain\tX\n")
    with pytest.raises(FeatureSetError, match="'mesh_sign' has the name of a gazetteer file"):
        CRFTagger(features=_mesh_set(lists=["mesh_sign"]), data_dir=folder).fit(X[:20], y[:20])
    with pytest.raises(FeatureSetError, match="MeSH branch lists, but none were cut or loaded"):
        load_feature_set(_mesh_set()).featurizer(Resources())


def test_a_model_matches_its_lists_and_keeps_them(tmp_path, small_train):
    X, y = small_train
    folder = mesh_folder(tmp_path / "data")
    tagger = CRFTagger(features=_mesh_set({"mesh_sign": ["C23.888"], "mesh_body": ["A01"]}), data_dir=folder,
                       max_iterations=10).fit(X[:200], y[:200])
    features = tagger.feature_set_.featurizer(tagger.resources_)(["Severe", "chest", "pain", "in", "the", "abdomen"])
    assert features[1]["gaz:mesh_sign"] == "B" and features[2]["gaz:mesh_sign"] == "I"
    assert features[5]["gaz:mesh_body"] == "B" and "gaz:mesh_sign" not in features[5]
    saved = tagger.save(tmp_path / "m")
    assert TermLists.load(saved / "term_lists.tsv") == tagger.resources_.term_lists
    for name in (MESH_TREES, MESH_TERMS):  # the model needs no MeSH files once trained
        (folder / name).unlink()
    loaded = CRFTagger.load(saved, data_dir=folder)
    assert loaded.resources_.term_lists == tagger.resources_.term_lists
    assert loaded.predict(X[200:260]) == tagger.predict(X[200:260])
    assert crfner.CRFTagger.load(saved).feature_set_.gazetteers["mesh_branches"] == {"mesh_sign": ["C23.888"], "mesh_body": ["A01"]}


def test_a_branch_list_that_cuts_to_no_terms_is_refused_naming_its_file_and_key(tmp_path, small_train):
    X, y = small_train
    folder = mesh_folder(tmp_path / "data")
    path = write(tmp_path / "mesh.toml", 'name = "m"\nversion = 1\n[token]\nlower = true\n'
                 '[gazetteers.mesh_branches]\nmesh_sign = ["C23.888"]\nmesh_none = ["C24"]\n')
    # C24 is a tree number, but its descriptor has no entry term
    with pytest.raises(FeatureSetError, match=r"gazetteers\.mesh_branches\.mesh_none = \['C24'\]: no descriptor") as error:
        CRFTagger(features=str(path), data_dir=folder, max_iterations=5).fit(X[:20], y[:20])
    assert str(error.value).startswith(f"{path}: feature set 'm': ") and "\n" not in str(error.value)


def test_a_mistyped_tree_number_beside_good_ones_is_refused_naming_it(tmp_path, small_train):
    X, y = small_train
    folder = mesh_folder(tmp_path / "data")
    path = write(tmp_path / "mesh.toml", 'name = "m"\nversion = 1\n[token]\nlower = true\n'
                 '[gazetteers.mesh_branches]\nmesh_sign = ["C23.888", "C23.887", "Z99"]\n')
    with pytest.raises(FeatureSetError, match=r"mesh_sign = \['C23.888', 'C23.887', 'Z99'\]: not a tree number of "
                                              r".*mesh_tree_numbers.tsv nor a branch above one: C23.887, Z99$"):
        CRFTagger(features=str(path), data_dir=folder, max_iterations=5).fit(X[:20], y[:20])
    # a branch above the file's numbers is one: C23 holds C23.888 and the rest
    path.write_text(path.read_text(encoding="utf-8").replace('"C23.888", "C23.887", "Z99"', '"C23", "A01.456"'), encoding="utf-8")
    tagger = CRFTagger(features=str(path), data_dir=folder, max_iterations=5).fit(X[:20], y[:20])
    assert tagger.feature_set_.gazetteers["mesh_branches"] == {"mesh_sign": ["C23", "A01.456"]}
