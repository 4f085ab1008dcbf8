"""The figures the notebooks' prose states about the seeds, recomputed: if a change moves one, the
sentence that quotes it must be rewritten too (notebook 03 on reprints, notebook 04 on agreement)."""

from __future__ import annotations

import pandas as pd

import toolkit as tk
from tests.seed_tables import A000, A003


def test_notebook_03_the_one_near_copy_pair_and_its_passage(articles):
    # "Only 000 and 003 are near copies: they share 336 of their roughly 350 distinct 5-grams (Jaccard 0.94)."
    pairs = tk.find_near_duplicates(articles, threshold=0.5)
    assert len(pairs) == 1
    pair = pairs.iloc[0]
    assert {pair["article_id_a"], pair["article_id_b"]} == {A000, A003}
    assert pair["n_shared"] == 336 and round(pair["jaccard"], 2) == 0.94
    assert all(340 <= pair[column] <= 360 for column in ("n_shingles_a", "n_shingles_b"))
    # "One passage spans all 350 words of 000, 348 of them in identical runs."
    passages = tk.find_reused_passages(articles, A000, A003)
    assert passages[["n_words_a", "n_matched"]].values.tolist() == [[350, 348]]


def test_notebook_04_agreement_between_the_codebook_and_the_example_coding(articles, tokens):
    # "... agree well (alpha 0.85), and perfectly on health and friendship, but less on history
    # (alpha 0.62 ...) and cooperation (0.67 ...)."
    codebook = tk.load_codebook("cooperation-themes")
    frames = tk.score_frames(tokens, codebook, articles=articles)
    person = tk.read_coding_sheet(tk.paths.EXAMPLE_CODING_SHEET, codebook, coder="author")
    machine = tk.code_with_codebook(person, frames.sentence_scores, codebook)
    alpha = tk.measure_agreement(pd.concat([machine, person])).set_index("frame")["krippendorff_alpha"].round(2)
    assert alpha["(all frames)"] == 0.85
    assert alpha["health_biotech"] == alpha["solidarity_friendship"] == 1.0
    assert alpha["history_memory"] == 0.62 and alpha["institutional_cooperation"] == 0.67


def test_notebook_04_policy_frames_by_story(articles, tokens, linked):
    # "security and defense, health and safety and crime and punishment lead in May; in October,
    # external relations ... ties with security. Legality, public opinion and quality of life never fire".
    story_of = {"000": "October: Havana", "001": "October: Havana", "003": "October: Havana",
                "002": "May: Hanoi", "004": "May: Hanoi"}
    articles = articles.assign(story=articles["article_id"].str[:3].map(story_of))
    organisations = linked.mentions[linked.mentions["entity_type"] == "ORG"]
    policy = tk.score_frames(tokens, "policy-frames", articles=articles, ignore=organisations)
    table = tk.summarise_frames(policy.scores, articles, by="story").pivot(
        index="label", columns="story", values="per_1000_words").round(1)
    may, october = table["May: Hanoi"], table["October: Havana"]
    assert may.sort_values(ascending=False, kind="stable").index[:3].tolist() == [
        "Security and defense", "Health and safety", "Crime and punishment"]
    assert october.max() == october["External regulation and reputation"] == october["Security and defense"]
    assert (october.drop(["External regulation and reputation", "Security and defense"]) < october.max()).all()
    never = ["Legality, constitutionality and jurisprudence", "Public opinion", "Quality of life", "Other"]
    assert (table.loc[never] == 0).all().all()


def test_notebook_02_dev_set_figures_are_those_of_benchmarks_accuracy_md():
    # The dev-set figures notebook 02 quotes come from the last `make accuracy`; this check keeps
    # the two in step (the dev data itself is not needed: accuracy.md is in the project).
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    report = (root / "benchmarks" / "accuracy.md").read_text(encoding="utf-8")
    cells = json.loads((root / "notebooks" / "02-entity-extraction.ipynb").read_text(encoding="utf-8"))["cells"]
    section = next("".join(c["source"]) for c in cells if "The same measure on real, unseen news" in "".join(c["source"]))

    def figures(task: str, metric: str, places: int) -> tuple[str, str]:
        """The baseline and toolkit figures of one row, rounded half up as the prose writes them."""
        from decimal import ROUND_HALF_UP, Decimal

        row = next(line for line in report.splitlines() if line.startswith(f"| {task} |") and metric in line)
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        step = Decimal(1).scaleb(-places)
        return tuple(str(Decimal(x).quantize(step, rounding=ROUND_HALF_UP)) for x in (cells[3].rsplit(" ", 1)[-1],
                                                                                       cells[4]))

    for metric, convention in [("coarse, full span", "full span"), ("name component", "name component"),
                               ("CoNLL spans", "CoNLL spans")]:
        raw, toolkit = figures("ner", metric, 3)
        line = next(line for line in section.splitlines() if line.startswith("|") and convention in line)
        assert line.endswith(f"| {raw} | {toolkit} |"), (line, raw, toolkit)
    baseline, toolkit = figures("linking", "B-cubed F1", 2)
    assert f"B-cubed F1 {toolkit} against {baseline}" in section


def test_committed_widget_views_point_into_the_notebooks_widget_state():
    """A widget view in a saved output renders (on GitHub, nbviewer, a reopened notebook) only when its model is in
    the notebook's saved widget state: outputs copied from one run need that run's state too."""
    import json

    from toolkit.paths import ROOT

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        state = notebook["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
        views = [output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
                 for cell in notebook["cells"] for output in cell.get("outputs", [])
                 if "application/vnd.jupyter.widget-view+json" in output.get("data", {})]
        missing = [model for model in views if model not in state.get("state", {})]
        assert not missing, f"{path.name}: widget views without saved state: {missing}"
