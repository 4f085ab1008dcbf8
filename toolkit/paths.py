"""Where the project's folders are: the only module that spells out paths.

Notebooks and tests name a path from here (``tk.paths.EXAMPLE_STORIES``) instead of
building it from ``ROOT``. Everything under ``DATA`` ships with the package; ``ROOT``'s
other folders (seeds, notebooks, report) exist only in a checkout.

The user's folders, where figures and the annotation cache go, belong to the user's
working project, not to the toolkit: :func:`folders` finds them when asked (so a
``chdir``, an environment variable or :func:`set_folders` takes effect at once), in this
order:

1. :func:`set_folders` (``figures=``, ``cache=``, or ``project=`` for both);
2. the environment variables ``TOOLKIT_FIGURES`` and ``TOOLKIT_CACHE``, then
   ``TOOLKIT_HOME`` (the project folder: ``figures/`` and ``.cache/`` inside it);
3. the toolkit's own checkout, when the current directory is inside one (the nearest
   parent folder whose ``pyproject.toml`` names the ``toolkit`` project): so the
   repository's notebooks, which run in ``notebooks/``, write to the repository's
   ``figures/`` with no setting in the notebooks;
4. the current directory: ``./figures`` and ``./.cache``.

``FIGURES`` and ``CACHE`` are the folders of the moment (read on each access).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
NOTEBOOKS = ROOT / "notebooks"
REPORT = ROOT / "report"
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


# ---------------------------------------------------------------- the user's folders

#: The ``[project] name`` in the ``pyproject.toml`` of a checkout of this toolkit.
PROJECT_NAME = "toolkit"
#: Environment variables naming the user's folders (see the module's docstring).
ENV_HOME, ENV_FIGURES, ENV_CACHE = "TOOLKIT_HOME", "TOOLKIT_FIGURES", "TOOLKIT_CACHE"

_chosen: dict[str, Path] = {}


@dataclass(frozen=True)
class Folders:
    """Where figures and the annotation cache go, and why (``print(tk.folders())``)."""

    figures: Path
    cache: Path
    figures_from: str
    cache_from: str

    def __str__(self) -> str:
        return (f"figures: {self.figures}  ({self.figures_from})\n"
                f"cache:   {self.cache}  ({self.cache_from})")


def find_checkout(start: str | Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (the current directory) that is a checkout of
    the toolkit: its ``pyproject.toml`` names the ``toolkit`` project. None outside one."""
    here = Path(start if start is not None else os.getcwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                name = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("name")
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if name == PROJECT_NAME:
                return folder
    return None


def folders(start: str | Path | None = None) -> Folders:
    """The user's figures and cache folders now, and where each choice came from.

    Args:
        start: The folder to resolve from; the current directory when None (the report
            passes its notebooks' folder, where their kernels run).

    Returns:
        A :class:`Folders` (``figures``, ``cache`` and the reason for each). The folders
        are not created here; ``save_figure`` and ``annotate`` create them on first write.
    """
    base = Path(start if start is not None else os.getcwd()).resolve()
    home = os.environ.get(ENV_HOME)
    checkout = find_checkout(base)
    found = {}
    for kind, env, sub in (("figures", ENV_FIGURES, "figures"), ("cache", ENV_CACHE, ".cache")):
        if kind in _chosen:
            found[kind] = (_chosen[kind], "set_folders()")
        elif os.environ.get(env):
            found[kind] = (base / Path(os.environ[env]).expanduser(), f"${env}")
        elif home:
            found[kind] = (base / Path(home).expanduser() / sub, f"${ENV_HOME}")
        elif checkout is not None:
            found[kind] = (checkout / sub, "the toolkit checkout around the current directory")
        else:
            found[kind] = (base / sub, "the current directory")
    return Folders(figures=found["figures"][0], cache=found["cache"][0],
                   figures_from=found["figures"][1], cache_from=found["cache"][1])


def set_folders(*, project: str | Path | None = None, figures: str | Path | None = None,
                cache: str | Path | None = None, reset: bool = False) -> Folders:
    """Choose where figures and the annotation cache go, for the rest of this session.

    Args:
        project: A project folder: figures in ``project/figures``, the cache in
            ``project/.cache`` (unless ``figures``/``cache`` say otherwise).
        figures: The figures folder (``save_figure``'s default ``figures_dir``).
        cache: The cache folder (``annotate``'s cache is its ``annotations/`` subfolder).
        reset: Forget earlier choices first (back to the environment and the current directory).

    Returns:
        The folders now in force (:func:`folders`).

    Example:
        >>> tk.set_folders(project="~/thesis")        # ~/thesis/figures, ~/thesis/.cache
    """
    if reset:
        _chosen.clear()
    if project is not None:
        root = Path(project).expanduser().resolve()
        _chosen.update(figures=root / "figures", cache=root / ".cache")
    if figures is not None:
        _chosen["figures"] = Path(figures).expanduser().resolve()
    if cache is not None:
        _chosen["cache"] = Path(cache).expanduser().resolve()
    return folders()


def __getattr__(name: str):
    # FIGURES and CACHE follow the current directory, the environment and set_folders().
    if name == "FIGURES":
        return folders().figures
    if name == "CACHE":
        return folders().cache
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
