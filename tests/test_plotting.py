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
from tests.seed_tables import alignment_table, alike_credit_versions, sentences_table  # noqa: E402
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

    def test_long_labels_are_kept_without_use_style(self, tmp_path):
        from PIL import Image

        with matplotlib.rc_context({"savefig.bbox": None, "savefig.dpi": 100}):  # matplotlib's defaults
            fig, ax = plt.subplots(figsize=(2, 2))
            ax.barh(["a label far longer than the figure is wide", "b"], [1, 2])
            path, = tp.save_figure(fig, "01-long-label", formats=["png"], figures_dir=tmp_path)
            plt.close(fig)
        width, _ = Image.open(path).size
        assert width > 2 * 100  # the label sticks out of the 2-inch figure: the file takes it in

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
    # One "kept" bar per article, one bar per (article, reason seen), and one per article for the pooled rest.
    entries = [t.get_text() for t in ax.get_legend().get_texts()]
    n_visible = len(entries) - 1 - any(e.startswith(("other", "too few")) for e in entries)
    assert len(ax.patches) == len(articles) * (1 + n_visible + (n_visible < removed["reason"].nunique()))
    assert len(ax.get_yticklabels()) == len(articles)
    plt.close(ax.figure)


class TestRemovedLegend:
    """The legend of the removed-text bars lists what a reader can see, and names the rest."""

    @staticmethod
    def tables(extra):
        articles = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"], "n_words": [1000] * 3})
        rows = [("a", "caption", 300)] + extra
        removed = pd.DataFrame({"article_id": [a for a, _, _ in rows], "reason": [r for _, r, _ in rows],
                                "text": [" ".join(["w"] * k) for _, _, k in rows]})
        return articles, removed

    def test_reasons_too_thin_to_see_leave_the_legend_but_are_named(self):
        tp.use_style()
        articles, removed = self.tables([("b", "footer", 1), ("c", "url", 1)])
        ax = tp.plot_removed_by_article(removed, articles)
        legend = ax.get_legend()
        entries = [" ".join(t.get_text().split()) for t in legend.get_texts()]
        assert entries == ["kept (body)", "caption", "too few words to see (2 words): url, footer"]
        assert not legend.legend_handles[2].get_visible()  # no swatch for what cannot be seen
        # The bars keep their true length: every word of the raw file is drawn.
        ends = {}
        for patch in ax.patches:
            row = round(patch.get_y() + patch.get_height() / 2)
            ends[row] = max(ends.get(row, 0), patch.get_x() + patch.get_width())
        assert sorted(ends.values()) == [1001, 1001, 1300]
        plt.close("all")

    def test_thin_reasons_visible_together_are_one_other_segment(self):
        tp.use_style()
        articles, removed = self.tables([("b", "footer", 6), ("b", "url", 6), ("c", "title", 200)])
        ax = tp.plot_removed_by_article(removed, articles)
        legend = ax.get_legend()
        entries = [" ".join(t.get_text().split()) for t in legend.get_texts()]
        assert entries == ["kept (body)", "caption", "title", "other (12 words): url, footer"]
        assert legend.legend_handles[-1].get_visible() and legend.legend_handles[-1].get_hatch()
        plt.close("all")

    def test_a_wider_figure_shows_more(self):
        articles, removed = self.tables([("b", "footer", 12)])
        fig, ax = plt.subplots(figsize=(30, 4))
        tp.plot_removed_by_article(removed, articles, ax=ax)
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["kept (body)", "caption", "footer"]
        plt.close(fig)


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
    # A heading per term, then a row per article that uses it; the seeds mix French and English.
    assert tick_texts(ax, "y") == ["x: 1 of 1 article", "000 (fr)", "y: 1 of 1 article", "000 (fr)"]
    # One tick per occurrence, at its relative position, on the row of its (term, article).
    drawn = sorted((float(x), float(y)) for c in ax.collections for x, y in c.get_offsets())
    assert drawn == [(0.1, 1.0), (0.9, 3.0)]
    assert note_texts(ax) == ["Not shown: 4 articles with none of the terms."]
    plt.close(ax.figure)


def test_plot_dispersion_says_which_colour_is_which_outlet(articles):
    from matplotlib.colors import to_hex

    hits = pd.DataFrame({"article_id": articles["article_id"], "term": "x", "relative_position": 0.5})
    ax = tp.plot_dispersion(hits, articles)
    legend = ax.get_legend()
    outlets = list(dict.fromkeys(o if isinstance(o, str) and o else None for o in articles["outlet"]))
    assert [t.get_text() for t in legend.get_texts()] == [o or "unknown" for o in outlets]
    assert [to_hex(h.get_color()) for h in legend.legend_handles] == [tp.source_color(o).lower() for o in outlets]
    # Each tick has its outlet's colour, so the legend reads the plot.
    ticks = {to_hex(c.get_facecolor()[0]) for c in ax.collections}
    assert ticks == {tp.source_color(o).lower() for o in outlets}
    # Outside the plotting area: it hides no tick.
    ax.figure.canvas.draw()
    assert legend.get_window_extent().x0 >= ax.get_window_extent().x1
    plt.close(ax.figure)


def test_article_labels(articles):
    labels = tp.article_labels(articles)
    assert labels[0] == "000 unknown (fr)" and labels[3] == "003 VNA (fr)"


