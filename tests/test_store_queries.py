"""The search query sets are well formed: every relevant id names a corpus line that exists, every
filter is a SearchFilters field (a typo would silently measure nothing)."""
import json
from pathlib import Path

import pytest

from store import SearchFilters

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"
CORPORA = {"fr-dev": [DATA / "fr-dev.jsonl", SHARED / "fr-dev.jsonl"], "real-dev": [SHARED / "real-dev.jsonl"]}
QUERY_FILES = sorted(DATA.glob("queries*.jsonl"))


def corpus_lines(name):
    path = next((p for p in CORPORA[name] if p.exists()), None)
    return None if path is None else len(path.read_text(encoding="utf-8").splitlines())


def test_there_are_query_sets():
    assert [p.name for p in QUERY_FILES] == ["queries-holdout.jsonl", "queries.jsonl"]


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_every_query_is_well_formed(path):
    sizes = {name: corpus_lines(name) for name in CORPORA}
    texts = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        query = json.loads(line)
        assert set(query) == {"query", "filters", "relevant", "kind", "lang"}, number
        assert query["query"] not in texts, f"line {number}: duplicate query"
        texts.add(query["query"])
        SearchFilters(**query["filters"])                  # unknown filter names raise
        assert query["relevant"], f"line {number}: no relevant message"
        for ref in query["relevant"]:
            corpus, _, line_no = ref.partition(":")
            assert corpus in CORPORA, f"line {number}: unknown corpus {corpus}"
            if sizes[corpus] is not None:                  # real-dev stays in shared/: skipped when absent
                assert 1 <= int(line_no) <= sizes[corpus], f"line {number}: {ref} is not a corpus line"
