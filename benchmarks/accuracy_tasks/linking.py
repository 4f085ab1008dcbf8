"""Entity linking: ``tk.link_entities`` entity ids against HIPE's Wikidata ids (B-cubed over matched mentions)."""

from __future__ import annotations

from collections import Counter

import pandas as pd

import toolkit as tk
from benchmarks.accuracy_tasks._common import Timer, fold_text, hipe_documents, meets, present, row, skipped

NAME = "linking"
DATA = ("hipe_tsv",)

PROTOCOL = """\
**Gold.** The literal coarse entities of the HIPE TSV (NE-COARSE-LIT, every type) whose
NEL-LIT is a Wikidata id (`Q...`); NIL and unlinked entities are left out. Texts are rebuilt
from the tokens as in the NER task (single spaces, a line break between sentences).

**Toolkit.** `tk.annotate(articles, engine=<engine>)` then `tk.link_entities(mentions,
articles)`, defaults. Each gold mention is matched to the predicted mention (any type) that
overlaps it by the most characters (the earliest on ties); gold mentions no prediction
overlaps are unmatched and leave the scoring (their share is reported).

**Metric.** B-cubed precision, recall and F1 (Bagga and Baldwin 1998) of the predicted
clusters (`entity_id`; a mention without one is its own cluster) against the gold ones
(QID), over the matched mentions, corpus-wide: for each mention, precision is the share of
its predicted cluster that has its QID and recall the share of its QID's mentions in its
predicted cluster; both are averaged over mentions. Target F1 ≥ 0.95.

**Diagnostic.** The note also scores the matched mentions whose predicted text folds to the
gold text (the engine cut the span right), to separate linking errors from span errors.

**Baseline.** The same matched mentions clustered by their folded text (the predicted
mention's text, lower case, accents removed, spaces collapsed): the naive "same string,
same entity" rule. The text is the engine's (the annotation's mention), before
`link_entities` trims it, so the baseline does not profit from the toolkit's repairs.
"""