# ---------------------------------------------------------------- plot_alignment: datelines and sign-offs
#
# Two versions written for these tests: RHC's and VNA's datelines (each its own sentence, as
# spaCy cuts "Hanoï (VNA)" off, or cut in two), a shared sentence, a sentence each version alone
# has, and VNA's sign-off "– VNA", as its own sentence or at the end of its last one.

VERSION_BODY = ["Le ministre de la Sécurité publique a reçu son homologue cubain dans la capitale.",
                "Les deux ministres ont signé un accord sur la formation des policiers.",
                "Il a remis la médaille de l'Amitié à la délégation cubaine et à son chef.",
                "Le ministre a proposé de partager son expérience en matière de politiques."]


def two_versions(vna_first, vna_last):
    """(alignment, differences) of 'rhc' and 'vna', aligned by hand as align_sentences leaves them:
    the datelines, RHC's medal sentence and VNA's closing sentences unaligned."""
    from toolkit.compare import compare_versions

    pieces = {"rhc": [(0, "Hanoï, 16 mai (RHC)"), (0, VERSION_BODY[0]), (1, VERSION_BODY[1]), (2, VERSION_BODY[2])],
              "vna": [*vna_first, (0, "- " + VERSION_BODY[0]), (1, VERSION_BODY[1]), *vna_last]}
    texts, sentences = sentences_table(pieces)
    n = len(vna_first)
    groups = [(0, None, "unique"), (1, n, "shared"), (2, n + 1, "shared"), (3, None, "unique"),
              *((None, k, "unique") for k in [*range(n), *range(n + 2, n + 2 + len(vna_last))])]
    alignment = alignment_table(sentences, "rhc", "vna", groups)
    articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "language": "fr"})
    return alignment, compare_versions(sentences, articles, "rhc", "vna", alignment=alignment)


def alignment_boxes(ax, alignment):
    """Sentence text → (box, label) of each side's boxes (drawn first, a's then b's, in reading order;
    a sentence both sides write alike is b's)."""
    texts = [t for t in ax.texts if t.get_text() not in {"rhc", "vna"}]
    found, i = {}, 0
    for side in "ab":
        for text in alignment.dropna(subset=[f"sentence_id_{side}"]).sort_values(f"sentence_id_{side}")[
                f"text_{side}"]:
            found[text] = (ax.patches[i], texts[i])
            i += 1
    return found


def is_credit_box(box, label):
    return (box.get_facecolor()[:3] == (1.0, 1.0, 1.0) and box.get_linestyle() == "--"
            and label.get_fontstyle() == "italic")


SIGNOFF_SENTENCE = [(2, VERSION_BODY[3]), (2, "– VNA")]
SIGNOFF_INSIDE = [(2, VERSION_BODY[3] + " – VNA")]


