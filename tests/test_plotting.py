"""Tests for toolkit.plotting: the house style, stable figure files, and plot functions on seed tables."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import toolkit as tk  # noqa: E402
import toolkit.plotting as tp  # noqa: E402


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


class TestSaveFigure:
    def test_writes_named_files_byte_identical_on_resave(self, tmp_path):
        tp.use_style()
        fig, ax = plt.subplots()
        ax.barh(["a", "b"], [1, 2])
        first = tp.save_figure(fig, "01-test-figure", figures_dir=tmp_path)
        assert [p.name for p in first] == ["01-test-figure.png", "01-test-figure.svg"]
        hashes = [digest(p) for p in first]
        second = tp.save_figure(fig, "01-test-figure", figures_dir=tmp_path)
        assert [digest(p) for p in second] == hashes
        plt.close(fig)

    @pytest.mark.parametrize("name", ["", " ", ".", "..", "../01-escape", "sub/01-x", "sub\\01-x", "/tmp/01-x",
                                      "a:b", "01-x\n"])
    def test_rejects_names_that_leave_the_folder_or_break_file_systems(self, tmp_path, name):
        fig, _ = plt.subplots()
        with pytest.raises(ValueError, match="file name without folders"):
            tp.save_figure(fig, name, figures_dir=tmp_path)
        plt.close(fig)
        assert list(tmp_path.iterdir()) == []

    def test_accepts_any_safe_name_and_drops_a_format_extension(self, tmp_path):
        fig, _ = plt.subplots()
        assert [p.name for p in tp.save_figure(fig, "Outlets 2024 (draft)", figures_dir=tmp_path)] == [
            "Outlets 2024 (draft).png", "Outlets 2024 (draft).svg"]
        assert [p.name for p in tp.save_figure(fig, "map.png", formats=["png"], figures_dir=tmp_path)] == ["map.png"]
        assert [p.name for p in tp.save_figure(fig, "v1.2-result", formats=["png"], figures_dir=tmp_path)] == [
            "v1.2-result.png"]
        plt.close(fig)


class TestUserFolders:
    """Figures and the cache go to the user's working project, never into the toolkit's checkout."""

    @pytest.fixture(autouse=True)
    def clean_settings(self, monkeypatch):
        for var in ("TOOLKIT_HOME", "TOOLKIT_FIGURES", "TOOLKIT_CACHE"):
            monkeypatch.delenv(var, raising=False)
        tk.set_folders(reset=True)
        yield
        tk.set_folders(reset=True)

    def test_a_notebook_run_elsewhere_writes_in_its_own_folder(self, tmp_path):
        import subprocess
        import sys

        repo_figures = Path(tk.__file__).resolve().parent.parent / "figures"
        before = sorted(repo_figures.glob("*")) if repo_figures.is_dir() else []
        script = ("import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; import toolkit as tk\n"
                  "fig, ax = plt.subplots(); ax.plot([0, 1])\n"
                  "print(tk.save_figure(fig, '01-copied-notebook')[0])\n"
                  "print(tk.folders().cache)\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLKIT_")}
        env["PYTHONPATH"] = str(Path(tk.__file__).resolve().parent.parent)
        run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                             check=True)
        figure, cache = run.stdout.split("\n")[:2]
        assert Path(figure) == tmp_path.resolve() / "figures" / "01-copied-notebook.png"
        assert Path(figure).is_file() and (tmp_path / "figures" / "01-copied-notebook.svg").is_file()
        assert Path(cache) == tmp_path.resolve() / ".cache"
        after = sorted(repo_figures.glob("*")) if repo_figures.is_dir() else []
        assert after == before

    def test_the_notebooks_of_a_checkout_write_to_its_figures(self, tmp_path, monkeypatch):
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "toolkit"\nversion = "0"\n')
        (tmp_path / "notebooks").mkdir()
        monkeypatch.chdir(tmp_path / "notebooks")
        folders = tk.folders()
        assert folders.figures == tmp_path.resolve() / "figures"
        assert folders.cache == tmp_path.resolve() / ".cache"
        assert tk.FIGURES == tk.paths.FIGURES == folders.figures

    def test_another_project_is_not_mistaken_for_a_checkout(self, tmp_path, monkeypatch):
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "my-thesis"\n')
        (tmp_path / "notebooks").mkdir()
        monkeypatch.chdir(tmp_path / "notebooks")
        assert tk.folders().figures == tmp_path.resolve() / "notebooks" / "figures"

    def test_environment_then_set_folders_take_precedence(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("TOOLKIT_HOME", str(tmp_path / "home"))
        assert tk.folders().figures == tmp_path.resolve() / "home" / "figures"
        assert tk.paths.CACHE == tmp_path.resolve() / "home" / ".cache"
        monkeypatch.setenv("TOOLKIT_FIGURES", str(tmp_path / "figs"))
        assert tk.folders().figures == tmp_path.resolve() / "figs"
        tk.set_folders(project=tmp_path / "thesis")
        assert tk.folders().figures == tmp_path.resolve() / "thesis" / "figures"
        assert tk.folders().cache == tmp_path.resolve() / "thesis" / ".cache"
        fig, _ = plt.subplots()
        assert tk.save_figure(fig, "x", formats=["png"])[0] == tmp_path.resolve() / "thesis" / "figures" / "x.png"
        plt.close(fig)
        assert "set_folders()" in str(tk.folders())


class TestSourceColor:
    def test_known_outlets_have_their_own_distinct_colours(self):
        known = [o for o in tp.SOURCE_COLORS if o != "unknown"]
        colours = [tp.source_color(o) for o in known]
        assert colours == [tp.SOURCE_COLORS[o] for o in known]
        assert len(set(colours)) == len(known)
        assert tp.OTHER_COLOR not in colours

    def test_missing_outlets_are_grey(self):
        for missing in (None, pd.NA, float("nan"), ""):
            assert tp.source_color(missing) == tp.OTHER_COLOR

    def test_new_outlets_get_a_palette_colour_whatever_the_call_order(self):
        names = ["NEWOUTLET", "Granma", "Nhân Dân", "Le Monde", "AFP"]
        forward = {name: tp.source_color(name) for name in names}
        backward = {name: tp.source_color(name) for name in reversed(names)}
        assert forward == backward
        assert set(forward.values()) <= set(tp.OKABE_ITO)
        assert len(set(forward.values())) > 1  # not one colour for every new outlet

    def test_new_outlet_colours_are_the_same_in_another_interpreter(self):
        # A colour derived from Python's salted hash() would change between runs and notebooks.
        import subprocess
        import sys

        names = ["NEWOUTLET", "Granma", "Nhân Dân"]
        code = f"import toolkit.plotting as tp; print([tp.source_color(n) for n in {names!r}])"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**__import__("os").environ, "PYTHONHASHSEED": "12345"}).stdout
        assert out.strip() == str([tp.source_color(n) for n in names])


class TestPanels:
    """``ax`` is one Axes, returned; small multiples take ``axes`` (one per panel) and return them as an array."""

    def frequencies(self):
        return pd.DataFrame({"outlet": ["VNA", "VNA", "RHC", None], "term": ["a", "b", "c", "d"], "n": [3, 1, 2, 5]})

    def test_top_terms_draws_one_panel_per_group_on_given_axes(self):
        fig, given = plt.subplots(2, 2)
        axes = tp.plot_top_terms(self.frequencies(), axes=given, n=1)
        assert isinstance(axes, np.ndarray) and len(axes) == 3
        assert list(axes) == list(given.ravel()[:3])
        assert [ax.get_title() or ax.get_title(loc="left") for ax in axes] == ["VNA", "RHC", "unknown"]
        assert [len(ax.patches) for ax in axes] == [1, 1, 1]
        assert axes[0].patches[0].get_width() == 3  # the top term of VNA
        assert axes[0].patches[0].get_facecolor()[:3] == matplotlib.colors.to_rgb(tp.SOURCE_COLORS["VNA"])
        plt.close(fig)

    def test_too_few_axes_is_an_error(self):
        fig, ax = plt.subplots()
        with pytest.raises(ValueError, match="1 Axes for 3 groups"):
            tp.plot_top_terms(self.frequencies(), axes=[ax])
        plt.close(fig)

    def test_single_axes_plots_return_the_given_axes(self, articles, removed):
        fig, ax = plt.subplots()
        assert tp.plot_removed_by_article(removed, articles, ax=ax) is ax
        plt.close(fig)


def test_plot_removed_by_article(articles, removed):
    ax = tp.plot_removed_by_article(removed, articles)
    # one "kept" bar per article plus one bar per (article, reason present in the corpus)
    n_reasons = removed["reason"].nunique()
    assert len(ax.patches) == len(articles) * (1 + n_reasons)
    assert len(ax.get_yticklabels()) == len(articles)
    plt.close(ax.figure)


def test_plot_similarity_heatmap_requires_square():
    with pytest.raises(ValueError, match="square"):
        tp.plot_similarity_heatmap(pd.DataFrame([[1.0, 0.5]]))
    ax = tp.plot_similarity_heatmap(pd.DataFrame([[1.0, 0.2], [0.2, 1.0]], index=["a", "b"], columns=["a", "b"]))
    assert len(ax.images) == 1
    assert [t.get_text() for t in ax.texts] == ["1.00", "0.20", "0.20", "1.00"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    plt.close(ax.figure)


def test_plot_dispersion(articles):
    hits = pd.DataFrame({"article_id": [articles["article_id"].iloc[0]] * 2, "term": ["x", "y"],
                         "relative_position": [0.1, 0.9]})
    ax = tp.plot_dispersion(hits, articles)
    assert len(ax.get_yticklabels()) == 2 * len(articles)
    # One tick per occurrence, at its relative position, on the row of its (term, article).
    drawn = sorted((float(x), float(y)) for c in ax.collections for x, y in c.get_offsets())
    assert drawn == [(0.1, 0.0), (0.9, float(len(articles)))]
    plt.close(ax.figure)


def test_article_labels(articles):
    labels = tp.article_labels(articles)
    assert labels[0] == "000 unknown (fr)" and labels[3] == "003 VNA (fr)"
