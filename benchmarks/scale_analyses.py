"""Benchmark: keyness and story clustering at corpus scale; time and peak memory (child processes).

Usage (from the repository root)::

    python benchmarks/scale_analyses.py                       # keyness on 100,000 articles; clustering rate
    python benchmarks/scale_analyses.py --articles 20000      # smaller

**keyness.** The ``tokens`` table of 100,000 articles is built from the seeds' own spaCy
tokens: each synthetic article is one seed's tokens under a new ``article_id`` (about 400
tokens each, 40 million rows for 100,000 articles, what ``tk.annotate`` returns for such a
corpus), its group (``outlet_country``) that seed's country (000, which names none,
counts as Vietnamese), so the statistic has real French and English text to count. ``tk.keyness(tokens, articles, by="outlet_country")``
runs in a fresh process; the report gives its time and the process's peak memory, and, as
the baseline measured the same way, the peak of the same process that builds the tables
and stops before keyness.

**cluster_stories.** All-pairs clustering is quadratic, so the scalable call is
``cluster_stories(articles, period="week")``, whose memory is bounded by the largest week. What
bounds its time is embedding each article's sentences (Universal Sentence Encoder on CPU):
the report measures ``cluster_stories(period="week")`` on ``--cluster-articles`` articles spread
over weeks, and the rate it reaches, from which a 100,000-article run is extrapolated
(marked as such).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.load_corpus import run_child  # noqa: E402

BUILD = r"""
import json, sys, time, warnings
import numpy as np, pandas as pd
import toolkit as tk
n = int(sys.argv[1])
seeds = tk.load_corpus(tk.SEEDS, progress=False).articles
seed_tokens = tk.annotate(seeds, progress=False).tokens
n -= n % len(seeds)  # whole rounds of the seeds
reps = n // len(seeds)
seed_index = {a: k for k, a in enumerate(seeds["article_id"])}
block = seed_tokens[["article_id", "text", "lemma", "upos"]].reset_index(drop=True)
seed_of_row = block.pop("article_id").map(seed_index).to_numpy()
ids = pd.array([f"k{i:06d}" for i in range(n)], dtype="string")
articles = pd.DataFrame({"article_id": ids, "language": np.tile(seeds["language"].to_numpy(), reps),
                         "outlet_country": np.tile(seeds["outlet_country"].fillna("Vietnam").to_numpy(), reps)})
tokens = block.iloc[np.tile(np.arange(len(block)), reps)].reset_index(drop=True)
article_of_row = (np.repeat(np.arange(reps), len(block)) * len(seeds) + np.tile(seed_of_row, reps))
tokens.insert(0, "article_id", ids[article_of_row])
built = PEAK
if sys.argv[2] == "keyness":
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = tk.keyness(tokens, articles, by="outlet_country")
    seconds = time.perf_counter() - start
    print(json.dumps({"articles": n, "tokens": len(tokens), "seconds": seconds, "peak_mb": PEAK,
                      "built_mb": built, "rows": len(result)}))
else:
    print(json.dumps({"articles": n, "tokens": len(tokens), "peak_mb": built}))
"""

CLUSTER = r"""
import json, sys, time
import numpy as np, pandas as pd
import toolkit as tk
from benchmarks.near_duplicates import build_corpus
n = int(sys.argv[1])
articles = build_corpus(n, seed=0)
# Spread over weeks of 2024, about 100 articles a week, as a wire service's desk might publish.
days = np.random.default_rng(0).integers(0, max(n // 100, 1) * 7, n)
articles["published"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D")
start = time.perf_counter()
stories = tk.cluster_stories(articles, period="week")
seconds = time.perf_counter() - start
weeks = articles["published"].dt.to_period("W-SUN").value_counts()
print(json.dumps({"articles": n, "seconds": seconds, "peak_mb": PEAK, "stories": int(stories["story_id"].nunique()),
                  "weeks": len(weeks), "largest_week": int(weeks.max())}))
"""


def measure(n_articles: int = 100_000, cluster_articles: int = 1_000, target_articles: int = 100_000) -> dict:
    """Keyness on ``n_articles`` and clustering on ``cluster_articles``, each in a fresh process."""
    keyness = run_child(BUILD, str(n_articles), "keyness")
    baseline = run_child(BUILD, str(n_articles), "build")
    cluster = run_child(CLUSTER, str(cluster_articles))
    rate = cluster["articles"] / cluster["seconds"]
    lines = [f"- keyness on {keyness['articles']:,} articles ({keyness['tokens']:,} token rows, by outlet "
             f"country): {keyness['seconds']:.0f} s, peak memory {keyness['peak_mb']:,.0f} MB, of which "
             f"{baseline['peak_mb']:,.0f} MB is the same process with the tables built and no keyness "
             f"(keyness adds {keyness['peak_mb'] - baseline['peak_mb']:,.0f} MB)",
             f"- cluster_stories(period=\"week\") on {cluster['articles']:,} articles in {cluster['weeks']} week(s) "
             f"(largest week {cluster['largest_week']} articles): {cluster['seconds']:.0f} s "
             f"({rate:.1f} articles/s), peak memory "
             f"{cluster['peak_mb']:,.0f} MB; at that rate {target_articles:,} articles would take about "
             f"{target_articles / rate / 3600:.1f} hours on this machine (extrapolated, not run); memory stays "
             "bounded by the largest week"]
    return {"keyness": keyness, "baseline": baseline, "cluster": cluster, "markdown": "\n".join(lines)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--cluster-articles", type=int, default=1_000)
    args = parser.parse_args(argv)
    print(measure(args.articles, args.cluster_articles)["markdown"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
