"""A Jupyter-first toolkit for analysing news corpora in French and English.

Raw text → tidy tables → figures: ``load_corpus`` gives the ``articles``, ``removed`` and
``problems`` tables; the other functions take and return pandas DataFrames with documented columns
(the contracts are in :mod:`toolkit.schema`). Engines (spaCy, and stanza where its models
are installed) load lazily, on first use. ``__all__`` below lists the public names by stage, in the order of the notebooks;
``docs/architecture.md`` says which module owns what.
"""

import importlib as _importlib

from toolkit import paths

# Public name → the module defining it: imported on first use (PEP 562 module __getattr__), so `import toolkit`
# (and a worker process of load_corpus) does not import matplotlib, the comparison, NLP or framing code until
# a name from them is used. `tk.name`, `from toolkit import name` and `from toolkit import *` work as before.
_LAZY_MODULES = {
    "toolkit.compare": (
        "align_sentences", "article_similarity", "cluster_stories", "compare_versions", "find_near_duplicates",
        "find_reused_passages", "split_sentences", "story_attention"
    ),
    "toolkit.corpus": (
        "Corpus", "CorpusError", "CorpusWarning", "detect_language", "load_corpus", "load_outlets", "parse_date"
    ),
    "toolkit.display": ("highlight_entities", "render_differences"),
    "toolkit.entities": ("Linked", "cooccurrence_graph", "cooccurrences", "count_entities", "link_entities"),
    "toolkit.evaluation": ("evaluate_ner", "ner_errors", "read_conll"),
    "toolkit.framing": (
        "CodebookError", "Frames", "FramingWarning", "keyness", "list_codebooks", "load_codebook", "mark_evidence",
        "score_frames", "summarise_frames"
    ),
    "toolkit.framing.agency": ("extract_agency", "summarise_agency"),
    "toolkit.framing.coding": (
        "code_with_codebook", "cohen_kappa", "krippendorff_alpha", "measure_agreement", "read_coding_sheet",
        "sample_for_coding"
    ),
    "toolkit.framing.learn": ("FrameModel", "load_frame_model", "save_frame_model", "train_frames"),
    "toolkit.framing.quotes": ("extract_quotes", "find_roles", "load_cues"),
    "toolkit.framing.validation": ("apply_rules", "calibrate_codebook", "evaluate_frames"),
    "toolkit.nlp.annotate": ("DASK_WORKER_CONFIG", "Annotation", "annotate", "describe_engines", "load_gazetteer"),
    "toolkit.nlp.tables": ("ModelNotInstalledError",),
    "toolkit.paths": ("GOLD", "ROOT", "SEEDS", "folders", "set_folders"),
    "toolkit.plotting": (
        "SOURCE_COLORS", "article_labels", "plot_agency", "plot_alignment", "plot_cooccurrence_network",
        "plot_dispersion", "plot_frame_heatmap", "plot_keyness", "plot_ner_scores", "plot_removed_by_article",
        "plot_similarity_heatmap", "plot_story_attention", "plot_top_entities", "plot_top_terms", "save_figure",
        "use_style"
    ),
    "toolkit.schema": (
        "ARTICLE_COLUMNS", "ENTITY_COLUMNS", "ENTITY_TYPES", "MENTION_COLUMNS", "PROBLEM_COLUMNS", "REMOVED_COLUMNS",
        "SENTENCE_COLUMNS", "TOKEN_COLUMNS"
    ),
    "toolkit.similarity": ("document_similarity",),
    "toolkit.textstats": (
        "article_summary", "collocations", "corpus_summary", "dispersion", "keyword_in_context", "summarise_corpus",
        "term_frequencies"
    ),
}
_LAZY = {name: module for module, names in _LAZY_MODULES.items() for name in names}
# The submodules `import toolkit` used to import (and so set as attributes): imported on first use too.
_SUBMODULES = frozenset({"_checks", "cleaning", "compare", "corpus", "display", "entities", "evaluation", "framing",
                         "nlp", "paths", "plotting", "schema", "similarity", "stats", "text", "textstats"})

__version__ = "0.2.0"

__all__ = [
    # Folders and table contracts
    "paths", "ROOT", "SEEDS", "GOLD", "FIGURES", "folders", "set_folders",
    "ARTICLE_COLUMNS", "REMOVED_COLUMNS", "PROBLEM_COLUMNS", "SENTENCE_COLUMNS", "TOKEN_COLUMNS",
    "MENTION_COLUMNS", "ENTITY_COLUMNS", "ENTITY_TYPES",
    # 1. Loading and cleaning (notebook 01)
    "load_corpus", "load_outlets", "parse_date", "detect_language", "Corpus", "CorpusError", "CorpusWarning",
    # 1. Describing the corpus (notebook 01)
    "summarise_corpus", "article_summary", "corpus_summary", "term_frequencies", "keyword_in_context",
    "dispersion", "collocations", "document_similarity",
    # 2. Annotation, entities and their evaluation (notebook 02)
    "annotate", "describe_engines", "load_gazetteer", "Annotation", "DASK_WORKER_CONFIG", "ModelNotInstalledError",
    "link_entities", "Linked", "count_entities", "cooccurrences", "cooccurrence_graph", "highlight_entities",
    "read_conll", "evaluate_ner", "ner_errors",
    # 3. Cross-source comparison (notebook 03)
    "find_near_duplicates", "find_reused_passages", "article_similarity", "cluster_stories", "story_attention",
    "split_sentences", "align_sentences", "compare_versions", "render_differences",
    # 4. Framing, quotations, agency and human coding (notebook 04)
    "list_codebooks", "load_codebook", "score_frames", "summarise_frames", "mark_evidence", "keyness",
    "Frames", "CodebookError", "FramingWarning",
    "extract_quotes", "find_roles", "load_cues", "extract_agency", "summarise_agency",
    "sample_for_coding", "read_coding_sheet", "code_with_codebook", "cohen_kappa", "krippendorff_alpha",
    "measure_agreement",
    "evaluate_frames", "calibrate_codebook", "apply_rules", "train_frames", "FrameModel", "save_frame_model",
    "load_frame_model",
    # Figures
    "use_style", "save_figure", "article_labels", "SOURCE_COLORS",
    "plot_top_terms", "plot_dispersion", "plot_similarity_heatmap", "plot_removed_by_article",
    "plot_top_entities", "plot_cooccurrence_network", "plot_ner_scores",
    "plot_alignment", "plot_story_attention", "plot_frame_heatmap", "plot_keyness", "plot_agency",
]


def __getattr__(name: str):
    # tk.FIGURES is the user's figures folder of the moment (see toolkit.paths.folders).
    if name == "FIGURES":
        return paths.folders().figures
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(_importlib.import_module(module), name)
        globals()[name] = value  # looked up once
        return value
    if name in _SUBMODULES:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)