class TestAlignmentCredits:
    """With the differences table, a sentence that is only a dateline or sign-off is drawn as the credit the
    table calls it, not as an unaligned sentence; without it the figure is drawn as before."""

    @pytest.mark.parametrize("vna_first, vna_last, credits", [
        ([(0, "Hanoï (VNA)")], SIGNOFF_SENTENCE, ["Hanoï, 16 mai (RHC)", "Hanoï (VNA)", "– VNA"]),
        ([(0, "Hanoï (VNA)")], SIGNOFF_INSIDE, ["Hanoï, 16 mai (RHC)", "Hanoï (VNA)"]),
        ([(0, "Hanoï"), (0, "(VNA)")], SIGNOFF_SENTENCE, ["Hanoï, 16 mai (RHC)", "Hanoï", "(VNA)", "– VNA"]),
    ], ids=["signoff-sentence", "signoff-inside", "dateline-in-two"])
    def test_credit_sentences_are_framed_and_listed(self, vna_first, vna_last, credits):
        alignment, differences = two_versions(vna_first, vna_last)
        # The table these tests rely on: the datelines and the sign-off in their own rows.
        assert {"dateline", "signoff", "omitted", "added"} <= set(differences["kind"])
        fig, ax = plt.subplots()
        tp.plot_alignment(alignment, ax=ax, differences=differences)
        boxes = alignment_boxes(ax, alignment)
        # Before: every one of them was a grey "unique" box like the omitted and added sentences.
        assert sorted(t for t, (box, label) in boxes.items() if is_credit_box(box, label)) == sorted(credits)
        unique = matplotlib.colors.to_rgb(tp.STATUS_COLORS["unique"])
        for text in [VERSION_BODY[2], *(t for _, t in vna_last if t != "– VNA")]:  # omitted, added
            assert boxes[text][0].get_facecolor()[:3] == unique, text
        # VNA's "-" after its dateline opens a shared sentence: that sentence stays shared.
        assert boxes["- " + VERSION_BODY[0]][0].get_facecolor()[:3] == matplotlib.colors.to_rgb(
            tp.STATUS_COLORS["shared"])
        legend = ax.get_legend()
        assert [t.get_text() for t in legend.get_texts()] == ["shared", "unique", "dateline / sign-off"]
        handle = legend.legend_handles[-1]
        assert handle.get_facecolor()[:3] == (1.0, 1.0, 1.0)
        assert handle.get_edgecolor()[:3] == boxes["Hanoï, 16 mai (RHC)"][0].get_edgecolor()[:3] != (1.0, 1.0, 1.0)
        n_boxes = alignment["sentence_id_a"].count() + alignment["sentence_id_b"].count()
        assert len(ax.patches) == n_boxes + 2  # a box per sentence, a ribbon per shared pair
        plt.close(fig)

    def test_without_differences_the_figure_is_unchanged(self):
        alignment, differences = two_versions([(0, "Hanoï (VNA)")], SIGNOFF_SENTENCE)
        fig, ax = plt.subplots()
        tp.plot_alignment(alignment, ax=ax)
        boxes = alignment_boxes(ax, alignment)
        unique = matplotlib.colors.to_rgb(tp.STATUS_COLORS["unique"])
        assert boxes["Hanoï (VNA)"][0].get_facecolor()[:3] == unique
        assert not any(is_credit_box(box, label) for box, label in boxes.values())
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["shared", "unique"]
        plt.close(fig)

    def test_only_credits_leaves_no_unique_entry(self):
        """When every unaligned sentence is a credit, the legend lists no "unique" entry it does not draw."""
        alignment, differences = two_versions([(0, "Hanoï (VNA)")], SIGNOFF_SENTENCE)
        unique = alignment["status"] == "unique"
        keep = ~unique | alignment["text_a"].eq("Hanoï, 16 mai (RHC)") | alignment["text_b"].isin(
            ["Hanoï (VNA)", "– VNA"])
        fig, ax = plt.subplots()
        tp.plot_alignment(alignment[keep], ax=ax, differences=differences)
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["shared", "dateline / sign-off"]
        plt.close(fig)

    def test_credits_alike_in_both_versions_are_framed_too(self):
        """Both versions open with "Hanoï (VNA)" and sign off "– VNA": alike, they have no row in the table, which
        lists neither as omitted or added; the figure still draws them as credits (before: grey "unique" boxes)."""
        body = VERSION_BODY
        texts, sentences, alignment, differences = alike_credit_versions(body)
        assert sorted(differences["kind"]) == ["added", "omitted"]
        fig, ax = plt.subplots()
        tp.plot_alignment(alignment, ax=ax, differences=differences, labels=["rhc", "vna"])
        boxes = alignment_boxes(ax, alignment)
        labels = [t for t in ax.texts if t.get_text() not in {"rhc", "vna"}]
        credit_boxes = [i for i, (box, label) in enumerate(zip(ax.patches, labels)) if is_credit_box(box, label)]
        # a's sentences 0 and 4, then b's 0 and 4 (boxes 5 and 9): the datelines and the sign-offs.
        assert credit_boxes == [0, 4, 5, 9]
        unique = matplotlib.colors.to_rgb(tp.STATUS_COLORS["unique"])
        assert boxes[body[2]][0].get_facecolor()[:3] == unique and boxes[body[3]][0].get_facecolor()[:3] == unique
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["shared", "unique", "dateline / sign-off"]
        plt.close(fig)

    def test_an_outlets_own_signoff_alike_in_both_versions_is_framed_given_the_articles(self):
        """Both versions sign off "–BL" (outlet BL, no registry code): alike, no row tells the figure the code. Given
        the articles it reads the sign-off with their outlet, as the table did (before: plot_alignment took no
        articles, and "–BL" was a grey unaligned box)."""
        from toolkit.compare import compare_versions

        body = VERSION_BODY
        texts, sentences = sentences_table({"x": [(0, body[0]), (1, body[1]), (1, "–BL")],
                                            "y": [(0, body[0]), (1, body[2]), (1, "–BL")]})
        groups = [(0, 0, "shared"), (1, None, "unique"), (2, None, "unique"), (None, 1, "unique"),
                  (None, 2, "unique")]
        alignment = alignment_table(sentences, "x", "y", groups)
        articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "language": "fr",
                                 "outlet": "BL"})
        differences = compare_versions(sentences, articles, "x", "y", alignment=alignment)
        assert sorted(differences["kind"]) == ["added", "omitted"]
        for given, credits in ((articles, [2, 5]), (None, [])):
            fig, ax = plt.subplots()
            tp.plot_alignment(alignment, ax=ax, differences=differences, articles=given, labels=["rhc", "vna"])
            labels = [t for t in ax.texts if t.get_text() not in {"rhc", "vna"}]
            # a's sentences 0-2, then b's (boxes 3-5): the sign-offs are each side's last.
            assert [i for i, (box, label) in enumerate(zip(ax.patches, labels)) if is_credit_box(box, label)] == credits
            plt.close(fig)

    def test_differences_of_another_pair_are_refused(self):
        alignment, differences = two_versions([(0, "Hanoï (VNA)")], SIGNOFF_SENTENCE)
        swapped = differences.rename(columns={"article_id_a": "article_id_b", "article_id_b": "article_id_a"})
        fig, ax = plt.subplots()
        with pytest.raises(ValueError, match="same a and b"):
            tp.plot_alignment(alignment, ax=ax, differences=swapped)
        with pytest.raises(ValueError, match="lacks required column"):
            tp.plot_alignment(alignment, ax=ax, differences=differences.drop(columns="kind"))
        plt.close(fig)


# ---------------------------------------------------------------- plots on a large corpus


