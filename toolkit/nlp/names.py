"""Names on top of any engine: the gazetteer (names the models miss or mislabel), span repair and name propagation.

All run on the ``mentions`` table that :func:`toolkit.annotate` assembles from an engine's
output. The gazetteer and propagation add rows with their own ``source`` (``"gazetteer"``,
``"propagation"``); :func:`repair_spans` cuts an engine span that joins several names into
one row per name (keeping the row's ``source``); ``annotate`` then numbers the mentions and
sets their sentences.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.corpus.reading import read_csv_rows
from toolkit.paths import DATA
from toolkit.schema import MENTION_COLUMNS, require_columns
from toolkit.text import fold, folded_words, load_stopwords

# ---------------------------------------------------------------- gazetteer

GAZETTEER_COLUMNS = ["pattern", "entity_type", "language", "note"]


def load_gazetteer(path: str | Path | None = None) -> pd.DataFrame:
    """Read a gazetteer: names the models miss or mislabel, applied on top of any engine.

    The file is a CSV with columns ``pattern`` (the name as written; matched case-sensitively
    on word boundaries), ``entity_type`` (PER, ORG, LOC, MISC, or ``-`` for "not an entity":
    an engine mention exactly equal to the pattern is dropped), ``language`` (empty for all)
    and ``note``. ``#`` lines are comments.

    Raises:
        ValueError: a row has an unknown entity_type or an empty pattern (names file and line).
    """
    path = Path(path) if path else DATA / "gazetteer.csv"
    gazetteer = read_csv_rows(path, what="gazetteer", columns=GAZETTEER_COLUMNS)
    lines = gazetteer.pop("_line").tolist()
    missing = [c for c in ("pattern", "entity_type") if c not in gazetteer.columns]
    if missing:
        raise ValueError(f"{path}: gazetteer lacks column(s) {missing}")
    gazetteer = gazetteer.reindex(columns=GAZETTEER_COLUMNS, fill_value="")
    for i, row in enumerate(gazetteer.itertuples(index=False)):
        if not row.pattern.strip() or row.entity_type not in ("PER", "ORG", "LOC", "MISC", "-"):
            raise ValueError(f"{path}:{lines[i]}: gazetteer entry needs a pattern and an entity_type in "
                             f"PER, ORG, LOC, MISC or -, got {row.pattern!r}, {row.entity_type!r}")
    return gazetteer


def apply_gazetteer(mentions: pd.DataFrame, articles: pd.DataFrame, gazetteer: pd.DataFrame) -> pd.DataFrame:
    """Add gazetteer matches as mentions (``source="gazetteer"``), dropping engine mentions they overlap.

    A match inside a longer engine mention of the same type is left alone ("Lázaro Alberto
    Álvarez Casas" already covers "Álvarez Casas"). Entries typed ``-`` drop engine mentions
    whose text equals the pattern (e.g. "Lundi" as PER).
    """
    require_columns(mentions, MENTION_COLUMNS, name="mentions")
    if gazetteer.empty or articles.empty:
        return mentions
    patterns = _gazetteer_patterns(gazetteer)
    by_article = mentions.groupby("article_id", sort=False).indices
    starts, ends = mentions["start_char"].to_numpy(), mentions["end_char"].to_numpy()
    types, texts = mentions["entity_type"].to_numpy(dtype=object), mentions["text"].to_numpy(dtype=object)
    engines, models = mentions["engine"].to_numpy(dtype=object), mentions["model"].to_numpy(dtype=object)
    drop: set[int] = set()
    added = []
    for article_id, language, text in zip(articles["article_id"], articles["language"], articles["text"]):
        regex, kinds, not_entities = patterns.get(language if isinstance(language, str) else "", patterns[""])
        rows = by_article.get(article_id, np.array([], dtype=int))
        drop.update(int(i) for i in rows if texts[i] in not_entities)
        if regex is None:
            continue
        for m in regex.finditer(text):
            kind = kinds[m.group(0)]
            hit = rows[(starts[rows] < m.end()) & (ends[rows] > m.start())]
            if any(types[i] == kind and starts[i] <= m.start() and ends[i] >= m.end() for i in hit):
                continue
            drop.update(int(i) for i in hit)
            engine, model = (engines[rows[0]], models[rows[0]]) if len(rows) else (pd.NA, pd.NA)
            added.append({"article_id": article_id, "sentence_id": -1, "mention_id": -1, "start_char": m.start(),
                          "end_char": m.end(), "text": m.group(0), "label": kind, "entity_type": kind,
                          "engine": engine, "model": model, "source": "gazetteer"})
    kept = mentions.drop(index=mentions.index[sorted(drop)])
    return _concat_mentions(kept, added)


def _gazetteer_patterns(gazetteer: pd.DataFrame) -> dict[str, tuple]:
    """Per language ("" = any language): one regex of all names (longest first), their types, and the non-entities."""
    compiled = {}
    languages = {""} | set(gazetteer["language"])
    for language in languages:
        entries = gazetteer[(gazetteer["language"] == "") | (gazetteer["language"] == language)]
        names = entries[entries["entity_type"] != "-"]
        kinds = dict(zip(names["pattern"], names["entity_type"]))
        alternatives = "|".join(re.escape(p) for p in sorted(kinds, key=len, reverse=True))
        regex = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if kinds else None
        compiled[language] = (regex, kinds, frozenset(entries.loc[entries["entity_type"] == "-", "pattern"]))
    return compiled


def _concat_mentions(mentions: pd.DataFrame, added: list[dict]) -> pd.DataFrame:
    if not added:
        return mentions
    new = pd.DataFrame(added, columns=MENTION_COLUMNS).astype(mentions.dtypes.to_dict())
    return pd.concat([mentions, new], ignore_index=True)


# ---------------------------------------------------------------- name propagation

#: ``toolkit.text.fold`` remembered per word: propagation folds every capitalised token.
_fold_word = functools.lru_cache(maxsize=65536)(fold)


def propagate_names(mentions: pd.DataFrame, tokens: pd.DataFrame, articles: pd.DataFrame, *,
                    repair: bool = True) -> pd.DataFrame:
    """Tag later short forms of a person's name in the same article ("one sense per discourse").

    Once an article names "Trần Quốc Tỏ", a later capitalised "To" (folded: "to") that no
    engine tagged is the same person: news writing introduces a name in full, then shortens
    it. Every contiguous part of a PER name of two or more words is a candidate, when it
    belongs to only one full name in the article and overlaps no other mention. A one-word
    candidate that is also a stopword of the article's language ("To" in English) must be
    followed by an inflected verb ("To expressed"), not an infinitive ("To strengthen ...").
    New rows have ``source="propagation"``.

    First, :func:`propagate_corpus_names` tags the untagged occurrences of names the engine
    tagged elsewhere in the corpus. With ``repair`` (as :func:`repair_spans` does for the
    engine's), the new mentions are then grown by :func:`_joined_propagated`; False leaves
    them as found.
    """
    mentions = propagate_corpus_names(mentions, tokens, articles)
    finish = _joined_propagated if repair else (lambda found, _: found)
    persons = mentions[mentions["entity_type"] == "PER"]
    if persons.empty:
        return finish(mentions, articles)
    language_of = dict(zip(articles["article_id"], articles["language"]))
    text_of = dict(zip(articles["article_id"], articles["text"]))
    token_rows = tokens.groupby("article_id", sort=False).indices
    mention_rows = mentions.groupby("article_id", sort=False).indices
    all_spans = list(zip(mentions["start_char"].to_numpy(), mentions["end_char"].to_numpy()))
    first = mentions.drop_duplicates("article_id")
    engine_of = dict(zip(first["article_id"], zip(first["engine"], first["model"])))
    person_text = persons["text"].to_numpy(dtype=object)
    columns = _TokenColumns(tokens)
    added = []
    for article_id, own in persons.groupby("article_id", sort=False).indices.items():
        candidates = _short_forms(person_text[own])
        rows = token_rows.get(article_id)
        if not candidates or rows is None:
            continue
        spans = [all_spans[i] for i in mention_rows[article_id]]
        engine, model = engine_of[article_id]
        for start, end in _find_short_forms(candidates, rows, columns, spans, load_stopwords(language_of.get(article_id))):
            added.append({"article_id": article_id, "sentence_id": -1, "mention_id": -1, "start_char": start,
                          "end_char": end, "text": text_of[article_id][start:end], "label": "PER",
                          "entity_type": "PER", "engine": engine, "model": model, "source": "propagation"})
    return finish(_concat_mentions(mentions, added), articles)


def _joined_propagated(mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Propagated mentions grown as :func:`repair_spans` grows the engine's: by the parts of their
    name written with spaced hyphens (:func:`_hyphen_joined`: "Russie" spread into "la Grande -
    Russie" is "Grande - Russie"), a place by its regional adjective ("Europe occidentale"), a
    company's name by its legal form ("Dow Chemical Co")."""
    propagated = np.flatnonzero((mentions["source"] == "propagation").to_numpy(dtype=bool))
    if not len(propagated):
        return mentions
    text_of = dict(zip(articles["article_id"], articles["text"]))
    hyphenated = _hyphenated_languages(articles)
    alone = {folded_words(str(t)) for t in mentions["text"] if isinstance(t, str)}
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for article_id, start, end in zip(mentions["article_id"], mentions["start_char"], mentions["end_char"]):
        if not pd.isna(start):
            taken[article_id].append((int(start), int(end)))
    mentions = mentions.copy()
    columns = [mentions.columns.get_loc(c) for c in ("start_char", "end_char", "text")]
    kind, label = mentions.columns.get_loc("entity_type"), mentions.columns.get_loc("label")
    for i in propagated:
        article_id, start, end = mentions.iat[i, mentions.columns.get_loc("article_id")], \
            int(mentions.iat[i, columns[0]]), int(mentions.iat[i, columns[1]])
        article = text_of.get(article_id)
        if article is None:
            continue
        a, b = _hyphen_joined(article, start, end, taken[article_id], alone, (start, end)) \
            if hyphenated.get(article_id, False) else (start, end)
        following = _NEXT_WORD.match(article, b) if mentions.iat[i, kind] == "LOC" else None
        if following and following.group(1) in REGIONAL_ADJECTIVES and \
                not any(s < following.end() and b < e for s, e in taken[article_id]):
            b = following.end()
        designator = _designator(article, b, mentions.iat[i, kind], taken[article_id])
        if designator:
            b = designator.end()
            mentions.iat[i, kind] = mentions.iat[i, label] = "ORG"
        if (a, b) != (start, end):
            mentions.iat[i, columns[0]], mentions.iat[i, columns[1]], mentions.iat[i, columns[2]] = a, b, article[a:b]
            taken[article_id].append((a, b))   # the next mentions grow around this one, never into it
    return mentions


def _short_forms(person_texts) -> set[tuple[str, ...]]:
    """The folded parts of an article's full person names that can stand for one of them alone.

    Every contiguous part of a name of two or more words, when it belongs to only one full
    name and is not itself a full name.
    """
    names = {folded_words(text) for text in person_texts}
    names = {n for n in names if len(n) >= 2}
    owners: dict[tuple[str, ...], set] = defaultdict(set)
    for name in names:
        for i in range(len(name)):
            for j in range(i + 1, len(name) + 1):
                if (i, j) != (0, len(name)):
                    owners[name[i:j]].add(name)
    return {part for part, full in owners.items() if len(full) == 1 and part not in names}


class _TokenColumns:
    """The ``tokens`` columns propagation reads, as arrays (read once per call)."""

    def __init__(self, tokens: pd.DataFrame):
        self.text = tokens["text"].to_numpy(dtype=object)
        self.upos = tokens["upos"].to_numpy(dtype=object)
        self.lemma = tokens["lemma"].to_numpy(dtype=object)
        self.start = tokens["start_char"].to_numpy()
        self.end = tokens["end_char"].to_numpy()


def _find_short_forms(candidates: set[tuple[str, ...]], rows: np.ndarray, columns: _TokenColumns,
                      spans: list[tuple[int, int]], stopwords: frozenset[str]) -> list[tuple[int, int]]:
    """``(start_char, end_char)`` of each untagged, capitalised run of an article's tokens that is a candidate.

    The longest candidate wins at each token; ``spans`` (the article's mentions) grows with
    every match, so matches never overlap a mention or each other.
    """
    words = [columns.text[i] for i in rows]
    folded = [_fold_word(w) if w[:1].isupper() else "" for w in words]  # candidates are capitalised
    longest = max(map(len, candidates))
    found = []
    k = 0
    while k < len(words):
        if not folded[k]:  # most words are lower-case, and every candidate starts with a capital
            k += 1
            continue
        for size in range(min(longest, len(words) - k), 0, -1):
            part = tuple(folded[k:k + size])
            if part not in candidates or not all(w[:1].isupper() for w in words[k:k + size]):
                continue
            start, end = int(columns.start[rows[k]]), int(columns.end[rows[k + size - 1]])
            if any(a < end and b > start for a, b in spans):
                continue
            if size == 1 and part[0] in stopwords:
                nxt = rows[k + 1] if k + 1 < len(rows) else None
                if nxt is None or columns.upos[nxt] not in ("VERB", "AUX") or \
                        str(columns.text[nxt]).lower() == str(columns.lemma[nxt]).lower():
                    continue
            found.append((start, end))
            spans.append((start, end))
            k += size - 1
            break
        k += 1
    return found


#: :func:`propagate_corpus_names`: the share of a name's capitalised occurrences the engine
#: must have tagged before its other occurrences are tagged too, and how many tags it needs
#: (a one-word name needs more, so "Monday" tagged once is not spread).
MIN_TAGGED_SHARE = 0.5
MIN_TAGGED = {1: 2, 2: 1}
#: The types propagate_corpus_names spreads (MISC is the engines' catch-all: not evidence).
_PROPAGATED_TYPES = ("PER", "ORG", "LOC")


def propagate_corpus_names(mentions: pd.DataFrame, tokens: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Tag the untagged occurrences of names the engine tagged elsewhere in the corpus.

    News repeats names, and an engine that tags "Hagenbeck" or "Bosnian Serb Army" in one
    sentence often misses it in another. A name (the exact words of a PER, ORG or LOC
    mention, all capitalised) is spread to its other occurrences, as whole tokens that no
    mention overlaps, with the type most of its mentions have, when the engine tagged at
    least half of its occurrences in the corpus (:data:`MIN_TAGGED_SHARE`) and at least
    twice for a one-word name (:data:`MIN_TAGGED`). New rows have ``source="propagation"``.
    """
    names = mentions[mentions["entity_type"].isin(_PROPAGATED_TYPES)]
    if names.empty or tokens.empty:
        return mentions
    words = tokens["text"].to_numpy(dtype=object)
    starts, ends = tokens["start_char"].to_numpy(), tokens["end_char"].to_numpy()
    token_rows = tokens.groupby("article_id", sort=False).indices
    mention_rows = mentions.groupby("article_id", sort=False).indices
    m_starts, m_ends = mentions["start_char"].to_numpy(), mentions["end_char"].to_numpy()
    # The words of every tagged name, read off the tokens it covers.
    types_of: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    n_starts, n_ends = names["start_char"].to_numpy(), names["end_char"].to_numpy()
    n_types = names["entity_type"].to_numpy(dtype=object)
    for article_id, own in names.groupby("article_id", sort=False).indices.items():
        rows = token_rows.get(article_id)
        if rows is None:
            continue
        t_starts = starts[rows]
        for i in own:
            first, last = np.searchsorted(t_starts, n_starts[i]), np.searchsorted(t_starts, n_ends[i])
            covered = tuple(words[rows[first:last]])
            if covered and len(covered) <= 6 and all(str(w)[:1].isupper() for w in covered):
                types_of[covered][n_types[i]] += 1
    if not types_of:
        return mentions
    longest = max(map(len, types_of))
    # Every capitalised occurrence of a name: tagged (overlapping a mention) or not.
    seen: Counter = Counter()
    free: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
    for article_id, rows in token_rows.items():
        spans = sorted(zip(m_starts[mention_rows[article_id]], m_ends[mention_rows[article_id]])) \
            if article_id in mention_rows else []
        k = 0
        while k < len(rows):
            if not str(words[rows[k]])[:1].isupper():
                k += 1
                continue
            for size in range(min(longest, len(rows) - k), 0, -1):
                key = tuple(words[rows[k:k + size]])
                if key not in types_of:
                    continue
                start, end = int(starts[rows[k]]), int(ends[rows[k + size - 1]])
                seen[key] += 1
                if not any(a < end and b > start for a, b in spans):
                    free[key].append((article_id, start, end))
                k += size - 1
                break
            k += 1
    first = mentions.drop_duplicates("article_id")
    engine_of = dict(zip(first["article_id"], zip(first["engine"], first["model"])))
    text_of = dict(zip(articles["article_id"], articles["text"]))
    added = []
    for key, places in free.items():
        counts = types_of[key]
        tagged = sum(counts.values())
        if tagged < MIN_TAGGED[min(len(key), 2)] or tagged < MIN_TAGGED_SHARE * seen[key]:
            continue
        entity_type = min(counts, key=lambda t: (-counts[t], _PROPAGATED_TYPES.index(t)))
        for article_id, start, end in places:
            engine, model = engine_of.get(article_id, (pd.NA, pd.NA))
            added.append({"article_id": article_id, "sentence_id": -1, "mention_id": -1, "start_char": start,
                          "end_char": end, "text": text_of[article_id][start:end], "label": entity_type,
                          "entity_type": entity_type, "engine": engine, "model": model, "source": "propagation"})
    return _concat_mentions(mentions, added)


# ---------------------------------------------------------------- span repair

#: Separators that join two names in one engine span: "France - Brésil", "Trump and Mattis",
#: "Sando & Kimito". A line break always separates (a headline is not the next line's name).
_JOINERS = re.compile(r"\s+(?:[-–—&]|et|and|und)\s+")
#: A preposition opening the second part of a coordination ("& de l'Afie", "et d'Italie"): in
#: lower case only ("De Gaulle" writes a name's particle with its capital).
_COMPLEMENT = re.compile(r"(?:de|du|des|d\s*['’]|à|au|aux|en)\b\s*['’]?\s*\S")
#: Leading articles and prepositions a part may start with ("de l'Afie"): not part of the name.
_PART_LEAD = re.compile(r"^(?:(?:de|du|des|d\s*['’]|la|le|les|l\s*['’]|the|of)\s+|(?:d|l)\s*['’]\s*)+",
                        re.IGNORECASE)
#: The same, in lower case only: what a coordinated complement loses ("de l'Afie" → "Afie").
_PART_LEAD_LOWER = re.compile(_PART_LEAD.pattern)
#: A particle opening a person's name ("de Gaulle", "van Gogh", "d'Estaing"): part of the name.
_PERSON_PARTICLE = re.compile(r"(?:de|du|des|d\s*['’]|van|von|der|den|di|da|del|della|le|la|al|el|ibn|bin|ben)"
                              r"(?:\s+|(?<=['’])\s*)(?=[A-ZÀ-ÖØ-Þ])")
#: Regional adjectives that belong to the place name before them ("Suisse romande", "Europe
#: occidentale", "Asie centrale"): French writes them in lower case, so engines stop before them.
REGIONAL_ADJECTIVES = frozenset("""
romand romande romands romandes alémanique alemanique alémaniques alemaniques
oriental orientale orientaux orientales occidental occidentale occidentaux occidentales
septentrional septentrionale septentrionaux septentrionales méridional méridionale méridionaux méridionales
meridional meridionale meridionaux meridionales central centrale centraux centrales
""".split())
_NEXT_WORD = re.compile(r" ([^\W\d_]+)")
#: Characters no name is spelled with: OCR noise and markup ("Journal > de Paris", "Evêqûbz {
#: Sion"). A mention is cut at them; a part that then opens with a lower-case "de"/"la"... loses it.
_NOT_IN_NAMES = "<>{}|"
#: A civility inside a person's mention starts another person ("Courrèges Mademoiselle Chanel",
#: "Dupont Mme Martin"): names in a list that the engine ran together.
_CIVILITY = re.compile(r"\s(?=(?:Monsieur|Madame|Mademoiselle|Mme|Mlle|Mr|Mrs|Ms|Dr)\b\s*\.?\s*[A-ZÀ-ÖØ-Þ])")


#: A word no name runs across: a finite verb or a clitic of a clause ("le Conseil national
#: va - t - il", "la Société générale est"), in lower case. "est" after an apostrophe is a
#: direction ("l'est"); "a", "y", "il" are left out (names in other languages spell them).
_CLAUSE_WORD = re.compile(r"(?<!['’])(?<!['’] )\s+(?:est|sont|était|étaient|sera|seront|serait|seraient|"
                          r"fut|furent|ont|avait|avaient|aura|auront|aurait|auraient|eut|va|vont|allait|ira|iront|"
                          r"fait|font|peut|peuvent|pourrait|doit|doivent|devait|ne|n['’]|se|s['’]|qui|"
                          r"is|are|was|were|has|have|had|will|would|said|says)(?=\s|['’]|$)")
#: Words that open a clause, not a name: a conjunction written as a sentence's first word
#: ("Et le Conseil national"), then a lower-case article; both are cut from a mention's start
#: when a sentence starts there (:func:`_sentence_starts`) and two words or more follow the
#: conjunction in the mention. Case matters: "Car Free Day", "Or Yehuda" inside a sentence are
#: names; a sentence's "Or Yehuda" is left whole (so is "Et Genève": the price of that rule).
_CLAUSE_LEAD = re.compile(r"(?:Et|Mais|Or|Donc|Puis|Car|Ni|And|But)\s+(?:(?:et|mais|or|donc|puis|ni|and|but)\s+)*"
                          r"(?:(?:la|le|les|the)\s+|l\s*['’]\s*)?(?=[A-ZÀ-ÖØ-Þ])")
#: A word in capitals of a heading (2 letters or more, no period): "LE FAIT DU JOUR".
_HEADING_WORD = re.compile(r"[^\W\d_a-zß-öø-ÿ]{2,}")
#: Lower-case words linking the parts of a compound name written with hyphens ("La Chaux-de-Fonds",
#: "Rio-de-Janeiro", "Châlons-sur-Marne"), which OCR and tokenisers space out ("Chaux - de - Fonds").
_COMPOUND_LINK = r"(?:(?:de|du|des|la|le|les|lès|en|sur|sous|au|aux|et)[ \t]*-[ \t]*)*"
#: A capitalised word joined to a mention's end by a hyphen ("Etats" + "- Unis", "La Chaux" + "- de - Fonds").
_HYPHEN_AFTER = re.compile(r"[ \t]*-[ \t]*(" + _COMPOUND_LINK + r")([A-ZÀ-ÖØ-Þ][^\W\d_]+)(?![\w])")
#: A capitalised word joined to a mention's start by a hyphen ("Grande -" + "Russie", "Mac -" + "Mahon").
_HYPHEN_BEFORE = re.compile(r"(?<![\w])([A-ZÀ-ÖØ-Þ][^\W\d_]+)[ \t]*-[ \t]*(" + _COMPOUND_LINK + r")$")


@functools.cache
def _function_words() -> frozenset[str]:
    """French and English stopwords, folded: words that open a sentence, never the half of a hyphenated name."""
    return frozenset(fold(w) for w in load_stopwords("fr") | load_stopwords("en"))


#: A company's legal form after its name, which engines often leave out ("Continental Illinois"
#: + "Corporation", "Dow Chemical" + "Co"): part of the name, and the name is an organisation's.
_DESIGNATOR = re.compile(r"[ \t]+(Corporation|Corp|Incorporated|Inc|Limited|Ltd|plc|PLC|GmbH|AG|SA|NV|LLC|Co)"
                         r"(?:\.(?=[ \t]*[,;:)]|[ \t]*$|[ \t]+[a-z]))?(?![\w&'’])")
#: Legal forms that are also a region's code after a place: a US state ("Las Vegas NV"), an
#: Australian state ("Adelaide SA"), a Swiss canton ("Baden AG"), an Irish county ("Lisburn
#: Co Antrim"). After a place's mention they are the place's region, not a company's form.
_PLACE_CODES = frozenset({"AG", "SA", "NV", "Co"})
#: A capitalised word after "Co" that is not another legal form: a county's name ("Co Antrim", "Co. Down").
_COUNTY_AFTER = re.compile(r"\.?[ \t]+(?!(?:Corporation|Corp|Incorporated|Inc|Limited|Ltd|plc|PLC|GmbH|LLC)\b)"
                           r"[A-ZÀ-ÖØ-Þ][^\W\d_]")


def _designator(article: str, end: int, entity_type: str, taken, own=None) -> re.Match | None:
    """The legal form after a mention ending at ``end`` that makes it a company's name, or None:
    none in another mention (``taken`` spans, ``own`` aside), none of :data:`_PLACE_CODES` after
    a place's mention, and no "Co" before a county's name."""
    m = _DESIGNATOR.match(article, end)
    if not m or any(s < m.end() and m.start() < e for s, e in taken if (s, e) != own):
        return None
    if m.group(1) in _PLACE_CODES and entity_type == "LOC":
        return None
    if m.group(1) == "Co" and _COUNTY_AFTER.match(article, m.end()):
        return None
    return m


#: A newspaper's title before a place: a press head noun, capitalised, then "de"/"du"/"d'"
#: ("Journal de Genève", "Gazette de Lausanne", "Echo de Paris", "Feuille d'Avis de Neuchâtel",
#: "Tribune de Genève"). The title is one organisation's name, not the place: the press cites
#: other papers constantly. Not "Presse" or "Nouvelles" ("Nouvelles de France" is a heading),
#: nor "Courrier" ("Courrier de Berne" is also a column's heading); a lower-case head is a
#: common noun ("un courrier de Berlin", "le journal de ...").
_PRESS_TITLE = re.compile(r"(?<![\w'’])(?:Journal|Gazette|Feuille[ \t]+d[ \t]*['’][ \t]*A[ \t]?v[ \t]?i[ \t]?s|"
                          r"[EÉ]cho|Tribune|Nouvelliste|Messager|Moniteur|Mercure)"
                          r"[ \t]+(?:de|du|d[ \t]*['’])[ \t]*$")


#: A sport's name opening a person's mention is a rubric or a headline's first word, never
#: part of the name ("Cyclisme Olano impressionne", "TENNIS Hingis"): cut before the name.
_SPORT_RUBRIC = re.compile(
    r"(?i:cyclisme|football|hockey|tennis|athl[ée]tisme|ski|boxe|automobilisme|motocyclisme|gymnastique|"
    r"natation|aviron|basket(?:ball)?|volley(?:ball)?|handball|rugby|golf|lutte|escrime|hippisme|curling|"
    r"patinage|sports?|cycling|soccer|athletics|skiing|boxing|swimming|cricket|baseball|rowing)"
    r"[ \t]+(?=[A-ZÀ-ÖØ-Þ])")


#: A month's name, French or English, in full or abbreviated, with "f" for the long s (ſ) old
#: print's OCR reads ("feptembre", "Auguft").
_MONTH = (r"(?i:janv(?:ier)?|f[ée]vr?(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|ao[uû]t|[sf]ept(?:embre)?|"
          r"oct(?:obre)?|nov(?:embre)?|d[ée]c(?:embre)?|january|february|march|april|may|june|july|augu[sf]t|"
          r"aug|[sf]eptember|october|november|december|jan|feb|apr|jul|[sf]ep)\b\.?")
#: A date ending a mention ("Raftadt 21", "Conflantinople 2 feptembre"): a dateline's day and
#: month after its place. The month is in the mention or right after it.
_DATE_TAIL = re.compile(r"[ \t,]+(?:[1-9]|[12]\d|3[01])(?:er|st|nd|rd|th)?(?P<month>[ \t]+" + _MONTH + r")?$")
_MONTH_AFTER = re.compile(r"[ \t]+" + _MONTH)
#: What follows a dateline's month: punctuation or a line's end ("Raftadt 21 août . La députation").
_DATELINE_END = re.compile(r"[ \t]*(?:[.,:;)\-–—]|\n|$)")

#: Prepositions and articles a name is not left ending with: a day after one ends the name
#: ("Mouvement du 22 Mars", "Rue du 4 Septembre", "Fête du 1er Mai"), no dateline's.
_FUNCTION_WORD = re.compile(r"(?i:du|des?|les?|la|the|of|v[ao]n|de[rnl]|della|d[aio]|aux?|en|et|and|und|im|am|"
                            r"zu[mr]?|on|in|at|al|el|y)")

#: A preposition "à" OCR glued to the name before it in a results list ("104 . Buschorà 10 ' 17"",
#: "Buschor à 10' 17""), with a number right after. Letters do not tell it from a name's own
#: "à" ("Serrà", "Città", "Voilà"): only the name written without it elsewhere in the article
#: does (see :func:`_glued_a`).
_GLUED_A = re.compile(r"(?<=\w)à$")
_NUMBER_AFTER = re.compile(r"[ \t]+\d")

#: A route's length after it: "La Spezia - Cascina ( 183 km )", "Lyon-Grenoble (190 km)".
_ROUTE_LENGTH = re.compile(r"[ \t]*\([ \t]*\d[\d.,' ]*[ \t]*km\b(?![ \t]*/)")   # not a speed (km / h)
#: The dash between a route's two ends: spaced or long, between two capitalised words, not
#: after "Saint" ("Saint-Etienne", "La Chaux - de - Fonds" are one place).
_ROUTE_DASH = re.compile(r"(?<![\w'’])(?!(?:Saint|Sainte|St|Ste|San|Santa|Sankt)\b)[A-ZÀ-ÖØ-Þ][^\s\-–—]*"
                         r"((?:[ \t]+[-–—]|[ \t]*[–—])[ \t]*)(?=[A-ZÀ-ÖØ-Þ])")


#: Languages whose spelling joins the parts of proper names with hyphens ("Grande-Russie",
#: "Jean-Claude", "Saint-Gall", "La Chaux-de-Fonds"): there a spaced hyphen between two
#: capitalised words is OCR's or a tokeniser's spacing of one name. In English news a spaced
#: hyphen is a dash ("SOCCER - SHEARER", "Canada - Aunger , Stewart"): two things.
HYPHENATED_NAME_LANGUAGES = frozenset({"fr"})


def _hyphenated_languages(articles: pd.DataFrame) -> dict[str, bool]:
    """Per article: whether its language is known to write compound names with hyphens. An
    unknown language (no ``language`` column, NA, "") is not: a dash there may separate two names."""
    if "language" not in articles.columns:
        return {}
    return {a: isinstance(lang, str) and lang.split("-")[0].lower() in HYPHENATED_NAME_LANGUAGES
            for a, lang in zip(articles["article_id"], articles["language"])}


def _sentence_starts(text: str, at: int) -> bool:
    """Whether a sentence starts at ``at``: the text's or a line's start, after a sentence's
    end (``.!?…:;`` or a closing quote), or after a heading's word in capitals ("JOUR Et")."""
    before = text[:at].rstrip(" \t")
    if not before or before[-1] in ".!?…:;»\"”\n":
        return True
    last = before.split()[-1]
    return bool(_HEADING_WORD.fullmatch(last))


def _clause_trimmed(text: str, start: int, end: int, *, title: bool = False) -> tuple[int, int]:
    """A mention without the clause around its name: a heading in capitals and a sentence's
    first words before it ("JOUR Et le Conseil national" → "Conseil national"), and what follows
    a verb or a clitic ("Conseil national va - t" → "Conseil national"). Unchanged when no
    capitalised word other than a function word would be left ("Et qui va").

    ``title`` (a MISC mention, often a work's title: "Paris est une fête", "Et Dieu créa la
    femme"): trimmed only when it opens with a heading, then a sentence ("JOUR Et le ..."):
    the engine ran across a sentence's start; otherwise unchanged."""
    a, b = start, end
    words = list(re.finditer(r"\S+", text[a:b]))
    k = 0
    while k < len(words) and _HEADING_WORD.fullmatch(words[k].group()):
        k += 1
    opener = words[k].group() if k < len(words) else ""
    if k and opener[:1].isupper() and any(c.islower() for c in opener) and fold(opener) in _function_words():
        a = start + words[k].start()   # a heading, then a sentence that opens with a function word
    elif title:
        return start, end
    lead = _CLAUSE_LEAD.match(text, a, b)
    # Two words or more after the conjunction: "Or Yehuda" opening a sentence is a town's name.
    if lead and _sentence_starts(text, a) and len(text[a:b].split()) >= 3:
        a = lead.end()
    verb = _CLAUSE_WORD.search(text, a, b)
    if verb:
        b = verb.start()
    b = a + len(text[a:b].rstrip(" \t-–—,;:"))
    if a >= b or (a, b) == (start, end) or \
            not any(w[:1].isupper() and fold(w) not in _function_words() for w in text[a:b].split()):
        return start, end
    return a, b


def _hyphen_joined(article: str, start: int, end: int, taken: list[tuple[int, int]],
                   alone: set[tuple[str, ...]], own: tuple[int, int]) -> tuple[int, int]:
    """A mention grown by the parts of its name written with spaced hyphens that the engine left out:
    "Russie" in "Grande - Russie", "Etats" in "Etats - Unis", "La Chaux" in "La Chaux - de - Fonds".

    A part joins when it is a capitalised word of two letters or more, not a function word
    ("Paris - Le ..." is a dateline), in no other mention, and, unless a lower-case link
    ("- de -") ties it, not a name the corpus tags alone ("France - Brésil" is two names),
    nor a word of the mention again ("Palma de Majorque - Palma ...": a route), nor a word
    in capitals beside one ("FOOTBALL - SERVETTE": a heading, then a name).
    ``taken``: the spans of the article's mentions, ``own`` (the engine's span of this one) aside.
    """
    def free(x: int, y: int) -> bool:
        return not any(s < y and x < e for s, e in taken if (s, e) != own)

    def joins(link: str, word: str, beside: str) -> bool:
        return fold(word) not in _function_words() and (bool(link) or folded_words(word) not in alone) and \
            folded_words(word)[0] not in folded_words(article[start:end]) and \
            not (_HEADING_WORD.fullmatch(word) and _HEADING_WORD.fullmatch(beside))

    line_end = article.find("\n", end)
    line_end = len(article) if line_end < 0 else line_end
    for _ in range(4):
        tail = len(article[start:end].rstrip(" \t-"))
        m = _HYPHEN_AFTER.match(article, start + tail, line_end)
        if not m or not joins(m.group(1), m.group(2), article[start:start + tail].split()[-1]) or \
                not free(end, m.end()):
            break
        end = m.end()
    line_start = article.rfind("\n", 0, start) + 1
    for _ in range(4):
        lead = len(article[start:end]) - len(article[start:end].lstrip(" \t-"))
        m = _HYPHEN_BEFORE.search(article, max(line_start, start - 80), start + lead)
        if not m or not joins(m.group(2), m.group(1), article[start + lead:end].split()[0]) or \
                not free(m.start(), start):
            break
        start = m.start()
    return start, end


def _part_key(text: str) -> tuple[str, ...]:
    """The folded words of a part of a mention, without a leading article or preposition."""
    return folded_words(_PART_LEAD.sub("", text.strip()))


def repair_spans(mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Cut engine spans that join several names, and extend places by a regional adjective.

    - A mention never runs across a line break: engines join a headline or a dateline to the
      next line's name ("SUISSE\\nChambres fédérales"); each line's part with a letter is a
      mention of the same type.
    - A mention made of two parts joined by a dash, "&", "et"/"and"/"und" ("France - Brésil",
      "Trump and Mattis") is two mentions when the corpus tags each part on its own (a
      leading "de"/"la"... aside), so "Procter & Gamble" or "Bosnie et Herzégovine", whose
      parts are never names alone, stay whole.
    - A mention is cut at a character no name is spelled with (``<>{}|``: OCR noise,
      "Journal > de Paris" → "Journal", "Paris"), and a person's mention before a civility
      inside it when what precedes is a name the corpus tags alone ("Courrèges
      Mademoiselle Chanel" → "Courrèges", "Mademoiselle Chanel").
    - A mention does not run across a clause: a heading in capitals and a sentence's first
      words before the name are cut ("JOUR Et le Conseil national" → "Conseil national"), and
      so is what follows a lower-case verb or clitic ("Conseil national va - t"). A
      conjunction is cut only as a sentence's first word ("Car Free Day" stays), and a MISC
      mention, often a title ("Paris est une fête"), is left whole unless it opens with a
      heading then a sentence ("JOUR Et le Conseil national va").
    - A person's mention does not open with a sport's name (:data:`_SPORT_RUBRIC`: a rubric,
      "Cyclisme Olano" → "Olano").
    - A name written with spaced hyphens is one mention when the engine took only a part of
      it ("Grande - Russie", "Etats - Unis", "La Chaux - de - Fonds"): see
      :func:`_hyphen_joined` (also applied to propagated mentions). Only in an article whose
      language is known to spell names so (:data:`HYPHENATED_NAME_LANGUAGES`): with none
      given, a spaced hyphen may be a dash between two names, and nothing is joined. A
      mention never grows into a word another mention has taken, nor grown into.
    - A LOC mention followed by a regional adjective (:data:`REGIONAL_ADJECTIVES`: "Suisse
      romande", "Europe occidentale") takes it in.
    - A place's mention after a newspaper's title ("Journal de", "Gazette de", "Echo de",
      "Feuille d'Avis de"...: :data:`_PRESS_TITLE`) is the newspaper's: it takes the title in
      and becomes an ORG ("Echo de Paris", "Gazette de Lausanne").
    - A preposition "à" glued to a name before a number is cut from it (a results list's
      "Buschorà 10' 17\"" → "Buschor") only when the article writes the name without it
      elsewhere: a name may end with one ("Serrà 10' 20\"", "Città").
    - A dateline's day and month are cut from its place's mention ("Raftadt 21 août",
      "Conflantinople 2 feptembre" → "Raftadt", "Conflantinople"): a day's number ending a
      mention, with a month's name (:data:`_MONTH`) in it or right after it, then punctuation
      or a line's end, when what is left is a name on its own (no preposition or article at its
      end: "Mouvement du 22 Mars", "Rue du 4 Septembre" stay whole); a MISC mention so cut is a
      place's (LOC).
    - A mention followed by a length in kilometres in parentheses is a route ("La Spezia -
      Cascina ( 183 km )", a stage of a race): two places, cut at the dash between them.
    - A mention followed by a company's legal form ("Corporation", "Inc", "Ltd", "AG", "SA",
      "Co"...) takes it in and becomes an ORG ("Continental Illinois Corporation"); not a
      place's mention before a region's code that reads as one ("Las Vegas NV", "Adelaide
      SA", "Baden AG"), nor a name before "Co" and a county's name ("Lisburn Co Antrim").

    Rows keep their columns; a cut mention becomes one row per part (``text`` is always
    ``articles.text[start_char:end_char]``); a retyped mention's ``label`` is its new type,
    as for the gazetteer's and propagation's mentions. ``annotate`` numbers them afterwards.
    """
    require_columns(mentions, MENTION_COLUMNS, name="mentions")
    if mentions.empty or articles.empty:
        return mentions
    text_of = dict(zip(articles["article_id"], articles["text"]))
    texts = mentions["text"].astype(object).tolist()
    alone = {folded_words(str(t)) for t in texts if isinstance(t, str)}
    alone |= {_part_key(str(t)) for t in texts if isinstance(t, str)}
    # A surname the corpus writes in a full name counts as named alone ("BECK" of "Conrad Beck").
    alone |= {folded_words(str(t))[-1:] for t, kind in zip(texts, mentions["entity_type"])
              if isinstance(t, str) and kind == "PER" and len(folded_words(str(t))) > 1}
    persons = {folded_words(str(t)) for t, kind in zip(texts, mentions["entity_type"])
               if isinstance(t, str) and kind == "PER"}
    starts, ends = mentions["start_char"].tolist(), mentions["end_char"].tolist()
    types, article_ids = mentions["entity_type"].tolist(), mentions["article_id"].tolist()
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    rows_of: dict[str, list[int]] = defaultdict(list)
    for j, (article_id, start, end) in enumerate(zip(article_ids, starts, ends)):
        if not pd.isna(start):
            taken[article_id].append((int(start), int(end)))
            rows_of[article_id].append(j)
    absorbed: set[int] = set()
    hyphenated = _hyphenated_languages(articles)
    replaced: dict[int, list[tuple[int, int]]] = {}
    companies: set[int] = set()
    places: set[int] = set()
    for i, text in enumerate(texts):
        article = text_of.get(article_ids[i])
        if not isinstance(text, str) or article is None or pd.isna(starts[i]):
            continue
        start, end = int(starts[i]), int(ends[i])
        if article[start:end] != text:
            continue
        pieces = [(start + a, start + b) for a, b in _pieces(text, alone, person=types[i] == "PER", persons=persons)]
        if not pieces:   # no letter at all ("3.54 - 0.629"): left as the engine gave it
            continue
        # A MISC mention is often a title, a clause ("Paris est une fête", "Et Dieu créa la femme").
        pieces = [_clause_trimmed(article, a, b, title=types[i] == "MISC") for a, b in pieces]
        if types[i] == "PER":
            pieces = [(rubric.end(), b) if (rubric := _SPORT_RUBRIC.match(article, a, b)) else (a, b)
                      for a, b in pieces]
        if len(pieces) == 1 and _glued_a(article, *pieces[0]):
            pieces = [(pieces[0][0], pieces[0][1] - 1)]
        if len(pieces) == 1:
            date = _DATE_TAIL.search(article, *pieces[0])
            month = date and (date.group("month") and date or _MONTH_AFTER.match(article, pieces[0][1]))
            if month and _name_alone(article[pieces[0][0]:date.start()]) and \
                    _DATELINE_END.match(article, month.end()):
                pieces = [(pieces[0][0], date.start())]
                if types[i] == "MISC":
                    places.add(i)
        if len(pieces) == 1 and hyphenated.get(article_ids[i], False):
            pieces = [_hyphen_joined(article, *pieces[0], taken[article_ids[i]], alone, (start, end))]
        if len(pieces) == 1 and types[i] == "LOC":
            following = _NEXT_WORD.match(article, pieces[0][1])
            if following and following.group(1) in REGIONAL_ADJECTIVES and \
                    not any(s < following.end() and pieces[0][1] < e for s, e in taken[article_ids[i]]
                            if (s, e) != (start, end)):
                pieces = [(pieces[0][0], following.end())]
        if len(pieces) == 1:
            designator = _designator(article, pieces[0][1], types[i], taken[article_ids[i]], (start, end))
            if designator:
                pieces = [(pieces[0][0], designator.end())]
                companies.add(i)
        if len(pieces) == 1 and _ROUTE_LENGTH.match(article, pieces[0][1]):
            dashes = list(_ROUTE_DASH.finditer(article, *pieces[0]))
            if len(dashes) == 1 and article[pieces[0][0]:dashes[0].start(1)].strip()[:1].isupper():
                pieces = [(pieces[0][0], dashes[0].start(1)), (dashes[0].end(), pieces[0][1])]
                places.add(i)
        if len(pieces) == 1 and types[i] == "LOC":
            title = _PRESS_TITLE.search(article, max(0, pieces[0][0] - 40), pieces[0][0])
            # The engine often tags the head on its own ("Echo" ORG, "Paris" LOC): absorbed.
            inside = title and [j for j in rows_of[article_ids[i]] if j != i and
                                int(starts[j]) < pieces[0][0] and title.start() < int(ends[j])]
            if title and all(title.start() <= int(starts[j]) and int(ends[j]) <= pieces[0][0] for j in inside):
                pieces = [(title.start(), pieces[0][1])]
                companies.add(i)
                absorbed.update(inside)
        if pieces != [(start, end)]:
            replaced[i] = pieces
            # The next mentions grow around this one's new span, never into it.
            taken[article_ids[i]].extend(p for p in pieces if not start <= p[0] <= p[1] <= end)
    if not replaced:
        return mentions
    rows = []
    records = mentions.to_dict("records")
    for i, record in enumerate(records):
        if i in absorbed and i not in replaced:
            continue
        for start, end in replaced.get(i, [(None, None)]):
            if start is None:
                rows.append(record)
                continue
            article = text_of[article_ids[i]]
            rows.append({**record, "start_char": start, "end_char": end, "text": article[start:end],
                         **({"entity_type": "ORG", "label": "ORG"} if i in companies else {}),
                         **({"entity_type": "LOC", "label": "LOC"} if i in places else {})})
    return pd.DataFrame(rows, columns=mentions.columns).astype(mentions.dtypes.to_dict())


def _name_alone(text: str) -> bool:
    """Whether what is left of a mention before a dateline's day is a name on its own: its first
    and last words capitalised, the last no preposition or article ("Raftadt", "LONDON"; not
    "Mouvement du", "Rue du", "RUE DU")."""
    words = re.findall(r"[^\W\d_]+", text)
    return bool(words) and words[0][:1].isupper() and words[-1][:1].isupper() and \
        not _FUNCTION_WORD.fullmatch(words[-1])


def _glued_a(article: str, start: int, end: int) -> bool:
    """Whether the mention ``article[start:end]`` ends with a preposition "à" OCR glued to it
    before a number ("Buschorà 10' 17\""): only when the article writes its last word without
    the "à" elsewhere ("Buschor"), for a name may end with one ("Serrà 10' 20\"", "Città")."""
    if not (_GLUED_A.search(article, start, end) and _NUMBER_AFTER.match(article, end)):
        return False
    stem = re.search(r"\w+(?=à$)", article[start:end])
    if not stem or len(stem.group()) < 2:
        return False
    bare = re.compile(r"(?<!\w)(?:" + re.escape(stem.group()) + "|" + re.escape(stem.group().upper()) + r")(?![\wà])")
    return any(not start <= m.start() < end for m in bare.finditer(article))


def _pieces(text: str, alone: set[tuple[str, ...]], *, person: bool = False,
            persons: set[tuple[str, ...]] = frozenset()) -> list[tuple[int, int]]:
    """(start, end) offsets in ``text`` of the names it joins (one piece when it joins none)."""
    lines = []
    for line in re.finditer(r"[^\n]+", text):
        for part in re.finditer(f"[^{re.escape(_NOT_IN_NAMES)}]+", line.group()):
            a, b = line.start() + part.start(), line.start() + part.end()
            if part.start() > 0:   # after a character no name has: a lower-case "de", "la"... is not the name's
                a += len(text[a:b]) - len(_PART_LEAD_LOWER.sub("", text[a:b].lstrip()))
            lines.append((a, b))
    if person and len(lines) == 1:
        lines = _civilities(text, *lines[0], alone)
    pieces = []
    for a, b in lines:
        line = text[a:b]
        cuts = list(_JOINERS.finditer(line))
        parts = [(a, b)]
        if cuts:
            bounds = [0, *[x for m in cuts for x in (m.start(), m.end())], len(line)]
            candidate = [(a + bounds[k], a + bounds[k + 1]) for k in range(0, len(bounds), 2)]
            # "Turquie & de l'Afie", "la France et de l'Italie": a repeated preposition after the
            # joiner coordinates two complements, so two names, known alone or not.
            # The first part must be a bare name: "Banque de Paris et des Pays-Bas" is one bank.
            coordinated = all(_COMPLEMENT.match(text[x:y].strip()) for x, y in candidate[1:]) and \
                all(w[:1].isupper() for w in text[candidate[0][0]:candidate[0][1]].split())
            if coordinated:
                # The complements' preposition and article are not part of their names; a
                # person's particle is ("Churchill et de Gaulle": "de Gaulle").
                candidate = candidate[:1] + [
                    (x, y) if _is_person_part(text[x:y], person, persons)
                    else (x + len(text[x:y]) - len(_PART_LEAD_LOWER.sub("", text[x:y])), y)
                    for x, y in candidate[1:]]
            # A word ("and", "et", "&") joins the names of organisations too ("Law and Justice",
            # "Procter & Gamble"): cut only between persons ("Trump and Mattis") or longer names
            # ("The Intercept and The New Yorker"). A dash is never part of a name's spelling.
            keys = [_part_key(text[x:y]) for x, y in candidate]
            worded = any(m.group().strip() not in "-–—" for m in cuts)
            if all((coordinated or key in alone) and key and
                   (text[x:y].strip()[:1].isupper() or _is_person_part(text[x:y], person, persons))
                   for key, (x, y) in zip(keys, candidate)) and \
                    (coordinated or not worded or
                     all(key in persons or folded_words(text[x:y]) in persons for key, (x, y) in zip(keys, candidate)) or
                     all(len(key) > 1 for key in keys)):
                parts = candidate
        for x, y in parts:
            piece = text[x:y]
            x += len(piece) - len(piece.lstrip())
            y -= len(piece) - len(piece.rstrip())
            if x < y and any(c.isalpha() for c in text[x:y]):
                pieces += _juxtaposed(text, x, y, alone, person=person)
    return pieces


def _civilities(text: str, start: int, end: int, alone: set[tuple[str, ...]]) -> list[tuple[int, int]]:
    """A person's mention cut before each civility inside it (:data:`_CIVILITY`), when what comes
    before it is a name the corpus tags alone: "Courrèges Mademoiselle Chanel" → "Courrèges",
    "Mademoiselle Chanel" (linking strips the civility)."""
    bounds = [start] + [start + m.end() for m in _CIVILITY.finditer(text[start:end])] + [end]
    if len(bounds) == 2:
        return [(start, end)]
    parts = [(x, y) for x, y in zip(bounds, bounds[1:])]
    if not all(folded_words(text[x:y]) in alone for x, y in parts[:-1]):
        return [(start, end)]
    return parts


def _is_person_part(part: str, person: bool, persons: set[tuple[str, ...]]) -> bool:
    """A part that opens with a particle and names a person: in a PER mention, or a PER name of the corpus."""
    part = part.strip()
    return bool(_PERSON_PARTICLE.match(part)) and (person or folded_words(part) in persons)


def _is_caps(word: str) -> bool:
    """A word of a headline in capitals ("SUISSE", "BECK"): 4 letters or more, no period (not "UK", "U.S.", "NBC")."""
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 4 and "." not in word and all(c.isupper() for c in letters)


def _juxtaposed(text: str, start: int, end: int, alone: set[tuple[str, ...]], *,
                person: bool) -> list[tuple[int, int]]:
    """Two names side by side with no separator: "Berne Berne", "SUISSE Chambres fédérales", "Kellogg PARIS".

    Cut where the same name repeats, where capitals meet lower-case writing (a headline
    or dateline in capitals beside the text's name), or between two names of two words or
    more ("Jeff Sessions San Francisco"), when the corpus tags both sides alone.
    In a person's name only capitals first count ("BECK Heinrich Sutermeister"): "Jean
    DUPONT" writes a surname in capitals.
    """
    words = list(re.finditer(r"\S+", text[start:end]))
    for k in range(1, len(words)):
        left = text[start:start + words[k - 1].end()]
        right = text[start + words[k].start():end]
        left_caps, right_caps = all(_is_caps(w.group()) for w in words[:k]), all(_is_caps(w.group()) for w in words[k:])
        # The same name twice ("Berne Berne", "procès de Berne Berne": a heading then its text).
        repeated = folded_words(left)[-len(folded_words(right)):] == folded_words(right)
        styles = (left_caps and not _is_caps(words[k].group())) or \
                 (not person and right_caps and not _is_caps(words[k - 1].group()))
        # Two full names side by side ("Jeff Sessions San Francisco", "John Bolton Richard Grenell").
        two_names = person and k >= 2 and len(words) - k >= 2
        if (repeated or (styles or two_names) and folded_words(left) in alone) and _part_key(right) in alone \
                and right[:1].isupper():
            return [(start, start + words[k - 1].end()), (start + words[k].start(), end)]
    return [(start, end)]
