"""Tests for toolkit.plotting: the house style, stable figure files, and plot functions on seed tables."""

from __future__ import annotations

import hashlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

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

    def test_rejects_unstable_names(self, tmp_path):
        fig, _ = plt.subplots()
        with pytest.raises(ValueError, match="NN-kebab-slug"):
            tp.save_figure(fig, "My Figure", figures_dir=tmp_path)
        plt.close(fig)


def test_source_colors_are_stable():
    assert tp.source_color("VNA") == tp.SOURCE_COLORS["VNA"]
    assert tp.source_color(pd.NA) == tp.OTHER_COLOR
    assert tp.source_color("NEWOUTLET") == tp.source_color("NEWOUTLET")


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
    plt.close(ax.figure)


def test_plot_dispersion(articles):
    hits = pd.DataFrame({"article_id": [articles["article_id"].iloc[0]] * 2, "term": ["x", "y"],
                         "relative_position": [0.1, 0.9]})
    ax = tp.plot_dispersion(hits, articles)
    assert len(ax.get_yticklabels()) == 2 * len(articles)
    plt.close(ax.figure)


def test_article_labels(articles):
    labels = tp.article_labels(articles)
    assert labels[0] == "000 unknown (fr)" and labels[3] == "003 VNA (fr)"