def large_corpus(n_articles=500, n_outlets=40, seed=0):
    """A synthetic corpus of ``n_articles`` from ``n_outlets``: long ids sharing long prefixes,
    a long tail of small outlets, and every table a plot takes."""
    import networkx as nx

    rng = np.random.default_rng(seed)
    outlets = [f"Outlet{k:02d}" for k in range(n_outlets)]
    weights = 1 / np.arange(1, n_outlets + 1)  # a long tail: a few big outlets, many small ones
    chosen = rng.choice(outlets, size=n_articles, p=weights / weights.sum())
    ids = [f"{o.lower()}-2024-03-{1 + i % 28:02d}-article-{i:04d}" for i, o in enumerate(chosen)]
    articles = pd.DataFrame({"article_id": ids, "outlet": chosen, "language": rng.choice(["fr", "en"], n_articles),
                             "n_words": rng.integers(200, 1500, n_articles)})
    reasons = rng.choice(["caption", "footer", "related-articles", "made-up-reason"], size=3 * n_articles)
    removed = pd.DataFrame({"article_id": np.repeat(ids, 3), "reason": reasons,
                            "text": [" ".join(["word"] * int(k)) for k in rng.integers(1, 80, 3 * n_articles)]})
    # A reason whose spans hold no words draws nothing, so it must not appear in the legend.
    removed = pd.concat([removed, pd.DataFrame({"article_id": ids[:5], "reason": "markup", "text": ""})],
                        ignore_index=True)
    terms = [f"term{k}" for k in range(30)]
    frequencies = pd.DataFrame([(o, t, int(rng.integers(1, 50))) for o in outlets for t in terms],
                               columns=["outlet", "term", "n"])
    hits = pd.DataFrame({"article_id": rng.choice(ids, 900), "term": rng.choice(["alpha", "beta", "gamma"], 900),
                         "relative_position": rng.random(900)})
    values = rng.random((n_articles, n_articles))
    similarity = pd.DataFrame((values + values.T) / 2, index=ids, columns=ids)
    names = [f"Person Number {k} Longname" for k in range(200)]
    counts = pd.DataFrame([(o, f"E{k}", names[k], int(rng.integers(1, 90))) for o in outlets for k in range(30)],
                          columns=["outlet", "entity_id", "name", "n_mentions"])
    graph = nx.gnm_random_graph(200, 900, seed=seed)
    for v in graph.nodes:
        graph.nodes[v].update(name=names[v], entity_type=["PER", "ORG", "LOC", "MISC"][v % 4],
                              n_mentions=int(rng.integers(1, 300)))
    for u, v in graph.edges:
        graph.edges[u, v]["weight"] = int(rng.integers(1, 10))
    sentences = [f"Sentence {k} of a long article about many things." for k in range(150)]
    alignment = pd.DataFrame({"article_id_a": ids[0], "article_id_b": ids[1], "sentence_id_a": range(150),
                              "sentence_id_b": range(150), "text_a": sentences, "text_b": sentences,
                              "status": rng.choice(["shared", "paraphrased"], 150)})
    attention = pd.DataFrame([(f"S{k}", f"Story number {k} about something", o, int(rng.integers(0, 6)))
                              for k in range(60) for o in outlets],
                             columns=["story_id", "story_title", "outlet", "n_articles"])
    profile = pd.DataFrame([(o, f"Frame {k}", float(rng.random() * 5)) for o in outlets for k in range(8)],
                           columns=["outlet", "label", "per_1000_words"])
    agency = pd.DataFrame([(o, names[k], int(rng.integers(0, 9)), int(rng.integers(0, 9)))
                           for o in outlets for k in range(20)],
                          columns=["outlet", "entity", "n_as_actor", "n_as_target"])
    return dict(articles=articles, removed=removed, frequencies=frequencies, hits=hits, similarity=similarity,
                counts=counts, graph=graph, alignment=alignment, attention=attention, profile=profile,
                agency=agency)


@pytest.fixture(scope="module")
def large():
    tp.use_style()
    return large_corpus()


def all_large_plots(large):
    """Every plot_* drawn on the large corpus, each on its own new figure: name → Axes (or array)."""
    return {
        "removed_by_article": tp.plot_removed_by_article(large["removed"], large["articles"]),
        "top_terms": tp.plot_top_terms(large["frequencies"], by="outlet"),
        "dispersion": tp.plot_dispersion(large["hits"], large["articles"]),
        "similarity_heatmap": tp.plot_similarity_heatmap(large["similarity"]),
        "top_entities": tp.plot_top_entities(large["counts"], by="outlet"),
        "cooccurrence_network": tp.plot_cooccurrence_network(large["graph"]),
        "alignment": tp.plot_alignment(large["alignment"]),
        "story_attention": tp.plot_story_attention(large["attention"]),
        "frame_heatmap": tp.plot_frame_heatmap(large["profile"], by="outlet"),
        "agency": tp.plot_agency(large["agency"], by="outlet"),
    }


def tick_texts(ax, axis):
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in labels if t.get_text()]


def note_texts(ax):
    """What a plot says it left out: the texts it wrote under the x axis."""
    return [t.get_text() for t in ax.texts if t.get_gid() == "note"]


def tick_label_boxes(ax, axis="y", dpi=None):
    """The boxes (pixels) of the visible, non-empty tick labels of ``axis``, drawn at ``dpi``."""
    if dpi:
        ax.figure.set_dpi(dpi)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_window_extent(renderer) for t in labels if t.get_text() and t.get_visible()]


def overlapping(boxes, gap=1.0):
    """Pairs of boxes closer than ``gap`` pixels: touching counts as overlapping."""
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].expanded(1, 1).padded(gap / 2).overlaps(boxes[j].padded(gap / 2))]


