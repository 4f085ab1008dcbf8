"""Draw tidy tables as figures in one house style, and save them under stable names (tables → figures/).

One signature rule for every plot: ``ax=`` is one matplotlib Axes to draw on (a new figure
when None), and the plot returns it; plots of small multiples (one panel per group) take
``axes=``, a sequence of Axes with one per panel, and return them as an array.

Modules: :mod:`~toolkit.plotting.style` (rcParams, colours, labels, saving),
:mod:`~toolkit.plotting.corpus` (notebook 01), :mod:`~toolkit.plotting.entities`
(notebook 02), :mod:`~toolkit.plotting.compare` (notebook 03) and
:mod:`~toolkit.plotting.framing` (notebook 04).
"""

from toolkit.plotting.compare import plot_alignment, plot_story_attention
from toolkit.plotting.corpus import plot_dispersion, plot_removed_by_article, plot_similarity_heatmap, plot_top_terms
from toolkit.plotting.entities import plot_cooccurrence_network, plot_ner_scores, plot_top_entities
from toolkit.plotting.framing import plot_agency, plot_frame_heatmap, plot_keyness
from toolkit.plotting.style import (
    ENTITY_TYPE_COLORS,
    MAX_FIGSIZE,
    MAX_PANELS,
    OKABE_ITO,
    OTHER_COLOR,
    REASON_COLORS,
    SOURCE_COLORS,
    STATUS_COLORS,
    STYLE,
    article_labels,
    capped_figsize,
    new_axes,
    panel_axes,
    save_figure,
    short_ids,
    source_color,
    use_style,
)

__all__ = [
    "ENTITY_TYPE_COLORS", "MAX_FIGSIZE", "MAX_PANELS", "OKABE_ITO", "OTHER_COLOR", "REASON_COLORS", "SOURCE_COLORS",
    "STATUS_COLORS", "STYLE",
    "article_labels", "capped_figsize", "new_axes", "panel_axes", "plot_agency", "plot_alignment",
    "plot_cooccurrence_network", "plot_dispersion", "plot_frame_heatmap", "plot_keyness", "plot_ner_scores",
    "plot_removed_by_article", "plot_similarity_heatmap", "plot_story_attention", "plot_top_entities",
    "plot_top_terms", "save_figure", "short_ids", "source_color", "use_style",
]
