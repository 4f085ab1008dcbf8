"""Score an NER engine's mentions against hand-annotated CoNLL gold files (benchmark script).

Usage (from the repository root)::

    python benchmarks/ner_eval.py --engine spacy --gold seeds/gold/002-ner.conll
    python benchmarks/ner_eval.py --engine stanza --gold a.conll b.conll --corpus path/to/corpus

It loads the corpus, reads the gold files aligned to ``articles.text``, annotates only the
articles the gold files cover (``toolkit.annotate(..., cache=False)``, so the scores are
those of the engine as installed now), then prints the exact-match scores per entity type
(:func:`toolkit.evaluation.evaluate_ner`) and every error
(:func:`toolkit.evaluation.ner_errors`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

# Run as a script from anywhere: make the repository's package importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import toolkit as tk  # noqa: E402
from toolkit.evaluation import SCHEMES, evaluate_ner, ner_errors, read_conll  # noqa: E402

ENGINES = ("auto", "stanza", "spacy")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: engine, gold files, corpus, and what to print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="auto", choices=ENGINES,
                        help="the NLP engine passed to toolkit.annotate (default: auto)")
    parser.add_argument("--gold", nargs="+", required=True, type=Path,
                        help="CoNLL/BIO gold files (-DOCSTART- <article_id> names each article)")
    parser.add_argument("--corpus", default="seeds",
                        help="'seeds' (the seed corpus) or a path load_corpus accepts")
    parser.add_argument("--scheme", default="auto", choices=SCHEMES,
                        help="tagging scheme of the gold files (default: auto-detect)")
    parser.add_argument("--no-errors", action="store_true", help="print only the scores")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the process exit status."""
    args = parse_args(argv)
    annotate = getattr(tk, "annotate", None)
    if annotate is None:
        print("toolkit.annotate is not available in this version of the toolkit, so there is "
              "nothing to score yet; toolkit.evaluation.read_conll/evaluate_ner can still score "
              "any mentions table you build yourself.", file=sys.stderr)
        return 2

    articles = tk.load_corpus(tk.SEEDS if args.corpus == "seeds" else Path(args.corpus)).articles
    golds = [read_conll(path, articles=articles, scheme=args.scheme) for path in args.gold]
    gold = pd.concat(golds, ignore_index=True)
    article_ids = list(dict.fromkeys(a for g in golds for a in g.attrs["article_ids"]))

    annotation = annotate(articles[articles["article_id"].isin(article_ids)],
                          engine=args.engine, cache=False)
    mentions = annotation.mentions if hasattr(annotation, "mentions") else annotation[2]

    engines = mentions[["engine", "model"]].drop_duplicates() if {"engine", "model"} <= set(
        mentions.columns) else None
    print(f"Gold: {', '.join(str(p) for p in args.gold)} — {len(article_ids)} article(s), "
          f"{len(gold)} mentions")
    if engines is not None and not engines.empty:
        print("Engine: " + "; ".join(f"{e} ({m})" for e, m in engines.itertuples(index=False)))
    print()
    with pd.option_context("display.width", 200, "display.max_rows", None,
                           "display.max_colwidth", 60):
        print(evaluate_ner(mentions, gold, article_ids=article_ids).round(3).to_string(index=False))
        if not args.no_errors:
            errors = ner_errors(mentions, gold, article_ids=article_ids)
            print(f"\n{len(errors)} errors")
            columns = ["article_id", "start_char", "end_char", "text", "predicted_type",
                       "gold_type", "error", "gold_text"]
            print(errors[columns].to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