def label_boxes(ax):
    """The visible boxes of the network's names (the white box behind each text), in pixels."""
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    return [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts]


def node_discs(ax):
    """Centres (pixels) and radii (pixels) of the network's nodes."""
    nodes, = [c for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)]
    centres = ax.transData.transform(nodes.get_offsets())
    radii = np.sqrt(nodes.get_sizes()) / 2 * ax.figure.dpi / 72
    return centres, np.broadcast_to(radii, len(centres))


def nodes_overlapping(ax):
    centres, radii = node_discs(ax)
    return [(i, j) for i in range(len(centres)) for j in range(i + 1, len(centres))
            if np.hypot(*(centres[i] - centres[j])) < radii[i] + radii[j] - 0.5]


def seed_like_graph(order=None):
    """Ten entities named as in the seeds, two rings of edges: a small graph with long names."""
    import networkx as nx

    graph = nx.Graph()
    names = ["Trần Quốc Tỏ", "To Lam", "Lázaro Alberto Álvarez Casas", "Alvarez Casas", "Viêt Nam", "Cuba",
             "La Havane", "Hanoï", "Minint", "ministère cubain de l'Intérieur"]
    for k in order or range(len(names)):
        graph.add_node(k, name=names[k], entity_type=["PER", "LOC", "ORG"][k % 3], n_mentions=10 - k)
    graph.add_edges_from((k, (k + 1) % len(names), {"weight": 1}) for k in range(len(names)))
    graph.add_edges_from((k, (k + 3) % len(names), {"weight": 2}) for k in range(len(names)))
    return graph


class TestNetwork:
    """The co-occurrence network: names beside their nodes, never touching, the same on every run."""

    def test_names_sit_beside_their_nodes_and_never_touch_at_any_dpi(self, tmp_path):
        tp.use_style()
        ax = tp.plot_cooccurrence_network(seed_like_graph())
        texts = [t.get_text() for t in ax.texts]
        assert len(texts) == 10
        for save in (False, True):  # on screen, then at the saving dpi
            if save:
                tp.save_figure(ax.figure, "network", formats=["png"], figures_dir=tmp_path)
            boxes = label_boxes(ax)
            assert overlapping(boxes) == []
            centres, radii = node_discs(ax)
            for box in boxes:  # no name covers the centre of a node, its own or another
                assert not any(box.contains(x, y) for x, y in centres)
        assert nodes_overlapping(ax) == []
        plt.close("all")

    def test_only_the_n_labels_most_mentioned_are_named_minor_ones_smaller(self):
        graph = seed_like_graph()
        ax = tp.plot_cooccurrence_network(graph, n_labels=4)
        names = [t.get_text() for t in ax.texts]
        assert names == ["Trần Quốc Tỏ", "To Lam", "Lázaro Alberto Álvarez Casas", "Alvarez Casas"]
        sizes = [t.get_fontsize() for t in ax.texts]
        assert sizes[0] > sizes[-1]
        ax = tp.plot_cooccurrence_network(graph, n_labels=0)
        assert len(ax.texts) == 0
        plt.close("all")

    def test_the_same_picture_on_every_run_whatever_the_node_order(self):
        def picture(graph):
            ax = tp.plot_cooccurrence_network(graph, seed=3)
            nodes, = [c for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)]
            offsets = {tuple(np.round(xy, 6)) for xy in nodes.get_offsets()}
            labels = [(t.get_text(), tuple(np.round(t.xy, 6)), tuple(np.round(t.xyann, 6))) for t in ax.texts]
            plt.close(ax.figure)
            return offsets, labels

        first = picture(seed_like_graph())
        assert picture(seed_like_graph()) == first
        assert picture(seed_like_graph(order=list(range(10))[::-1])) == first

    def test_a_strong_tie_is_drawn_short_not_long(self):
        import networkx as nx

        graph = nx.cycle_graph(8)
        nx.set_node_attributes(graph, {v: {"name": f"E{v}", "entity_type": "PER", "n_mentions": 5} for v in graph})
        nx.set_edge_attributes(graph, 1, "weight")
        graph.edges[0, 1]["weight"] = 40  # the two are named together forty times
        ax = tp.plot_cooccurrence_network(graph)
        nodes, = [c for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)]
        xy = dict(zip(sorted(graph.nodes, key=str), nodes.get_offsets()))
        lengths = {(u, v): np.hypot(*(xy[u] - xy[v])) for u, v in graph.edges}
        assert lengths[(0, 1)] < 0.5 * np.median(list(lengths.values()))  # weight 1 everywhere: about the median
        plt.close("all")

    def test_the_legend_sits_below_the_network(self):
        ax = tp.plot_cooccurrence_network(seed_like_graph())
        ax.figure.canvas.draw()
        legend = ax.get_legend()
        assert [t.get_text() for t in legend.get_texts()] == ["PER", "ORG", "LOC"]
        assert legend.get_window_extent().y1 <= ax.get_window_extent().y0
        plt.close("all")

    def test_a_dense_graph_draws_its_strongest_ties_by_default(self):
        import networkx as nx

        graph = nx.complete_graph(12)  # 66 ties, everyone named with everyone
        nx.set_node_attributes(graph, {v: {"name": f"E{v}", "entity_type": "PER", "n_mentions": 5} for v in graph})
        nx.set_edge_attributes(graph, 1, "weight")
        for v in range(11):
            graph.edges[v, v + 1]["weight"] = 5

        def drawn(ax):
            lines = [c for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)]
            return sum(len(c.get_segments()) for c in lines)

        default = tp.plot_cooccurrence_network(graph)
        assert drawn(default) == 11 and "named together 5+ times" in default.get_legend().get_title().get_text()
        every = tp.plot_cooccurrence_network(graph, min_weight=1)
        assert drawn(every) == 66 and every.get_legend().get_title().get_text() == "Entity type"
        plt.close("all")

    def test_tiny_graphs(self):
        import networkx as nx

        for n in (1, 2, 3):
            graph = nx.path_graph(n)
            nx.set_node_attributes(graph, {v: {"name": f"Name {v}", "entity_type": "LOC", "n_mentions": 2}
                                           for v in graph})
            ax = tp.plot_cooccurrence_network(graph, drop_isolated=False)
            assert sorted(t.get_text() for t in ax.texts) == [f"Name {v}" for v in range(n)]
            plt.close("all")


