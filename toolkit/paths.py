"""Where the project's folders are: the only module that spells out paths.

Notebooks and tests name a path from here (``tk.paths.EXAMPLE_STORIES``) instead of
building it from ``ROOT``. Everything under ``DATA`` ships with the package; ``ROOT``'s
other folders (seeds, figures, notebooks, report, cache) exist only in a checkout.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIGURES = ROOT / "figures"
NOTEBOOKS = ROOT / "notebooks"
REPORT = ROOT / "report"
CACHE = ROOT / ".cache"
DATA = Path(__file__).resolve().parent / "data"
GOLD = SEEDS / "gold"

#: The shipped codebooks (``toolkit/data/codebooks/``, format in the README there).
CODEBOOKS = DATA / "codebooks"
#: Example data for the notebooks and for trying the toolkit on more than the seeds.
EXAMPLES = DATA / "examples"
#: The 30-article French/English evaluation corpus with its answer files (README inside):
#: ``articles/`` for ``load_corpus``, ``expected_stories.csv``, ``expected_near_duplicates.csv``,
#: ``expected_alignments.csv``. Notebook 03 clusters it; tests/test_compare.py scores against it.
EXAMPLE_STORIES = EXAMPLES / "stories"
#: A coding sheet of the cooperation-themes codebook filled in by hand (notebook 04).
EXAMPLE_CODING_SHEET = CODEBOOKS / "examples" / "cooperation-themes-coding.csv"
