"""A linker from named vocabularies and registered corpora's training documents: what
``crfner linker`` and the linking benchmark build."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from ..corpora.pubtator_splits import load_documents
from ..corpora.registry import resolve_data_dir
from ..errors import ParameterError
from .hierarchy import medic_parents, merged, tree_parents
from .linker import Linker
from ..corpora.abbreviation_senses import inventory_rows, sense_table
from ..featurize.term_lists import MESH_TREES, read_tree_numbers
from .infections import infection_terms
from .vocabulary import (chemical_list_terms, medic_path, mesh_path, mesh_terms, mesh_terms_by_type, read_medic, read_mesh,
                         read_term_list)

#: Vocabulary names -> (the type they name, what they hold).
VOCABULARIES = {
    "medic": ("Disease", "MEDIC, CTD's disease vocabulary (MeSH and OMIM ids): <data dir>/vocabularies/CTD_diseases.tsv.gz"),
    "mesh": ("Chemical", "MeSH 2024 descriptors under D, Chemicals and Drugs, with their entry terms"),
    "chemicals": ("Chemical", ("the data folder's chemical list (<data dir>/gazetteers/chemical.tsv): MeSH 2024's chemical "
                               "names with ChEBI's and DrugBank's, each with its source's id (MESH:, CHEBI:, DRUGBANK:), for "
                               "the drugs MeSH's descriptors lack (apatinib, ivacaftor, fludarabine, ziprasidone), but names "
                               "of fewer than four characters (TCA, AMD); filed under a type of its own "
                               "(ChemicalName=chemicals) and named last in a drug type's alias "
                               "(Medication=Chemical,Procedure,ChemicalName), it is looked up by name only, after MeSH")),
    "mesh-diseases": ("Disease", "MeSH 2024 descriptors under C and F03, diseases and mental disorders"),
    "mesh-anatomy": ("Anatomy", "MeSH 2024 descriptors under A01-A10 and A14-A17, body regions, organ systems and tissues"),
    "mesh-cells-fluids": ("CellsFluids", ("MeSH 2024 descriptors under A11 and A12, cells and body fluids and "
                                          "secretions (cytoplasm, hepatocytes, CSF, urine, sputum): a type of its own, which a "
                                          "body structure's alias names second (Biological_structure=Anatomy,CellsFluids), so "
                                          "that it is looked up by name only and leaves the anatomy's similarity search as it was")),
    "mesh-procedures": ("Procedure", "MeSH 2024 descriptors under E01-E04, diagnostic, therapeutic, anaesthetic and surgical procedures"),
    "mesh-measures": ("Measure", ("MeSH 2024 descriptors under G02, G03, G07, G09 and G11, what a test measures of the body "
                                  "(blood pressure, heart rate, pH, oxygen saturation, body temperature)")),
    "mesh-infections": ("Infection", ("MeSH 2024 organisms (B01-B04), and each followed by \"infection\", as the infections "
                                      "they cause, for a disease mention that names its pathogen (HIV as HIV Infections, "
                                      "Helicobacter pylori as Helicobacter Infections): a type of its own, which a disease "
                                      "type's alias names second (Disease_disorder=Disease,Infection), so that it is looked "
                                      "up by name only and leaves the diseases' similarity search as it was "
                                      "(crfner.link.infections)")),
    "clinical-procedures": ("Procedure", ("names clinical text gives common imaging and laboratory tests and therapies that "
                                          "MeSH 2024 lacks or files outside E01-E04 (CT scan, ultrasound, chest X-ray, laboratory "
                                          "tests, histopathological examination, PCR, GCS, surgery, dialysis, extubated), each "
                                          "with the MeSH descriptor it files them under; written for crfner and shipped with it "
                                          "(crfner/link/clinical_procedures.tsv)")),
    "clinical-measures": ("Measure", ("names clinical text gives common measures that MeSH 2024 lacks (ejection fraction, "
                                      "platelets, white blood cells, PaO2, HbA1c), each with the MeSH descriptor of the measure "
                                      "or of what it measures; written for crfner and shipped with it "
                                      "(crfner/link/clinical_measures.tsv)")),
    "clinical-signs": ("Disease", ("names clinical text gives common signs that MEDIC lacks (murmur, dilated, invasion, "
                                   "orthopnea), each with the MeSH descriptor that files them; written for crfner and "
                                   "shipped with it (crfner/link/clinical_signs.tsv)")),
    "clinical-anatomy": ("Anatomy", ("names clinical text gives body structures that MeSH 2024 names with other words "
                                     "(the coronary arteries and their short forms, LAD, LMCA, LCx, RCA, as Coronary Vessels; "
                                     "organs' adjectives: mitral, tricuspid, ventricular, gastrointestinal), each with the MeSH "
                                     "descriptor that files them; written for crfner and shipped with it "
                                     "(crfner/link/clinical_anatomy.tsv)")),
}
#: The ``clinical-*`` lists, package data: no data folder needed.
CLINICAL_PROCEDURES = Path(__file__).with_name("clinical_procedures.tsv")
CLINICAL_MEASURES = Path(__file__).with_name("clinical_measures.tsv")
CLINICAL_SIGNS = Path(__file__).with_name("clinical_signs.tsv")
CLINICAL_ANATOMY = Path(__file__).with_name("clinical_anatomy.tsv")
PACKAGED = {"clinical-procedures": CLINICAL_PROCEDURES, "clinical-measures": CLINICAL_MEASURES, "clinical-signs": CLINICAL_SIGNS,
            "clinical-anatomy": CLINICAL_ANATOMY}
#: The named vocabularies that are not a branch of the MeSH term file.
_NOT_MESH_FILE = frozenset({"medic", "mesh-infections", "chemicals", *PACKAGED})


def vocabulary_name(spec: str) -> str:
    """The named vocabulary a spec reads: ``spec`` itself, or NAME of ``TYPE=NAME``."""
    etype, equals, name = spec.partition("=")
    return name if equals and etype and name in VOCABULARIES else spec


def vocabulary_terms(spec: str, data_dir: str | os.PathLike, trees: dict[str, list[str]] | None = None) -> tuple[str, list]:
    """``(type, terms)`` of a vocabulary given by name (:data:`VOCABULARIES`), as ``TYPE=NAME``
    (a named vocabulary's terms under a type of the caller's: ``MeSHDisease=mesh-diseases``, for
    an alias to look them up by name only) or as ``TYPE=PATH`` to a ``term<TAB>identifier`` list
    (``trees``: MeSH's tree numbers, if read)."""
    if (name := vocabulary_name(spec)) != spec:
        return spec.partition("=")[0], vocabulary_terms(name, data_dir, trees)[1]
    if spec == "medic":
        return "Disease", list(read_medic(medic_path(data_dir)))
    if spec == "chemicals":
        return "Chemical", list(chemical_list_terms(data_dir))
    if spec == "mesh-infections":
        trees = read_tree_numbers(Path(data_dir) / MESH_TREES) if trees is None else trees
        return "Infection", infection_terms(read_mesh(mesh_path(data_dir)), trees)
    if spec in PACKAGED:
        return VOCABULARIES[spec][0], list(read_term_list(PACKAGED[spec]))
    if spec in VOCABULARIES:  # the MeSH branches (medic and the infections are read above)
        etype = VOCABULARIES[spec][0]
        return etype, list(mesh_terms(data_dir, etype))
    etype, equals, path = spec.partition("=")
    if not equals or not etype or not path:
        raise ParameterError(f"unknown vocabulary {spec!r}: give one of {', '.join(VOCABULARIES)}, TYPE=NAME to file one of them under "
                             "a type of your own, or TYPE=PATH to a term<TAB>identifier list")
    return etype, list(read_term_list(Path(path)))


def _mesh_branch(spec: str) -> bool:
    """Whether ``spec`` names a branch of the MeSH term file (``mesh``, ``mesh-anatomy`` ...)."""
    return spec in VOCABULARIES and spec not in _NOT_MESH_FILE


def _in_mesh_trees(spec: str) -> bool:
    """Whether ``spec``'s ids are (or, for ``chemicals``, include) MeSH descriptors, placed by MeSH's tree numbers."""
    return spec in VOCABULARIES and spec != "medic"


def vocabulary_table(specs: Sequence[str], data_dir: str | os.PathLike, trees: dict[str, list[str]] | None = None) -> dict[str, list]:
    """Type -> terms of the vocabularies ``specs`` (see :func:`vocabulary_terms`), in order; the
    MeSH term file is read once for all its branches, ``TYPE=NAME`` ones too (with ``trees``, the
    tree numbers if read)."""
    mesh = [VOCABULARIES[name][0] for name in map(vocabulary_name, specs) if _mesh_branch(name)]
    branches = mesh_terms_by_type(data_dir, mesh, trees) if mesh else {}
    terms: dict[str, list] = defaultdict(list)
    for spec in specs:
        if _mesh_branch(name := vocabulary_name(spec)):
            etype = spec.partition("=")[0] if name != spec else VOCABULARIES[name][0]
            terms[etype].extend(branches[VOCABULARIES[name][0]])
        else:
            etype, found = vocabulary_terms(spec, data_dir, trees)
            terms[etype].extend(found)
    return dict(terms)


def vocabulary_parents(specs: Sequence[str], data_dir: str | os.PathLike, trees: dict[str, list[str]] | None = None) -> dict[str, set[str]]:
    """The concept hierarchy of the named vocabularies among ``specs``: MEDIC's parent ids,
    MeSH's tree numbers (``trees``, if read already; a ``TYPE=PATH`` list has none)."""
    specs = [vocabulary_name(spec) for spec in specs]
    hierarchies = []
    if "medic" in specs:
        hierarchies.append(medic_parents(medic_path(data_dir)))
    if any(map(_in_mesh_trees, specs)):
        hierarchies.append(tree_parents(read_tree_numbers(Path(data_dir) / MESH_TREES) if trees is None else trees))
    return merged(*hierarchies)


def fit_on_vocabularies(vocabularies: Sequence[str], documents, data_dir: str | os.PathLike, senses=None, **params) -> Linker:
    """A :class:`Linker` (``params``) fitted on the vocabularies ``vocabularies`` names, with their
    hierarchy (:func:`vocabulary_parents`), the gold mentions of ``documents`` and a ``senses`` table;
    MeSH's tree numbers are read once for both."""
    trees = read_tree_numbers(Path(data_dir) / MESH_TREES) if any(_in_mesh_trees(vocabulary_name(spec)) for spec in vocabularies) else None
    return Linker(**params).fit(vocabulary_table(vocabularies, data_dir, trees), documents, senses=senses,
                                parents=vocabulary_parents(vocabularies, data_dir, trees))


def build_linker(data_dir: str | os.PathLike | None = None, corpora: Sequence[str] = ("bc5cdr",), splits: Sequence[str] = ("train",),
                 vocabularies: Sequence[str] = ("medic", "mesh"), threshold: float | None = None, senses: Sequence[str] = (),
                 **params) -> Linker:
    """Fit a :class:`Linker` on ``vocabularies``, the gold mentions of ``corpora``'s ``splits``
    and the abbreviation ``senses`` inventories (``"clinical"`` or file paths, see
    :mod:`crfner.corpora.abbreviation_senses`), with the named vocabularies' hierarchy
    (:func:`vocabulary_parents`); ``threshold`` (None: the linker's default) and other ``params``
    pass through."""
    data_dir = resolve_data_dir(data_dir)
    documents = [document for corpus in corpora for split in splits for document in load_documents(corpus, split, data_dir)]
    table = sense_table(row for spec in senses for row in inventory_rows(spec, data_dir)) if senses else None
    if threshold is not None:
        params["threshold"] = threshold
    return fit_on_vocabularies(vocabularies, documents, data_dir, senses=table, **params)
