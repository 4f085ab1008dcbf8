"""Where the project's folders are: the only module that spells out paths."""

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
