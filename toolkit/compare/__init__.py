"""Compare articles across outlets and languages: near-duplicates, reused passages, stories, sentence alignments, differences (articles/sentences → compare tables).

Four questions, one module each, every answer a table with offsets into ``articles.text``:

- **Who copied whom?** :mod:`~toolkit.compare.reprints`: :func:`find_near_duplicates`
  (word shingles, MinHash LSH, exact Jaccard and containment; scales to 100,000 articles)
  and :func:`find_reused_passages` (the shared passages of one pair, as passim reports them,
  and the likely original when the publication dates allow).
- **Which articles tell the same story, in any language?** :mod:`~toolkit.compare.stories`:
  :func:`article_similarity` (TF-IDF over lemmas from :mod:`toolkit.similarity` within a
  language, multilingual sentence embeddings across languages, shared names, numbers and
  dates), :func:`cluster_stories` and :func:`story_attention`.
- **Which sentence renders which?** :mod:`~toolkit.compare.alignment`: :func:`align_sentences`.
- **What does each version add or leave out?** :mod:`~toolkit.compare.versions`:
  :func:`compare_versions`, shown side by side by
  :func:`toolkit.display.render_differences`.

Shared by them: :mod:`~toolkit.compare.anchors` (folded words, numbers and months, names,
entity keys), :mod:`~toolkit.compare.sentences` (:func:`split_sentences`,
:func:`embed_texts`) and :mod:`~toolkit.compare.common` (checks and small table helpers).
Every public function checks its tables once, on entry; the internal paths take checked tables.

Data flow: ``articles`` (+ ``sentences``, ``mentions``, ``tokens`` from annotate) →
near-duplicate pairs, passages, similarity, stories → attention; ``sentences`` of two
articles → alignment → differences → HTML.
"""

from toolkit.compare.alignment import (
    ALIGNMENT_COLUMNS,
    ANCHOR_WEIGHT,
    SHARED_RATIO,
    STATUSES,
    TRANSLATED_SCORE,
    align_sentences,
)
from toolkit.compare.common import NEEDS_ARTICLES
from toolkit.compare.reprints import (
    LSH_RECALL,
    MEASURES,
    METHODS,
    NEAR_DUPLICATE_COLUMNS,
    PASSAGE_COLUMNS,
    find_near_duplicates,
    find_reused_passages,
)
from toolkit.compare.sentences import embed_texts, split_sentences
from toolkit.compare.stories import (
    ATTENTION_COLUMNS,
    CROSS_LANGUAGE_WEIGHTS,
    DATE_GROUPS,
    DATE_HALF_LIFE_DAYS,
    DATE_WINDOW_DAYS,
    PERIODS,
    SAME_LANGUAGE_WEIGHTS,
    STORY_COLUMNS,
    article_similarity,
    cluster_stories,
    date_factor,
    score_pairs,
    story_attention,
)
from toolkit.compare.versions import DIFFERENCE_COLUMNS, DIFFERENCE_KINDS, TITLES, compare_versions


__all__ = [
    # near-duplicates and reused passages
    "find_near_duplicates", "find_reused_passages", "NEAR_DUPLICATE_COLUMNS", "PASSAGE_COLUMNS",
    "METHODS", "MEASURES", "LSH_RECALL",
    # stories
    "article_similarity", "cluster_stories", "story_attention", "STORY_COLUMNS", "ATTENTION_COLUMNS",
    "SAME_LANGUAGE_WEIGHTS", "CROSS_LANGUAGE_WEIGHTS", "DATE_GROUPS", "PERIODS",
    "score_pairs", "date_factor", "DATE_WINDOW_DAYS", "DATE_HALF_LIFE_DAYS",
    # alignment
    "align_sentences", "ALIGNMENT_COLUMNS", "STATUSES", "ANCHOR_WEIGHT", "SHARED_RATIO", "TRANSLATED_SCORE",
    # versions
    "compare_versions", "DIFFERENCE_COLUMNS", "DIFFERENCE_KINDS", "TITLES",
    # shared
    "split_sentences", "embed_texts", "NEEDS_ARTICLES",
]
