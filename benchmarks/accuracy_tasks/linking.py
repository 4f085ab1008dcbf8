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
                                gold_text=d["text"][start:end], gold_span=(start, end),
                                span=(int(best["start_char"]), int(best["end_char"])),
                                rule=str(best.get("link_rule", "")),
                                context=d["text"][max(0, start - 40):end + 40].replace("\n", " "),
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


# ---------------------------------------------------------------- error analysis (not part of the score)

#: The error classes of :func:`error_classes`, in the order they are tried.
ERROR_CLASSES = ("unlinked (a letter or a title alone)", "span: predicted wider", "span: predicted narrower",
                 "span: overlapping", "same text, another entity (homonym, type split, gold ambiguity)",
                 "partial name (a run of the other's words)", "OCR variant (close spelling)",
                 "other name (alias, short form, another name)")


def _ideal_clusters(table: pd.DataFrame) -> dict:
    """Each QID's right cluster: its commonest entity id when most of that id's mentions are its, else its own."""
    owner = table.groupby("entity_id")["gold"].agg(lambda s: s.value_counts().index[0])
    ideal = {}
    for qid, group in table.groupby("gold"):
        best = group["entity_id"].value_counts().index[0]
        ideal[qid] = best if owner[best] == qid else f"(gold) {qid}"
    return ideal


def _error_class(row, main_text: str) -> str:
    """Which of :data:`ERROR_CLASSES` a mention outside its QID's right cluster falls in."""
    from difflib import SequenceMatcher

    if row.entity_id.startswith("(none)"):
        return ERROR_CLASSES[0]
    text, gold_text = fold_text(row.text), fold_text(row.gold_text)
    if text != gold_text:
        (ps, pe), (gs, ge) = row.span, row.gold_span
        return ERROR_CLASSES[1] if ps <= gs and pe >= ge else ERROR_CLASSES[2] if ps >= gs and pe <= ge \
            else ERROR_CLASSES[3]
    if text == main_text:
        return ERROR_CLASSES[4]
    if set(text.split()) < set(main_text.split()) or set(main_text.split()) < set(text.split()):
        return ERROR_CLASSES[5]
    if SequenceMatcher(None, text, main_text).ratio() > 0.65:
        return ERROR_CLASSES[6]
    return ERROR_CLASSES[7]


def error_classes(matched: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The B-cubed errors of matched mentions, by class, and what each class costs in F1.

    A mention is an error when its entity id is not its QID's right cluster (the commonest id
    of the QID's mentions, when that id is mostly this QID's; else a cluster of its own).
    Its class (:data:`ERROR_CLASSES`) says whether the engine's span differs from the gold
    one, else how its text relates to the text of the right cluster. A class's cost is the F1
    gained when its mentions alone are given their right cluster.

    Returns (errors: one row per error mention, with ``error_class`` and ``right``; classes:
    one row per class with ``n``, ``f1_gain``, ``precision_gain``, ``recall_gain``, ``examples``).
    """
    table = pd.DataFrame(matched)
    ideal = _ideal_clusters(table)
    main_text = {}
    for qid, group in table.groupby("gold"):
        right = group[group["entity_id"] == ideal[qid]]
        main_text[qid] = fold_text((right if len(right) else group)["text"].iloc[0])
    table["right"] = table["gold"].map(ideal)
    errors = table[table["entity_id"] != table["right"]].copy()
    errors["error_class"] = [_error_class(r, main_text[r.gold]) for r in errors.itertuples()]
    gold, predicted = table["gold"].tolist(), table["entity_id"].tolist()
    p0, r0, f0 = bcubed(gold, predicted)
    rows = []
    for name in ERROR_CLASSES:
        members = errors[errors["error_class"] == name]
        if members.empty:
            continue
        fixed = list(predicted)
        for k in members.index:
            fixed[k] = table.at[k, "right"]
        p, r, f = bcubed(gold, fixed)
        examples = "; ".join(f"{t} ~ {g}" for t, g in list(zip(members["text"], members["gold_text"]))[:4])
        rows.append(dict(error_class=name, n=len(members), f1_gain=f - f0, precision_gain=p - p0,
                         recall_gain=r - r0, examples=examples))
    return errors, pd.DataFrame(rows)


def error_listing(matched: list[dict]) -> str:
    """Predicted entities that lump several QIDs (precision loss), then QIDs split over several entities (recall
    loss), heaviest first, with the mentions' texts (predicted ~ gold), rules and contexts."""
    table = pd.DataFrame(matched)
    pair = Counter(zip(table["gold"], table["entity_id"]))
    size_gold, size_predicted = Counter(table["gold"]), Counter(table["entity_id"])
    table["precision_loss"] = [1 - pair[(g, e)] / size_predicted[e] for g, e in zip(table["gold"], table["entity_id"])]
    table["recall_loss"] = [1 - pair[(g, e)] / size_gold[g] for g, e in zip(table["gold"], table["entity_id"])]
    lines = []
    for title, by, other, loss in (("Entities lumping several QIDs (precision loss)", "entity_id", "gold",
                                    "precision_loss"),
                                   ("QIDs split over several entities (recall loss)", "gold", "entity_id",
                                    "recall_loss")):
        lines.append(f"## {title}")
        mixed = table.groupby(by).filter(lambda g: g[other].nunique() > 1)
        for key, total in mixed.groupby(by)[loss].sum().sort_values(ascending=False).items():
            lines.append(f"{key} (loss {total:.1f} mentions)")
            for part, group in mixed[mixed[by] == key].groupby(other):
                lines.append(f"    {part} x{len(group)}: " + " | ".join(
                    f"[{r.text}] ~ [{r.gold_text}] {r.rule}: …{r.context}…" for r in group.head(3).itertuples()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """``python -m benchmarks.accuracy_tasks.linking HIPE.tsv [--engine spacy] [--list]``: the error classes."""
    import argparse

    parser = argparse.ArgumentParser(description="Error analysis of the linking task (B-cubed over matched mentions)")
    parser.add_argument("tsv", help="a HIPE TSV file with NEL-LIT (Wikidata ids)")
    parser.add_argument("--engine", default="spacy")
    parser.add_argument("--list", action="store_true", help="also list the lumped and split entities")
    args = parser.parse_args(argv)
    documents = hipe_documents(args.tsv, prefix="fr:")
    articles = pd.DataFrame({"article_id": [d["article_id"] for d in documents],
                             "text": [d["text"] for d in documents], "language": "fr"})
    annotation = tk.annotate(articles, engine=args.engine, progress=False)
    linked = tk.link_entities(annotation.mentions, articles=articles)
    matched, n_gold = match(documents, linked.mentions, annotation.mentions["text"].tolist())
    p, r, f = bcubed([m["gold"] for m in matched], [m["entity_id"] for m in matched])
    print(f"{len(matched)}/{n_gold} gold mentions matched; B-cubed P {p:.4f} R {r:.4f} F1 {f:.4f}")
    _, classes = error_classes(matched)
    with pd.option_context("display.max_colwidth", 90, "display.width", 250):
        print(classes.to_string(index=False, float_format=lambda v: f"{v:+.4f}"))
    if args.list:
        print(error_listing(matched))


if __name__ == "__main__":
    main()
