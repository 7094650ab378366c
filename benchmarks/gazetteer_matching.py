"""Gazetteer longest-match: crfner's dict walker against multi-pattern matching libraries.

Builds the `biomedical` feature set's lists (disease and chemical, found in the data dir as
``CRFTagger(features="biomedical")`` finds them) with each matcher, and times in one run,
interleaved, best of --repeats: building the index (tokenising the terms included, as a
freshly loaded model does), matching all sentences of BC5CDR test right after the build
(cold) and again (warm). Memory is measured in a fresh process per matcher: RSS before and
after the build, and tracemalloc's peak and kept bytes (Python allocations only; the
libraries' own C/C++/Rust allocations show in RSS alone). Every matcher must give the same
``gazetteer_features`` as crfner's for every sentence of BC5CDR test and NCBI Disease test,
for each list alone and both together; the script checks that before timing.

    pip install pyahocorasick ahocorasick-rs marisa-trie   # the candidates; absent ones are skipped
    python benchmarks/gazetteer_matching.py --data-dir ../shared/data --out benchmarks/results/gazetteer_matching.json
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import platform
import subprocess
import sys
import time
import tracemalloc
from itertools import accumulate

from crfner.featurize import gazetteer_terms as gz
from crfner.featurize.gazetteer import Gazetteer, Match, gazetteer_features
from crfner.featurize.gazetteer_terms import EXACT_TERM, NORM_TERM, SEP

GAP = "\x1e"  # between the exact and the normalised text of a sentence; no term holds it


def term_keys(terms, max_tokens: int, heads: dict) -> dict[str, int]:
    """Joined key -> EXACT_TERM/NORM_TERM flags of the terms alone (no prefix entries), read as
    ``compile_terms`` reads them, head counts included so every build does the same work."""
    keys: dict[str, int] = {}
    for term in terms:
        tokens = gz.tokenize_term(term)
        if len(tokens) > max_tokens:
            continue
        exact, normalised = gz.term_variants(tokens)
        if not exact:
            continue
        if len(normalised) > 1:
            heads[normalised[-1]] = heads.get(normalised[-1], 0) + 1
        key = SEP.join(exact)
        keys[key] = keys.get(key, 0) | EXACT_TERM
        if normalised:
            key = SEP.join(normalised)
            keys[key] = keys.get(key, 0) | NORM_TERM
    return keys


class Candidate(Gazetteer):
    """A list matched by a library: only ``_match`` differs, so crfner's own
    ``gazetteer_features`` turns its matches into features."""

    def __init__(self, name: str, terms, max_tokens: int):
        heads: dict[str, int] = {}
        keys = term_keys(terms, max_tokens, heads)
        super().__init__(name, "", "", len(terms), {}, max_tokens, len(keys), heads)
        self.build(keys)

    def build(self, keys: dict[str, int]) -> None:
        raise NotImplementedError


def longest_first(exact_ends: dict[int, int], norm_ends: dict[int, int]) -> list[Match]:
    """Greedy left to right over the longest end per start, exact winning ties (as crfner)."""
    matches = []
    i = 0
    for start in sorted(exact_ends.keys() | norm_ends.keys()):
        if start < i:
            continue
        exact_end = exact_ends.get(start, 0)
        norm_end = norm_ends.get(start, 0)
        exact = exact_end >= norm_end
        i = exact_end if exact else norm_end
        matches.append(Match(start, i, exact))
    return matches


def sentence_text(tokens, lowered, words):
    """``SEP t0 SEP t1 ... SEP GAP SEP w0 SEP w1 ... SEP`` (all tokens as written, then the
    lower-cased words), where the normalised half starts, and its word -> token indices."""
    word_index = [k for k, word in enumerate(words) if word]
    exact = SEP + SEP.join(tokens) + SEP
    text = exact + GAP + SEP + SEP.join([lowered[k] for k in word_index]) + SEP
    return text, len(exact) + 1, word_index


class PyAhoCorasick(Candidate):
    """pyahocorasick: one automaton over ``SEP key SEP`` of every term, valued (flags, tokens)."""

    def build(self, keys):
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for key, flags in keys.items():
            automaton.add_word(SEP + key + SEP, (flags, key.count(SEP) + 1))
        automaton.make_automaton()
        self._automaton = automaton

    def _match(self, tokens, lowered, words):
        text, base, word_index = sentence_text(tokens, lowered, words)
        exact_ends: dict[int, int] = {}
        norm_ends: dict[int, int] = {}
        ends = None
        for last, (flags, n) in self._automaton.iter(text):
            if ends is None:  # char offset of the SEP after token (word) k -> k + 1
                ends = dict(zip(accumulate(len(t) + 1 for t in tokens), range(1, len(tokens) + 1)))
                norm = accumulate((len(lowered[k]) + 1 for k in word_index), initial=base)
                ends.update(zip(norm, range(len(word_index) + 1)))
            if last < base:
                if flags & EXACT_TERM:
                    end = ends[last]
                    if exact_ends.get(end - n, 0) < end:
                        exact_ends[end - n] = end
            elif flags & NORM_TERM:
                m = ends[last]
                start, end = word_index[m - n], word_index[m - 1] + 1
                if norm_ends.get(start, 0) < end:
                    norm_ends[start] = end
        return longest_first(exact_ends, norm_ends)


class AhoCorasickRs(Candidate):
    """ahocorasick-rs (Rust's aho-corasick crate, its default automaton): the same patterns,
    all overlapping matches of a sentence in one call."""

    def build(self, keys):
        import ahocorasick_rs

        patterns = [SEP + key + SEP for key in keys]
        self._flags = list(keys.values())
        self._lengths = [key.count(SEP) + 1 for key in keys]
        self._automaton = ahocorasick_rs.AhoCorasick(patterns)

    def _match(self, tokens, lowered, words):
        text, base, word_index = sentence_text(tokens, lowered, words)
        found = self._automaton.find_matches_as_indexes(text, overlapping=True)
        exact_ends: dict[int, int] = {}
        norm_ends: dict[int, int] = {}
        if not found:
            return []
        flags, lengths = self._flags, self._lengths
        starts = dict(zip(accumulate((len(t) + 1 for t in tokens), initial=0), range(len(tokens))))
        starts.update(zip(accumulate((len(lowered[k]) + 1 for k in word_index), initial=base), range(len(word_index))))
        for pattern, first, _ in found:
            n = lengths[pattern]
            if first < base:
                if flags[pattern] & EXACT_TERM:
                    start = starts[first]
                    if exact_ends.get(start, 0) < start + n:
                        exact_ends[start] = start + n
            elif flags[pattern] & NORM_TERM:
                m = starts[first]
                start, end = word_index[m], word_index[m + n - 1] + 1
                if norm_ends.get(start, 0) < end:
                    norm_ends[start] = end
        return longest_first(exact_ends, norm_ends)


class MarisaTrie(Candidate):
    """marisa-trie: a trie of ``key SEP`` per variant, asked for the longest prefix of the
    sentence text at each token that begins a term (first tokens kept in a dict)."""

    def build(self, keys):
        import marisa_trie

        self._exact_trie = marisa_trie.Trie([k + SEP for k, f in keys.items() if f & EXACT_TERM])
        self._norm_trie = marisa_trie.Trie([k + SEP for k, f in keys.items() if f & NORM_TERM])
        first: dict[str, int] = {}
        for key, flags in keys.items():
            head = key.partition(SEP)[0]
            first[head] = first.get(head, 0) | flags
        self._first = first
        self._longest = max(map(len, keys)) + 1

    def _match(self, tokens, lowered, words):
        first, longest = self._first, self._longest
        exact_ends: dict[int, int] = {}
        norm_ends: dict[int, int] = {}
        exact_text = norm_text = None
        m = 0
        for i, token in enumerate(tokens):
            if not words[i]:
                continue
            m += 1
            if first.get(token, 0) & EXACT_TERM:
                if exact_text is None:
                    exact_text = SEP.join(tokens) + SEP
                    offsets = list(accumulate((len(t) + 1 for t in tokens), initial=0))
                found = self._exact_trie.prefixes(exact_text[offsets[i] : offsets[i] + longest])
                if found:
                    exact_ends[i] = i + found[-1].count(SEP)
            if first.get(lowered[i], 0) & NORM_TERM:
                if norm_text is None:
                    word_index = [k for k, word in enumerate(words) if word]
                    norm_text = SEP.join([lowered[k] for k in word_index]) + SEP
                    norm_offsets = list(accumulate((len(lowered[k]) + 1 for k in word_index), initial=0))
                found = self._norm_trie.prefixes(norm_text[norm_offsets[m - 1] : norm_offsets[m - 1] + longest])
                if found:
                    norm_ends[i] = word_index[m - 2 + found[-1].count(SEP)] + 1
        return longest_first(exact_ends, norm_ends)


class Walker(Gazetteer):
    """crfner's own: the flag dict of keys and prefixes, walked token by token."""

    def __init__(self, name, terms, max_tokens):
        heads: dict[str, int] = {}
        keys, compiled = gz.compile_terms(terms, max_tokens, heads)
        super().__init__(name, "", "", len(terms), keys, max_tokens, compiled, heads)


MATCHERS = {
    "walker (crfner)": Walker,
    "pyahocorasick": PyAhoCorasick,
    "ahocorasick-rs": AhoCorasickRs,
    "marisa-trie": MarisaTrie,
}
LIBRARIES = {"pyahocorasick": "ahocorasick", "ahocorasick-rs": "ahocorasick_rs", "marisa-trie": "marisa_trie"}


def available() -> list[str]:
    names = []
    for name in MATCHERS:
        module = LIBRARIES.get(name.split()[0])
        try:
            module and __import__(module)
        except ImportError:
            print(f"skipping {name}: {module} is not installed", file=sys.stderr)
            continue
        names.append(name)
    return names


def biomedical_lists(data_dir: str) -> tuple[list[tuple[str, list[str]]], int]:
    """(name, terms) of the biomedical set's gazetteers, resolved as CRFTagger resolves them."""
    from crfner.featurize.featureset import load_feature_set
    from crfner.featurize.resources import resolve_gazetteers

    feature_set = load_feature_set("biomedical")
    lists = [(name, gz.read_terms(path)[0]) for name, path in resolve_gazetteers(feature_set, None, data_dir)]
    return lists, feature_set.gazetteers.get("max_tokens", 12)


def build(name, lists, max_tokens):
    return [MATCHERS[name](list_name, terms, max_tokens) for list_name, terms in lists]


def featurize_all(sentences, gazetteers) -> float:
    started = time.perf_counter()
    for tokens in sentences:
        gazetteer_features(tokens, gazetteers)
    return time.perf_counter() - started


def digests(sentences, gazetteers) -> list[str]:
    """Per sentence, a digest of its features for each list alone and for both together."""
    out = []
    for tokens in sentences:
        parts = [gazetteer_features(tokens, [g]) for g in gazetteers] + [gazetteer_features(tokens, gazetteers)]
        out.append(hashlib.sha256(repr(parts).encode()).hexdigest())
    return out


def memory_of(name: str, data_dir: str) -> dict:
    """In this (fresh) process: RSS around one build, then tracemalloc around another."""
    import psutil

    lists, max_tokens = biomedical_lists(data_dir)
    process = psutil.Process()
    gc.collect()
    before = process.memory_info().rss
    built = build(name, lists, max_tokens)
    gc.collect()
    after = process.memory_info().rss
    del built
    gc.collect()
    tracemalloc.start()
    built = build(name, lists, max_tokens)
    gc.collect()
    kept, peak = tracemalloc.get_traced_memory()  # with the index still alive
    tracemalloc.stop()
    del built
    mib = 1 << 20
    return {"rss_before_mib": round(before / mib, 1), "rss_after_build_mib": round(after / mib, 1),
            "rss_delta_mib": round((after - before) / mib, 1), "tracemalloc_kept_mib": round(kept / mib, 1),
            "tracemalloc_peak_mib": round(peak / mib, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", help="write the figures to this JSON file")
    parser.add_argument("--memory-of", help=argparse.SUPPRESS)  # internal: one matcher's memory, as JSON
    args = parser.parse_args()
    if args.memory_of:
        print(json.dumps(memory_of(args.memory_of, args.data_dir)))
        return 0

    import crfner

    names = available()
    lists, max_tokens = biomedical_lists(args.data_dir)
    corpora = {name: crfner.load_corpus(name, "test", data_dir=args.data_dir)[0] for name in ("bc5cdr", "ncbi_disease")}
    bc5cdr = corpora["bc5cdr"]

    # Same features for every sentence, or the matcher is out.
    reference = None
    identical = {}
    for name in names:
        built = build(name, lists, max_tokens)
        got = {corpus: digests(sentences, built) for corpus, sentences in corpora.items()}
        reference = reference or got
        identical[name] = {corpus: sum(a != b for a, b in zip(got[corpus], reference[corpus])) == 0 for corpus in got}
        del built
        gc.collect()
    print("identical features:", json.dumps(identical), file=sys.stderr)

    times: dict[str, dict[str, list[float]]] = {name: {"build": [], "cold": [], "warm": []} for name in names}
    tokenising: list[float] = []  # the part of every build that reads the terms, for comparison
    for round_ in range(args.repeats):
        order = names[round_ % len(names):] + names[: round_ % len(names)]  # rotate: each goes first once
        for name in order:
            gc.collect()
            if name == order[0]:
                started = time.perf_counter()
                for _, terms in lists:
                    term_keys(terms, max_tokens, {})
                tokenising.append(time.perf_counter() - started)
                gc.collect()
            started = time.perf_counter()
            built = build(name, lists, max_tokens)
            times[name]["build"].append(time.perf_counter() - started)
            times[name]["cold"].append(featurize_all(bc5cdr, built))
            times[name]["warm"].append(min(featurize_all(bc5cdr, built) for _ in range(2)))
            del built
        last = {n: round(t["build"][-1] + t["cold"][-1], 2) for n, t in times.items()}
        print(f"round {round_ + 1}/{args.repeats}, build + cold:", last, file=sys.stderr)

    memory = {}
    for name in names:
        command = [sys.executable, __file__, "--data-dir", args.data_dir, "--memory-of", name]
        memory[name] = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)

    tokens = sum(map(len, bc5cdr))
    result = {
        "command": "python benchmarks/gazetteer_matching.py " + " ".join(sys.argv[1:]),
        "python": platform.python_version(),
        "versions": {lib: _version(lib) for lib in LIBRARIES if any(n.startswith(lib) for n in names)},
        "lists": {name: len(terms) for name, terms in lists},
        "matched_text": {"corpus": "bc5cdr test", "sentences": len(bc5cdr), "tokens": tokens},
        "identity_checked_on": {c: len(s) for c, s in corpora.items()},
        "repeats": args.repeats,
        "tokenising_terms_s_best": round(min(tokenising), 3),
        "matchers": {},
    }
    for name in names:
        t = times[name]
        result["matchers"][name] = {
            "identical_features": all(identical[name].values()),
            "build_s_best": round(min(t["build"]), 3),
            "match_cold_s_best": round(min(t["cold"]), 3),
            "match_warm_s_best": round(min(t["warm"]), 3),
            "build_plus_cold_s_best": round(min(b + c for b, c in zip(t["build"], t["cold"])), 3),
            "all_s": {k: [round(x, 3) for x in v] for k, v in t.items()},
            "memory": memory[name],
        }
    print(json.dumps(result, indent=2))
    if args.out:
        from crfner.atomic import atomic_open

        with atomic_open(args.out) as handle:
            handle.write(json.dumps(result, indent=2) + "\n")
    return 0


def _version(distribution: str) -> str:
    from importlib.metadata import version

    return version(distribution)


if __name__ == "__main__":
    sys.exit(main())
