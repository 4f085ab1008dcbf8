"""A Jupyter-first toolkit for analysing news corpora in French and English.

Raw text → tidy tables → figures: ``load_corpus`` gives the ``articles`` and ``removed``
tables; the other functions take and return pandas DataFrames with documented columns.
Engines (stanza, spaCy) load lazily, on first use.
"""

from toolkit.corpus import (
    ARTICLE_COLUMNS,
    PROBLEM_COLUMNS,
    REMOVED_COLUMNS,
    Corpus,
    CorpusError,
    CorpusWarning,
    detect_language,
    load_corpus,
    load_outlets,
    parse_date,
)
from toolkit.display import highlight_entities
from toolkit.entities import (
    ENTITY_COLUMNS,
    Linked,
    cooccurrence_graph,
    cooccurrences,
    count_entities,
    link_entities,
)
from toolkit.evaluation import evaluate_ner, ner_errors, read_conll
from toolkit.nlp.annotate import DASK_WORKER_CONFIG, Annotation, annotate, describe_engines, load_gazetteer
from toolkit.nlp.tables import ENTITY_TYPES, MENTION_COLUMNS, SENTENCE_COLUMNS, TOKEN_COLUMNS, ModelNotInstalledError
from toolkit.paths import FIGURES, GOLD, ROOT, SEEDS
from toolkit.plotting import (
    SOURCE_COLORS,
    article_labels,
    plot_cooccurrence_network,
    plot_top_entities,
    plot_dispersion,
    plot_ner_scores,
    plot_removed_by_article,
    plot_similarity_heatmap,
    plot_top_terms,
    save_figure,
    use_style,
)
from toolkit.textstats import (
    collocations,
    corpus_summary,
    dispersion,
    document_similarity,
    keyword_in_context,
    summarise_corpus,
    term_frequencies,
)

__version__ = "0.1.0"

# Framing (notebook 04): codebooks, frame scores with evidence, keyness, quotations, agency, human coding.
from toolkit.agency import extract_agency, summarise_agency  # noqa: E402
from toolkit.coding import (  # noqa: E402
    code_with_codebook,
    cohen_kappa,
    krippendorff_alpha,
    measure_agreement,
    read_coding_sheet,
    sample_for_coding,
)
from toolkit.framing import (  # noqa: E402
    CodebookError,
    Frames,
    FramingWarning,
    keyness,
    list_codebooks,
    load_codebook,
    mark_evidence,
    score_frames,
    summarise_frames,
)
from toolkit.plotting import plot_agency, plot_frame_heatmap, plot_keyness  # noqa: E402
from toolkit.quotes import extract_quotes, find_roles, load_cues  # noqa: E402

# Cross-source comparison (notebook 03): near-duplicates, reused passages, stories, alignment, differences.
from toolkit.compare import (  # noqa: E402
    align_sentences,
    article_similarity,
    cluster_stories,
    compare_versions,
    find_near_duplicates,
    find_reused_passages,
    render_differences,
    split_sentences,
    story_attention,
)
from toolkit.plotting import plot_alignment, plot_story_attention  # noqa: E402
