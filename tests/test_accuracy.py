"""The accuracy harness (benchmarks/accuracy.py) end to end, on a tiny invented data set written here."""

from __future__ import annotations

import json
import re

from benchmarks import accuracy
from benchmarks.accuracy_tasks._common import decode_iob, snap_to_tokens
from benchmarks.accuracy_tasks.alignment import mask
from benchmarks.accuracy_tasks.linking import bcubed

STORIES = [
    ("e1", "nyt", "Flood closes the Lumen bridge",
     "Heavy rain flooded the river valley on Monday and the Lumen bridge was closed to traffic. "
     "Engineers said the water rose two metres overnight. The mayor of Harwick asked residents to stay home."),
    ("e1", "fox", "Lumen bridge shut as river floods",
     "The Lumen bridge was shut on Monday after the river burst its banks following heavy rain. "
     "The water rose two metres overnight, engineers said. Harwick's mayor told residents to stay home."),
    ("e1", "hpo", "Harwick mayor urges residents to stay home as floods close bridge",
     "Residents of Harwick were told to stay home on Monday as floods closed the Lumen bridge. "
     "The river rose two metres overnight after heavy rain, according to engineers."),
    ("e2", "nyt", "Orchestra names new conductor",
     "The Vellmar Symphony Orchestra named Ana Brisk its new principal conductor on Friday. "
     "Brisk, who is 38, will start in September and lead twelve concerts in her first season."),
    ("e2", "fox", "Ana Brisk to lead Vellmar Symphony",
     "Ana Brisk will become principal conductor of the Vellmar Symphony Orchestra, the orchestra said Friday. "
     "The 38-year-old starts in September with twelve concerts planned for her first season."),
    ("e2", "hpo", "Vellmar orchestra picks Brisk as conductor",
     "The Vellmar Symphony Orchestra has picked Ana Brisk as its principal conductor. She starts in September "
     "and will lead twelve concerts in her first season, the orchestra announced on Friday."),
]

CONLL = """-DOCSTART- -X- -X- O

Ana NNP I-NP I-PER
Brisk NNP I-NP I-PER
leads VBZ I-VP O
the DT I-NP O
Vellmar NNP I-NP I-ORG
Symphony NNP I-NP I-ORG
Orchestra NNP I-NP I-ORG
in IN I-PP O
Harwick NNP I-NP I-LOC
. . O O

-DOCSTART- -X- -X- O

The DT I-NP O
mayor NN I-NP O
of IN I-PP O
Harwick NNP I-NP I-LOC
met VBD I-VP O
Tom NNP I-NP I-PER
Reed NNP I-NP I-PER
in IN I-PP O
London NNP I-NP I-LOC
. . O O
"""


def test_helpers():
    assert decode_iob(["I-PER", "I-PER", "B-PER", "O", "I-LOC"]) == [(0, 1, "PER"), (2, 2, "PER"), (4, 4, "LOC")]
    assert decode_iob(["B-LOC", "I-LOC", "I-ORG"]) == [(0, 1, "LOC"), (2, 2, "ORG")]
    assert snap_to_tokens(2, 7, [(0, 3), (4, 9), (10, 12)]) == (0, 1)
    assert snap_to_tokens(3, 4, [(0, 3), (4, 9)]) is None
    assert mask("Le 12 mai, Emmanuel Macron a parlé à 1\u00a0500 personnes.") == "Le 0 mai, X X a parlé à 0 personnes."
    precision, recall, f1 = bcubed(["a", "a", "b"], [1, 1, 1])  # one predicted cluster lumps two entities
    assert (round(precision, 6), recall, round(f1, 6)) == (round(5 / 9, 6), 1.0, round(10 / 14, 6))


def test_harness_end_to_end(tmp_path):
    # About 20 s, most of it loading the sentence encoder and the English spaCy model.
    data = tmp_path / "data"
    (data / "stories").mkdir(parents=True)
    with open(data / "stories" / "basil-2010-2014-dev.jsonl", "w", encoding="utf-8") as handle:
        for k, (event, outlet, title, text) in enumerate(STORIES):
            handle.write(json.dumps({"event_id": event, "article_id": f"{event}_{k}", "outlet": outlet,
                                     "date": "2014-06-0%d" % (k % 3 + 1), "title": title, "text": text,
                                     "lang": "en"}) + "\n")
    conll = tmp_path / "tiny.conll"
    conll.write_text(CONLL, encoding="utf-8")
    out = tmp_path / "accuracy.md"

    status = accuracy.main(["--data", str(data), "--only", "stories", "--only", "ner", "--ner-en", str(conll),
                            "--cache-dir", str(tmp_path / "cache"), "--out", str(out)])

    assert status == 0
    report = out.read_text(encoding="utf-8")
    assert "| task | data | metric | baseline | toolkit | target | met |" in report
    # newstest (stories' second set) and the French NER file are absent: one line each says so
    assert re.search(r"\| stories \| newstest cross-language \| skipped \|", report)
    assert re.search(r"\| ner \| HIPE-2020 fr dev \| skipped \|", report)
    assert "skipped: data absent" in report
    rows = [line.split("|") for line in report.splitlines() if line.startswith("| stories | BASIL")]
    assert rows, report
    figures = [float(cells[5]) for cells in rows]
    assert all(0.0 <= f <= 1.0 for f in figures)
    ner_rows = [line.split("|") for line in report.splitlines() if line.startswith("| ner | CoNLL-2003 en dev")]
    assert ner_rows and 0.0 <= float(ner_rows[0][5]) <= 1.0
    assert "## stories" in report and "**Data.**" in report