class TestLargeCorpus:
    """500 articles from 40 outlets: figures stay page-sized, labels unique and readable."""

    def test_every_plot_fits_the_page_with_unique_tick_labels(self, large):
        drawn = all_large_plots(large)
        assert set(drawn) >= {name[len("plot_"):] for name in tp.__all__ if name.startswith("plot_")} - {
            "ner_scores", "keyness"}  # those two draw a handful of rows whatever the corpus
        for name, result in drawn.items():
            axes = list(np.ravel(result))
            width, height = axes[0].figure.get_size_inches()
            assert width <= tp.MAX_FIGSIZE[0] and height <= tp.MAX_FIGSIZE[1], (name, width, height)
            for ax in axes:
                for axis in "xy":
                    texts = tick_texts(ax, axis)
                    if ax.yaxis.get_major_formatter().__class__.__name__ == "FixedFormatter" or axis == "y":
                        assert len(texts) <= 60, (name, axis, len(texts))
                    if name == "dispersion" and axis == "y":  # an article recurs once per term's block
                        blocks = [[]]
                        for text in texts:
                            blocks.append([]) if text.endswith(" articles") else blocks[-1].append(text)
                        assert all(len(set(b)) == len(b) for b in blocks), texts
                    elif texts and not texts[0].replace(".", "").replace("−", "").replace("-", "").isdigit():
                        assert len(set(texts)) == len(texts), (name, axis, texts)
            assert len(axes) <= tp.MAX_PANELS, name
        plt.close("all")

    def test_article_ids_are_never_cut_to_ambiguity(self, large):
        articles = large["articles"]
        ax = tp.plot_removed_by_article(large["removed"], articles)
        labels = tick_texts(ax, "y")
        assert 0 < len(labels) <= 30 and len(set(labels)) == len(labels)
        for label in labels:
            short = label.rsplit(" (", 1)[0]
            head, _, tail = short.partition("…")
            matches = [a for a in articles["article_id"] if a.startswith(head) and a.endswith(tail)]
            assert len(matches) == 1, (label, matches[:3])
        assert "more" in note_texts(ax)[0]
        assert len(set(tp.article_labels(articles))) == len(articles)
        plt.close("all")

    def test_legends_list_only_what_is_drawn(self, large):
        ax = tp.plot_removed_by_article(large["removed"], large["articles"])
        entries = {t.get_text() for t in ax.get_legend().get_texts()}
        assert entries <= {"kept (body)"} | set(large["removed"]["reason"])
        assert "markup" not in entries  # present in the table, but zero words: nothing to see
        assert "made-up-reason" in entries  # a reason outside the house palette is still drawn and listed
        colours = [p.get_facecolor() for p in ax.get_legend().legend_handles]
        assert len({tuple(c) for c in colours}) == len(colours)
        ax = tp.plot_story_attention(large["attention"])
        entries = [t.get_text() for t in ax.get_legend().get_texts()]
        assert len(entries) <= 7 and entries[-1].endswith("other stories")
        assert any(t.startswith("other (") for t in tick_texts(ax, "y"))
        plt.close("all")

    def test_long_tails_of_outlets_are_pooled_as_other(self, large):
        axes = tp.plot_top_entities(large["counts"], by="outlet")
        titles = [ax.get_title(loc="left") or ax.get_title() for ax in axes]
        assert len(axes) == tp.MAX_PANELS and titles[-1] == f"other (mean of {40 - tp.MAX_PANELS + 1})"
        # The pooled tail is the average outlet of the tail, on the scale of the outlets beside it.
        biggest = max(max(p.get_width() for p in ax.patches) for ax in axes[:-1])
        assert max(p.get_width() for p in axes[-1].patches) <= biggest
        assert len(axes[0].figure.axes) >= len(axes)  # wrapped into rows
        plt.close("all")

    def test_network_labels_do_not_overlap(self, large, tmp_path):
        ax = tp.plot_cooccurrence_network(large["graph"])
        fig = ax.figure
        tp.save_figure(fig, "large-network", formats=["png"], figures_dir=tmp_path)  # draws at the saving dpi too
        boxes = label_boxes(ax)
        assert len(boxes) >= 8
        assert overlapping(boxes) == []
        assert nodes_overlapping(ax) == []
        # The labels kept are the most mentioned entities' names.
        names = {t.get_text() for t in ax.texts}
        top = max(large["graph"].nodes, key=lambda v: large["graph"].nodes[v]["n_mentions"])
        assert large["graph"].nodes[top]["name"] in names
        plt.close("all")

    def test_network_labels_on_the_seeds_do_not_overlap(self):
        graph = seed_like_graph()
        ax = tp.plot_cooccurrence_network(graph)
        assert overlapping(label_boxes(ax)) == []
        assert {t.get_text() for t in ax.texts} >= {"Trần Quốc Tỏ", "To Lam"}
        plt.close("all")


