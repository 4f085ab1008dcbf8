"""Build realistic synthetic corpora for the benchmarks by mutating the seed articles (never the seeds themselves)."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import toolkit as tk


def mutated_texts(n: int, *, seed: int = 0, raw: bool = True):
    """Yield ``n`` distinct article texts made from the seeds: paragraphs shuffled, dropped or
    repeated, numbers changed, so that no two texts (and no two cache keys) are equal.

    With ``raw=True`` the texts keep the seeds' boilerplate (for loading benchmarks);
    otherwise they are cleaned bodies (for annotation benchmarks).
    """
    articles = tk.load_corpus(tk.SEEDS, progress=False).articles
    rng = random.Random(seed)
    sources = list(zip(articles["raw" if raw else "text"], articles["language"]))
    for i in range(n):
        text, language = sources[i % len(sources)]
        yield f"{mutate(text, rng)}\n\n[{i}]", language


def write_jsonl(path: Path, n: int, *, seed: int = 0) -> Path:
    """Write ``n`` mutated raw articles to a JSONL file (one object per line: id, text)."""
    with open(path, "w", encoding="utf-8") as handle:
        for i, (text, _) in enumerate(mutated_texts(n, seed=seed, raw=True)):
            handle.write(json.dumps({"id": f"a{i:06d}", "text": text}, ensure_ascii=False) + "\n")
    return path


def mutate(text: str, rng: random.Random) -> str:
    """One report of a seed: paragraphs after the lead shuffled, one dropped or repeated, numbers changed."""
    paragraphs = text.split("\n\n")
    head, body = paragraphs[:2], paragraphs[2:]
    rng.shuffle(body)
    if len(body) > 3 and rng.random() < 0.5:
        body.pop(rng.randrange(len(body)))
    if body and rng.random() < 0.3:
        body.append(rng.choice(body))
    mutated = "\n\n".join(head + body)
    return re.sub(r"\b(20\d\d|\d{1,2})\b", lambda m: str(int(m.group()) + rng.randint(0, 9)), mutated)