def bcubed(gold: list, predicted: list) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``predicted`` cluster keys against ``gold`` ones (aligned)."""
    if not gold:
        return 0.0, 0.0, 0.0
    pair = Counter(zip(gold, predicted))
    size_gold, size_predicted = Counter(gold), Counter(predicted)
    precision = sum(pair[(g, p)] / size_predicted[p] for g, p in zip(gold, predicted)) / len(gold)
    recall = sum(pair[(g, p)] / size_gold[g] for g, p in zip(gold, predicted)) / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def match(documents, mentions: pd.DataFrame, engine_texts: list | None = None) -> tuple[list[dict], int]:
    """Each gold linked mention with the predicted mention overlapping it most; and the number of gold mentions.

    ``engine_texts``: each row's text as the annotation gave it (before linking trimmed it),
    for the baseline, which must not profit from the toolkit's repairs.
    """
    mentions = mentions.reset_index(drop=True)
    by_article = {a: group for a, group in mentions.groupby("article_id", sort=False)}
    matched, n_gold = [], 0
    for d in documents:
        predicted = by_article.get(d["article_id"])
        for e in d["entities"]:
            if not str(e["qid"]).startswith("Q"):
                continue
            n_gold += 1
            start, end = d["offsets"][e["first"]][0], d["offsets"][e["last"]][1]
            if predicted is None:
                continue
            overlap = (predicted["end_char"].clip(upper=end) - predicted["start_char"].clip(lower=start))
            if overlap.max() <= 0:
                continue
            best = predicted.loc[overlap.idxmax()]
            entity_id = best["entity_id"]
            engine_text = engine_texts[overlap.idxmax()] if engine_texts is not None else best["text"]
            matched.append(dict(article_id=d["article_id"], gold=e["qid"], text=str(best["text"]),
                                engine_text=str(engine_text),
                                gold_text=d["text"][start:end],
                                entity_id=entity_id if isinstance(entity_id, str) and entity_id else
                                f"(none) {d['article_id']}:{best['mention_id']}"))
    return matched, n_gold


def _examples(matched: list[dict], limit: int = 3) -> str:
    """QIDs the toolkit splits most, and entity ids that lump several QIDs."""
    table = pd.DataFrame(matched)
    split = (table.groupby("gold")["entity_id"].nunique().sort_values(ascending=False))
    lumped = (table.groupby("entity_id")["gold"].nunique().sort_values(ascending=False))
    parts = []
    for qid in split[split > 1].index[:limit]:
        ids = table[table["gold"] == qid]["entity_id"].value_counts()
        parts.append(f"{qid} split into " + ", ".join(f"`{i}` ({n})" for i, n in ids.head(4).items()))
    for entity_id in lumped[lumped > 1].index[:limit]:
        golds = table[table["entity_id"] == entity_id]["gold"].value_counts()
        parts.append(f"`{entity_id}` lumps " + ", ".join(f"{q} ({n})" for q, n in golds.head(4).items()))
    return "; ".join(parts)


def run(paths: dict, *, quick: bool = False, **options) -> list[dict]:
    """B-cubed of the toolkit's entity ids and of folded mention text (see PROTOCOL)."""
    log = options.get("log", print)
    path = present(paths, "hipe_tsv")
    if path is None:
        return [skipped(NAME, "hipe_tsv", paths.get("hipe_tsv"), "HIPE-2020 fr (NEL)")]
    documents = hipe_documents(path, prefix="fr:")
    if quick:
        documents = documents[:5]
    articles = pd.DataFrame({"article_id": [d["article_id"] for d in documents],
                             "text": [d["text"] for d in documents], "language": "fr"})
    with Timer() as timer:
        annotation = tk.annotate(articles, engine=options.get("engine", "spacy"), progress=False,
                                 **({"cache_dir": options["cache_dir"]} if options.get("cache_dir") else {}))
        linked = tk.link_entities(annotation.mentions, articles=articles)
    # Rows of link_entities's mentions are the annotation's, in order.
    matched, n_gold = match(documents, linked.mentions, annotation.mentions["text"].tolist())
    gold = [m["gold"] for m in matched]
    p, r, f = bcubed(gold, [m["entity_id"] for m in matched])
    bp, br, bf = bcubed(gold, [fold_text(m["engine_text"]) for m in matched])
    # Diagnostic: the mentions whose predicted span is the gold span, where NER cut nothing
    # wrong, separate linking errors from span errors.
    exact = [m for m in matched if fold_text(m["text"]) == fold_text(m["gold_text"])]
    ef = bcubed([m["gold"] for m in exact], [m["entity_id"] for m in exact])[2]
    ebf = bcubed([m["gold"] for m in exact], [fold_text(m["engine_text"]) for m in exact])[2]
    share = len(matched) / n_gold if n_gold else None
    n_qids = len(set(gold))
    data = f"HIPE-2020 fr dev ({len(documents)} docs, {n_gold} mentions with a QID)"
    log(f"  {data}: matched {len(matched)}/{n_gold}; B-cubed F1 toolkit {f:.3f}, folded text {bf:.3f}")
    note = (f"{len(matched)} matched mentions of {n_qids} QIDs. Toolkit B-cubed P {p:.3f} R {r:.3f}; folded text "
            f"P {bp:.3f} R {br:.3f}. On the {len(exact)} mentions whose predicted span is the gold one: toolkit F1 "
            f"{ef:.3f}, folded text {ebf:.3f}. {_examples(matched) if matched else ''}")
    protocol = "gold QID mentions matched to the most-overlapping predicted mention; B-cubed over matched"
    return [
        row(NAME, data, "B-cubed F1 (matched mentions)", protocol=protocol, baseline="folded mention text",
            baseline_value=bf, toolkit_value=f, target="≥ 0.95", met=meets(f, 0.95), seconds=timer.seconds,
            note=note),
        row(NAME, data, "share of gold mentions matched", protocol=protocol, toolkit_value=share),
    ]