# ---------------------------------------------------------------- corpus figures on a real-sized corpus
#
# Shaped like the news corpora users bring (150 articles, 3 outlets, 50 events of 3 articles, one
# language): a few articles lost boilerplate, the rest nothing; a few terms, one of them rare.


def events_corpus(seed=0):
    rng = np.random.default_rng(seed)
    events = [f"{k:02d}{'abcdef' * 5}"[:30] for k in range(50)]
    ids = [f"{e}-{k + 1}" for e in events for k in range(3)]
    articles = pd.DataFrame({"article_id": ids, "event_id": np.repeat(events, 3),
                             "outlet": np.tile(["NYT", "FOXNEWS", "HUFFPOST"], 50), "language": "en",
                             "n_words": rng.integers(300, 1200, 150)})
    lost = rng.choice(150, 13, replace=False)
    removed = pd.DataFrame({"article_id": [ids[i] for i in lost], "reason": "title",
                            "text": [" ".join(["w"] * int(k)) for k in rng.integers(5, 40, 13)]})
    hits = pd.concat([pd.DataFrame({"article_id": rng.choice(ids, 400), "term": "obama"}),
                      pd.DataFrame({"article_id": rng.choice(ids, 120), "term": "tax"}),
                      pd.DataFrame({"article_id": rng.choice(ids[:9], 8), "term": "iran"})], ignore_index=True)
    hits["relative_position"] = rng.random(len(hits))
    values = 0.1 + 0.05 * rng.random((150, 150))
    values = (values + values.T) / 2
    for k in range(50):
        values[3 * k:3 * k + 3, 3 * k:3 * k + 3] = 0.7
    np.fill_diagonal(values, 1.0)
    order = np.argsort(ids)  # as document_similarity returns it: sorted by id, shuffled below
    shuffle = rng.permutation(150)
    articles = articles.iloc[shuffle].reset_index(drop=True)
    similarity = pd.DataFrame(values[np.ix_(order, order)], index=[ids[i] for i in order],
                              columns=[ids[i] for i in order])
    return dict(articles=articles, removed=removed, hits=hits, similarity=similarity)


@pytest.fixture(scope="module")
def events():
    tp.use_style()
    return events_corpus()


class TestRemovedByArticle:
    """The boilerplate audit draws the articles that lost text, says what it leaves out where a
    title does not erase it, and sizes its labels so they never touch."""

    def test_only_articles_that_lost_text_and_the_rest_counted_under_the_axis(self, events):
        fig, ax = plt.subplots()
        tp.plot_removed_by_article(events["removed"], events["articles"], ax=ax)
        ax.set_title("A user's own title")
        assert len(tick_texts(ax, "y")) == 13
        assert note_texts(ax) == ["Not shown: 137 articles with nothing removed."]
        plt.close(fig)

    def test_every_reason_has_its_own_colour_and_ids_stand_alone_without_outlets(self, events):
        from toolkit.cleaning import REASONS
        from toolkit.plotting.style import REASON_COLORS

        # Before: the web reasons (web-form, poll-widget, promo...) were all drawn in one grey.
        assert set(REASONS) <= set(REASON_COLORS) and len(set(REASON_COLORS.values())) == len(REASON_COLORS)
        ax = tp.plot_removed_by_article(events["removed"], events["articles"].assign(outlet=None))
        assert not any("(" in label for label in tick_texts(ax, "y"))  # not "(unknown)" on every row
        plt.close("all")

    def test_beyond_n_the_note_counts_the_articles_and_words_left_out(self, events):
        removed = events["removed"]
        ax = tp.plot_removed_by_article(removed, events["articles"], n=10)
        n_words = removed["text"].str.split().str.len().groupby(removed["article_id"]).sum()
        assert len(tick_texts(ax, "y")) == 10
        assert note_texts(ax) == [f"Not shown: 3 more articles that lost text ({n_words.nsmallest(3).sum():,} "
                                  "words); 137 articles with nothing removed."]
        plt.close("all")

    @pytest.mark.parametrize("figsize", [None, (6.4, 4.0), (6.4, 2.0)])
    def test_labels_never_touch(self, large, figsize):
        ax = None if figsize is None else plt.subplots(figsize=figsize)[1]
        ax = tp.plot_removed_by_article(large["removed"], large["articles"], ax=ax)
        shown = len(tick_texts(ax, "y"))
        assert shown >= (5 if figsize == (6.4, 2.0) else 20)
        for dpi in (100, 200):
            assert overlapping(tick_label_boxes(ax, dpi=dpi)) == []
        assert note_texts(ax)[0].startswith(f"Not shown: {500 - shown} more articles that lost text")
        plt.close("all")


