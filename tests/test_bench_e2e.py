"""The end-to-end benchmark runs on a small corpus, so it cannot rot (the figures themselves are in make bench)."""

import pytest

from benchmarks import end_to_end


@pytest.mark.slow
def test_end_to_end_runs_every_stage():
    result = end_to_end.measure(500, workers=(2, 10))
    assert set(result["stages"]) == set(end_to_end.STAGES)
    assert result["stages"]["load"]["articles"] == 500
    assert result["stages"]["tokens"]["rows"] > 500 * 100
    for stage in result["stages"].values():
        assert stage["seconds"] > 0 and stage["cpu_seconds"] > 0 and stage["peak_mb"] > 0
    assert result["stages"]["stories"]["articles"] == 500  # every article, not a sample
    assert "extrapolated" not in result["markdown"]
    assert "| **total** |" in result["markdown"] and "N = 10" in result["markdown"]


@pytest.mark.slow
def test_make_bench_writes_the_story_clustering_section():
    # benchmarks/stories_scale.py's figures (quoted in the README) are a section of results.md.
    from benchmarks import run_all

    lines = run_all.story_clustering((500,), 60, None)
    text = "\n".join(lines)
    assert lines[0] == "## Story clustering at scale (the candidates path)"
    assert "| 500 |" in text and "no dev corpora" in text
    assert "articles per CPU second at 500 articles" in text
    assert "ARI ≥ 0.99 between the two paths on every targeted sample" in text
    assert "synthetic fr+en" not in lines[-2]  # the untargeted sample is never the lowest quoted