class TestDispersionRows:
    """Twenty articles and three terms: rows only where a term occurs, languages only when
    there are several, labels that never touch."""

    def test_rows_only_where_a_term_occurs(self, events):
        hits, articles = events["hits"], events["articles"]
        ax = tp.plot_dispersion(hits, articles)
        labels = tick_texts(ax, "y")
        headings = [t for t in labels if ":" in t]
        assert [h.split(":")[0] for h in headings] == ["obama", "tax", "iran"]
        drawn = {float(y) for c in ax.collections for _, y in c.get_offsets()}
        assert len(drawn) == len(labels) - 3  # every article row has ticks
        # Each heading counts the rows of its block: the rare term has only its own few.
        assert headings[2] == f"iran: {len(labels) - 1 - labels.index(headings[2])} of 20 articles"
        with_hits = hits["article_id"].nunique()
        assert note_texts(ax) == [f"Not shown: {with_hits - 20} more articles with no more hits than those drawn; "
                                  f"{150 - with_hits} articles with none of the terms."]
        plt.close("all")

    def test_the_language_only_when_there_are_several(self, events, articles):
        ax = tp.plot_dispersion(events["hits"], events["articles"])
        assert not any("(en)" in t for t in tick_texts(ax, "y"))
        hits = pd.DataFrame({"article_id": articles["article_id"], "term": "x", "relative_position": 0.5})
        ax = tp.plot_dispersion(hits, articles)
        assert tick_texts(ax, "y")[1:] == [f"{a} ({lang})" for a, lang in
                                           zip(tp.short_ids(articles["article_id"]), articles["language"])]
        plt.close("all")

    @pytest.mark.parametrize("figsize", [None, (6.4, 4.0)])
    def test_labels_never_touch(self, events, figsize):
        ax = None if figsize is None else plt.subplots(figsize=figsize)[1]
        ax = tp.plot_dispersion(events["hits"], events["articles"], ax=ax)
        ax.set_title("A user's own title")
        for dpi in (100, 200):
            assert overlapping(tick_label_boxes(ax, dpi=dpi)) == []
        assert note_texts(ax)[0].startswith("Not shown: ")
        plt.close("all")


class TestSimilarityOrder:
    """150 articles in 50 events: rows matched to articles by id, grouped so that blocks show,
    groups labelled when the articles cannot be, labels that never touch."""

    def test_labels_follow_the_ids_not_the_order_of_articles(self, events):
        similarity, articles = events["similarity"], events["articles"]
        few = similarity.iloc[:6, :6]
        ax = tp.plot_similarity_heatmap(few, articles=articles)
        by_id = dict(zip(articles["article_id"], tp.article_labels(articles)))
        assert tick_texts(ax, "y") == [by_id[a] for a in few.index]  # 6 rows: the given order
        plt.close("all")

    def test_groups_make_blocks_and_are_labelled(self, events):
        similarity, articles = events["similarity"], events["articles"]
        ax = tp.plot_similarity_heatmap(similarity, articles=articles, groups="event_id")
        image = ax.images[0].get_array()
        # Each event's three articles sit together: 50 bright 3×3 blocks on the diagonal.
        assert all(np.asarray(image[3 * k:3 * k + 3, 3 * k:3 * k + 3]).min() >= 0.7 for k in range(50))
        labels = tick_texts(ax, "y")
        assert 25 <= len(labels) <= 50 and set(labels) <= set(tp.short_ids(sorted(set(articles["event_id"]))))
        assert ax.get_xlabel() == "Articles by event_id (50 groups)"
        for axis in "xy":
            assert overlapping(tick_label_boxes(ax, axis)) == []
        plt.close("all")

    def test_few_groups_get_lines_and_their_names(self, events):
        ax = tp.plot_similarity_heatmap(events["similarity"], articles=events["articles"], groups="outlet")
        assert sorted(tick_texts(ax, "y")) == ["FOXNEWS", "HUFFPOST", "NYT"]  # whole names, not cut
        assert len(ax.lines) == 4  # two lines across each way
        plt.close("all")

    def test_without_groups_alike_articles_are_put_together(self, events):
        ax = tp.plot_similarity_heatmap(events["similarity"])
        image = np.asarray(ax.images[0].get_array())
        assert (np.diag(image, 1) >= 0.7).sum() == 100  # each event's articles are neighbours
        assert note_texts(ax)[0].startswith("One article in ")
        for axis in "xy":
            assert overlapping(tick_label_boxes(ax, axis)) == []
        plt.close("all")

    def test_seed_sized_tables_keep_their_order_and_values(self, events):
        few = events["similarity"].iloc[:5, :5]
        ax = tp.plot_similarity_heatmap(few)
        assert tick_texts(ax, "y") == tp.short_ids(few.index)
        assert len(ax.texts) == 25 and note_texts(ax) == []
        plt.close("all")

    def test_groups_must_cover_the_rows(self, events):
        with pytest.raises(ValueError, match="ids have none"):
            tp.plot_similarity_heatmap(events["similarity"], groups=pd.Series({"x": 1}))
        with pytest.raises(ValueError, match="pass `articles`"):
            tp.plot_similarity_heatmap(events["similarity"], groups="event_id")


def test_a_heatmap_names_the_articles_table_that_lacks_an_id():
    similarity = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=["a", "b"], columns=["a", "b"])
    articles = pd.DataFrame({"article_id": ["a"], "outlet": ["X"], "language": ["en"]})
    with pytest.raises(ValueError, match=r"`articles` lacks 1 article_id\(s\) of the similarity table, e.g. 'b'"):
        tp.plot_similarity_heatmap(similarity, articles=articles)
