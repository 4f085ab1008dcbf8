"""Link mentions to entities across spellings and languages, count them, and find co-occurrences (mentions → entities).

``link_entities`` turns the ``mentions`` table (one row per name an engine found) into
entities: "Deputy Minister Senior Lieutenant General Trần Quốc Tỏ" (English), "Trân Quôc To"
(French) and the bare "To" of a later English sentence become one person,
``PER:tran-quoc-to``, named "Trần Quốc Tỏ". Every decision is recorded in a ``merges`` table
(which rule, on what evidence), so a reader can check the linking instead of trusting it.
The rules are deliberately simple and conservative; two user-editable files steer them:
``toolkit/data/titles.txt`` (titles and ranks to strip) and ``toolkit/data/aliases.csv``
(translations, exonyms and acronyms).
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from toolkit._checks import require_choice
from toolkit.schema import ENTITY_COLUMNS, require_columns
from toolkit.text import fold, fold_name, folded_words
from toolkit.nlp.tables import ENTITY_TYPES
from toolkit.paths import DATA

#: The default titles file (one title a line; see its header for the format).
TITLES_FILE = DATA / "titles.txt"
#: The default alias file (``canonical, variant, entity_type, note``; see its header).
ALIASES_FILE = DATA / "aliases.csv"

#: Columns :func:`link_entities` needs in ``mentions`` (``annotate`` gives all of them).
LINK_INPUT_COLUMNS = ["article_id", "mention_id", "text", "entity_type"]
#: Columns :func:`link_entities` adds to ``mentions``.
LINK_COLUMNS = ["entity_id", "name", "link_rule"]
#: Columns of the ``entities`` table.
#: Columns of the ``merges`` table (the audit trail of :func:`link_entities`).
MERGE_COLUMNS = ["entity_id", "variant", "rule", "evidence", "n_mentions", "article_ids"]
#: Columns of :func:`load_aliases`.
ALIAS_COLUMNS = ["canonical", "variant", "entity_type", "note", "source"]
#: Columns of :func:`count_entities`, after the ``by`` columns.
COUNT_COLUMNS = [
    "entity_id", "name", "entity_type", "n_mentions", "n_articles", "share_of_mentions",
    "n_words", "mentions_per_1000_words",
]
#: Columns of :func:`cooccurrences`.
EDGE_COLUMNS = ["source", "target", "source_name", "target_name", "n", "n_articles"]
#: The rules of :func:`link_entities`, in the order they apply (``exact``: no rule needed;
#: ``retype``: the mention's engine type differs from its entity's type).
RULES = ("strip-title", "exact", "fold", "alias", "partial-name", "partial-name-corpus", "retype")
#: Co-occurrence windows.
WINDOWS = ("sentence", "paragraph", "article")

# ---------------------------------------------------------------- folding


_WORD = re.compile(r"\w+")




# ---------------------------------------------------------------- titles


class _Title(NamedTuple):
    tokens: tuple[str, ...]
    article: bool  # '=' lines: stripped only in lower case or before another title


def _title_tokens(text: str) -> tuple[str, ...]:
    """The words of a title or mention as titles are compared."""
    # Case-folded but accents kept, so the Vietnamese surname "Lê" is never the article "le".
    return tuple(unicodedata.normalize("NFC", w).casefold() for w in _WORD.findall(text))


@functools.cache
def _read_titles(files: tuple[tuple[Path, int], ...]) -> tuple[_Title, ...]:
    """Parse titles files (given with their modification times, for the cache)."""
    titles = set()
    for path, _ in files:
        for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
            entry = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
            article = entry.startswith("=")
            tokens = _title_tokens(entry.lstrip("="))
            if tokens:
                titles.add(_Title(tokens, article))
    # Longest first, so "général de division" wins over "général".
    return tuple(sorted(titles, key=lambda t: (-len(t.tokens), t.tokens, t.article)))


def _titles(extra) -> tuple[_Title, ...]:
    """The default titles plus those of ``extra`` files."""
    paths = (TITLES_FILE, *_as_paths(extra))
    # Keyed by modification time too, so an edited file is re-read without restarting the kernel.
    return _read_titles(tuple((path, path.stat().st_mtime_ns) for path in paths))


def _as_paths(value) -> list[Path]:
    """None, one path or several paths, as a list of Paths."""
    if value is None:
        return []
    if isinstance(value, (str, Path)):
        return [Path(value)]
    return [Path(v) for v in value]


class _Stripped(NamedTuple):
    clean: str      # the mention without surrounding punctuation
    name: str       # ... and without leading titles and a possessive 's
    removed: str    # the titles removed ("" if none)
    possessive: bool


def _title_at(words: list[tuple[int, int, str]], i: int, titles: Sequence[_Title]) -> list[_Title]:
    """The titles that match the words starting at ``words[i]``, longest first."""
    return [t for t in titles if tuple(w[2] for w in words[i:i + len(t.tokens)]) == t.tokens]


def _strip(text: str, titles: Sequence[_Title]) -> _Stripped:
    """Remove leading titles and a trailing possessive from one mention's text."""
    words = [(m.start(), m.end(), unicodedata.normalize("NFC", m.group()).casefold())
             for m in _WORD.finditer(text)]
    if not words:
        return _Stripped(text.strip(), text.strip(), "", False)
    i = 0
    while True:
        for title in _title_at(words, i, titles):
            j = i + len(title.tokens)
            if j >= len(words):
                continue  # never strip a mention to nothing ("the Deputy Minister")
            title_follows = bool(_title_at(words, j, titles))
            if title.article:
                ok = text[words[i][0]].islower() or title_follows
            else:
                # A capitalised name must follow: "Minister of the Interior" is an office.
                ok = text[words[j][0]].isupper() or title_follows
            if ok:
                i = j
                break
        else:
            break
    clean = text.strip().strip(",;:\"“”«»()[]").strip()
    name = text[words[i][0]:].rstrip().rstrip(",;:\"“”«»()[]").rstrip()
    possessive = re.search(r"(?<=\w)['’ʼ]s$", name) is not None and len(words) - i > 1
    if possessive:
        name = name[:-2]
    # When nothing was stripped, keep the clean form (it may start with a bracket or a quote).
    if i == 0 and not possessive:
        name = clean
    return _Stripped(clean, name, text[:words[i][0]].strip(), possessive)


def strip_title(text: str, *, titles: str | Path | Sequence[str | Path] | None = None) -> str:
    """Remove leading titles, ranks and articles, and a possessive ’s, from a name.

    Args:
        text: A mention's text.
        titles: Extra titles files (same format as ``toolkit/data/titles.txt``), added to it.

    Returns:
        The name: ``"le général de division Lázaro Alberto Álvarez Casas"`` →
        ``"Lázaro Alberto Álvarez Casas"``, ``"Việt Nam’s"`` → ``"Việt Nam"``; unchanged when
        nothing applies (``"La Havane"``, ``"Minister of the Interior of Cuba"``).

    Example:
        >>> strip_title("Deputy Minister Senior Lieutenant General Trần Quốc Tỏ")
        'Trần Quốc Tỏ'
    """
    return _strip(str(text), _titles(titles)).name


# ---------------------------------------------------------------- aliases


class _Alias(NamedTuple):
    canonical: str
    entity_type: str
    variant: str
    source: str  # "file:line"


def _read_alias_file(path: Path) -> list[dict]:
    """Rows of one alias file, validated line by line."""
    rows, header, seen = [], None, {}
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            fields = [f.strip() for f in next(csv.reader([line], strict=True))]
        except csv.Error as err:
            raise ValueError(f"{path}, line {number}: not a valid CSV line ({err}): {line!r}") from None
        if header is None:
            header = [f.lower() for f in fields]
            missing = [c for c in ("canonical", "variant", "entity_type") if c not in header]
            if missing:
                raise ValueError(f"{path}, line {number}: the header must name the columns canonical, variant, "
                                 f"entity_type (and optionally note); it lacks {missing}: {line!r}")
            continue
        if len(fields) > len(header):
            raise ValueError(f"{path}, line {number}: {len(fields)} fields for the {len(header)} columns "
                             f"{header}; quote a name that contains a comma: {line!r}")
        row = dict(zip(header, fields + [""] * (len(header) - len(fields))))
        empty = [c for c in ("canonical", "variant", "entity_type") if not row[c]]
        if empty:
            raise ValueError(f"{path}, line {number}: {empty} must not be empty: {line!r}")
        if row["entity_type"] not in ENTITY_TYPES:
            raise ValueError(f"{path}, line {number}: entity_type must be one of {list(ENTITY_TYPES)}, "
                             f"got {row['entity_type']!r}")
        key = fold_name(row["variant"])
        if not key or not fold_name(row["canonical"]):
            raise ValueError(f"{path}, line {number}: a name needs at least one letter or digit: {line!r}")
        target = (fold_name(row["canonical"]), row["entity_type"])
        if key in seen and seen[key][0] != target:
            raise ValueError(f"{path}, line {number}: variant {row['variant']!r} is already an alias of "
                             f"{seen[key][1]!r} on line {seen[key][2]}")
        seen[key] = (target, row["canonical"], number)
        rows.append({"canonical": row["canonical"], "variant": row["variant"],
                     "entity_type": row["entity_type"], "note": row.get("note", ""),
                     "source": f"{path.name}:{number}"})
    return rows


def load_aliases(*extra: str | Path) -> pd.DataFrame:
    """Read the alias file, with the user's alias files after it.

    Args:
        *extra: CSV files with the columns of ``toolkit/data/aliases.csv`` (``canonical,
            variant, entity_type`` and optionally ``note``; ``#`` lines are comments). In
            :func:`link_entities`, a later file's line replaces an earlier line for the same
            (folded) variant.

    Returns:
        One row per alias line, in file order: ``canonical``, ``variant``, ``entity_type``,
        ``note``, ``source`` (``"file:line"``), all str.

    Raises:
        ValueError: a malformed line (wrong number of fields, empty name, unknown
            entity_type, a variant given two canonical names in one file); the message
            names the file and the line.

    Example:
        >>> load_aliases("my-aliases.csv").tail(3)
    """
    rows = []
    for path in (ALIASES_FILE, *extra):
        rows += _read_alias_file(Path(path))
    return pd.DataFrame(rows, columns=ALIAS_COLUMNS, dtype="str")


def _alias_map(aliases: pd.DataFrame) -> dict[tuple[str, ...], _Alias]:
    """Folded variant → alias; later lines win, and canonical names map to themselves."""
    explicit: dict[tuple[str, ...], _Alias] = {}
    for row in aliases.itertuples(index=False):
        explicit[folded_words(row.variant)] = _Alias(row.canonical, row.entity_type, row.variant, row.source)
    # A canonical name is a variant of itself, unless a line sends it elsewhere.
    implicit = {}
    for alias in explicit.values():
        implicit.setdefault(folded_words(alias.canonical), alias._replace(variant=alias.canonical))
    return {**implicit, **explicit}


# ---------------------------------------------------------------- linking


class Linked(NamedTuple):
    """What :func:`link_entities` returns; unpacks as ``mentions, entities, merges``."""

    mentions: pd.DataFrame
    entities: pd.DataFrame
    merges: pd.DataFrame


class _Group(NamedTuple):
    kind: str                  # "fold" or "alias"
    key: tuple[str, ...]       # the folded name (alias: of the canonical name)
    family: str                # "PER", "ORG/LOC" or "MISC" (alias: its entity_type)
    alias: _Alias | None


def _majority_type(types: Iterable[str]) -> str:
    """Most frequent of PER, ORG, LOC (ties in that order); MISC only when no mention has another type."""
    counts = Counter(t for t in types if t != "MISC")
    if not counts:
        return "MISC"
    return min(counts, key=lambda t: (-counts[t], ENTITY_TYPES.index(t)))


def _fullest(forms: Sequence[str]) -> str:
    """The fullest, accented form: most words, then most non-ASCII letters, then most frequent, then alphabetical."""
    counts = Counter(forms)
    return min(counts, key=lambda f: (-len(folded_words(f)), -sum(c.isalpha() and ord(c) > 127 for c in f),
                                      -counts[f], f))


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> tuple[int, int] | None:
    """1-based (first, last) word positions of ``shorter`` as a contiguous run in ``longer``."""
    n = len(shorter)
    for start in range(len(longer) - n + 1):
        if longer[start:start + n] == shorter:
            return start + 1, start + n
    return None


def _partial_evidence(full: str, key: tuple[str, ...], full_key: tuple[str, ...], where: str) -> str:
    first, last = _contains(full_key, key)
    words = f"word {first}" if first == last else f"words {first}–{last}"
    return f'{where}: {words} of "{full}", the only fuller PER name there'


def link_entities(mentions: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                  aliases: str | Path | Sequence[str | Path] | None = None,
                  titles: str | Path | Sequence[str | Path] | None = None) -> Linked:
    """Link mentions to entities across spellings, titles, languages and short forms.

    The rules apply in this order; each one is recorded per mention (``link_rule``) and per
    variant (``merges``):

    1. ``strip-title``: leading titles, ranks and articles (``toolkit/data/titles.txt``)
       and a possessive ’s are removed: "le général To Lam" → "To Lam".
    2. ``fold``: names equal once accents and case are removed are one entity ("Trần Quốc
       Tỏ" = "Trân Quôc To"), within a compatible type: PER apart, ORG and LOC together
       (engines swap them on metonymy: "Cuba signed", spaCy en tags "Việt Nam" ORG), MISC
       with whichever of the two has more mentions of that name (ties: PER).
    3. ``alias``: names listed together in ``toolkit/data/aliases.csv`` (and ``aliases``)
       are one entity whatever their type: the alias gives the type ("Minint" tagged LOC →
       ORG, one entity with "ministère cubain de l'Intérieur").
    4. ``partial-name``: in one article, a PER name whose words are a contiguous run of a
       fuller PER name's words in the same article joins it ("To" → "Trần Quốc Tỏ" in the
       English article; "Alvarez Casas" → "Lázaro Alberto Álvarez Casas"), but only when
       exactly one fuller entity fits: a "To" in an article naming both Trần Quốc Tỏ and
       To Lam stays on its own. Then ``partial-name-corpus``: a PER entity still left whose
       name is a run of the words of exactly one fuller PER entity in the corpus joins it.

    An entity's type is the most frequent of its mentions' PER, ORG, LOC types (ties in
    that order); MISC counts only when no mention has another type, because MISC is the
    engines' catch-all (spaCy fr tags "To Lam" MISC four times out of five on the seeds).
    Its ``name`` is the fullest, accented form seen in the mentions (the alias file groups
    variants and sets the type, but never names an entity with a form the corpus does not
    use): most words, then most non-ASCII letters, then most frequent, then alphabetical.

    Args:
        mentions: One row per mention; needs ``article_id, mention_id, text, entity_type``
            (``MENTION_COLUMNS`` of ``toolkit.nlp.tables`` has them all). ``entity_type``
            is one of PER, ORG, LOC, MISC (missing counts as MISC).
        articles: The ``articles`` table, to check that every mention's ``article_id``
            exists; None skips the check.
        aliases: Extra alias files (format of ``toolkit/data/aliases.csv``); their lines
            replace the default lines for the same variant.
        titles: Extra titles files (format of ``toolkit/data/titles.txt``), added to it.

    Returns:
        A :class:`Linked` of three tables:

        - ``mentions``: the input's rows and columns, in the same order (index reset),
          plus ``entity_id`` (str, ``"<TYPE>:<folded-name-with-hyphens>"``, e.g.
          ``"PER:lazaro-alberto-alvarez-casas"``; missing when the text has no letter or
          digit), ``name`` (str, the entity's name) and ``link_rule`` (str: the rules that
          linked this mention joined by ``+``, e.g. ``"strip-title+fold"``; ``"exact"`` for
          the name itself, ``"unlinked"`` for an empty text).
        - ``entities``: one row per entity, ``ENTITY_COLUMNS``: ``entity_id`` (str),
          ``name`` (str), ``entity_type`` (str), ``n_mentions`` (int), ``n_articles``
          (int), ``variants`` (str: the distinct names as written, titles stripped, sorted
          and joined by ``"; "``), ``rules`` (str: the rules used, in ``RULES`` order,
          joined by ``"; "``). Sorted by ``n_mentions`` descending, then ``entity_id``.
        - ``merges``: one row per (``entity_id``, ``variant``, ``rule``, ``evidence``), all
          str, plus ``n_mentions`` (int) and ``article_ids`` (str, ``"; "``-joined): why each
          variant belongs to its entity, e.g. ``("PER:tran-quoc-to", "To", "partial-name",
          '001_…: word 3 of "Trần Quốc Tỏ", the only fuller PER name there')``.
          Sorted by ``entity_id``, ``variant``, rule order.

    Raises:
        ValueError: a required column is missing, an ``entity_type`` is not PER, ORG,
            LOC or MISC, a mention's article is not in ``articles``, or an alias file is
            malformed (the message names the file and line).

    Example:
        >>> mentions, entities, merges = link_entities(mentions, articles)
        >>> merges[merges["rule"] != "exact"].head()
    """
    require_columns(mentions, LINK_INPUT_COLUMNS, name="mentions")
    if articles is not None:
        require_columns(articles, ["article_id"], name="articles")
        unknown = sorted(set(mentions["article_id"].dropna()) - set(articles["article_id"]))
        if unknown:
            raise ValueError(f"`mentions` refer to {len(unknown)} article_id(s) missing from `articles`: {unknown[:5]}")
    bad = sorted(set(mentions["entity_type"].dropna()) - set(ENTITY_TYPES))
    if bad:
        raise ValueError(f"`mentions.entity_type` must be one of {list(ENTITY_TYPES)}, got {bad}")
    titles_ = _titles(titles)
    alias_of = _alias_map(load_aliases(*_as_paths(aliases)))

    linked = mentions.reset_index(drop=True)
    texts = ["" if pd.isna(t) else str(t) for t in linked["text"]]
    article_ids = linked["article_id"].tolist()
    engine_types = ["MISC" if pd.isna(t) else t for t in linked["entity_type"]]
    n = len(linked)

    # --- 1. strip-title (cached: a corpus repeats the same few thousand names)
    cache: dict[str, _Stripped] = {}
    stripped = [cache[t] if t in cache else cache.setdefault(t, _strip(t, titles_)) for t in texts]
    names = [s.name for s in stripped]
    keys = [folded_words(s.name) for s in stripped]

    # --- 2-3. fold and alias groups
    groups: list[_Group] = []
    group_of: dict[tuple, int] = {}

    def group(kind, key, family, alias=None) -> int:
        if (kind, key, family) not in group_of:
            group_of[(kind, key, family)] = len(groups)
            groups.append(_Group(kind, key, family, alias))
        return group_of[(kind, key, family)]

    gid: list[int | None] = [None] * n
    by_key: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in range(n):
        if not keys[i]:
            continue
        whole = folded_words(stripped[i].clean)
        alias = alias_of.get(whole)
        if alias is not None and whole != keys[i]:
            # The alias lists the form with its article ("La Havane"): do not strip it.
            names[i], keys[i] = stripped[i].clean, whole
            stripped[i] = _Stripped(stripped[i].clean, stripped[i].clean, "", False)
        alias = alias or alias_of.get(keys[i])
        if alias is not None:
            gid[i] = group("alias", folded_words(alias.canonical), alias.entity_type, alias)
        else:
            by_key[keys[i]].append(i)
    for key, members in by_key.items():
        counts = Counter(engine_types[i] for i in members)
        per, orgloc = counts["PER"], counts["ORG"] + counts["LOC"]
        misc_family = "PER" if per and per >= orgloc else "ORG/LOC" if orgloc else "MISC"
        for i in members:
            family = {"PER": "PER", "ORG": "ORG/LOC", "LOC": "ORG/LOC"}.get(engine_types[i], misc_family)
            gid[i] = group("fold", key, family)

    def is_person(g: int) -> bool:
        """PER groups: fold groups of the PER family, or PER aliases."""
        return groups[g].family == "PER"

    # --- 4a. partial-name, within each article
    assigned = list(gid)
    moved: dict[int, str] = {}  # mention → evidence
    by_article: dict[object, list[int]] = defaultdict(list)
    for i in range(n):
        if gid[i] is not None and is_person(gid[i]):
            by_article[article_ids[i]].append(i)
    for article_id, members in by_article.items():
        present: dict[int, dict[tuple[str, ...], str]] = defaultdict(dict)
        for i in members:
            present[gid[i]].setdefault(keys[i], names[i])
        if len(present) < 2:
            continue
        resolved: dict[int, tuple[int, str]] = {}
        # Longest first, so "Quốc Tỏ" is resolved before "Tỏ" looks for its full name.
        shorts = [g for g in present if groups[g].kind == "fold"]
        for g in sorted(shorts, key=lambda g: (-len(groups[g].key), groups[g].key)):
            short = groups[g].key
            targets: dict[int, tuple[tuple[str, ...], str]] = {}
            for h, forms in present.items():
                for full_key, full in forms.items():
                    if h != g and len(full_key) > len(short) and _contains(full_key, short):
                        targets.setdefault(resolved.get(h, (h,))[0], (full_key, full))
            if len(targets) == 1:
                (target, (full_key, full)), = targets.items()
                resolved[g] = (target, _partial_evidence(full, short, full_key, str(article_id)))
        for i in members:
            if gid[i] in resolved:
                assigned[i], moved[i] = resolved[gid[i]]

    # --- 4b. partial-name-corpus: leftover short PER names, against the whole corpus
    parent = list(range(len(groups)))

    def find(g: int) -> int:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    forms_of: dict[int, dict[tuple[str, ...], str]] = defaultdict(dict)
    for i in range(n):
        if assigned[i] is not None and is_person(assigned[i]):
            forms_of[assigned[i]].setdefault(keys[i], names[i])
    by_word: dict[str, set[tuple[int, tuple[str, ...]]]] = defaultdict(set)
    for g, forms in forms_of.items():
        for full_key in forms:
            for word in full_key:
                by_word[word].add((g, full_key))
    corpus_evidence: dict[int, str] = {}
    leftovers = [g for g, forms in forms_of.items() if groups[g].kind == "fold" and groups[g].key in forms]
    for g in sorted(leftovers, key=lambda g: (-len(groups[g].key), groups[g].key)):
        short = groups[g].key
        targets = {}
        for h, full_key in sorted(by_word.get(short[0], ())):
            root = find(h)
            if root != find(g) and len(full_key) > len(short) and _contains(full_key, short):
                targets.setdefault(root, (full_key, forms_of[h][full_key]))
        if len(targets) == 1:
            (root, (full_key, full)), = targets.items()
            parent[find(g)] = root
            corpus_evidence[g] = _partial_evidence(full, short, full_key, "corpus")

    # --- the entities: type, name, id
    members_of: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        if assigned[i] is not None:
            members_of[find(assigned[i])].append(i)
    info: dict[int, dict] = {}
    for root, members in members_of.items():
        alias = groups[root].alias
        info[root] = {
            "entity_type": alias.entity_type if alias else _majority_type(engine_types[i] for i in members),
            # The fullest, accented form actually seen; the alias file only groups variants.
            "name": _fullest([names[i] for i in members]),
        }
    taken: Counter = Counter()
    for root in sorted(info, key=lambda r: (-len(members_of[r]), min(members_of[r]))):
        base = f"{info[root]['entity_type']}:{'-'.join(folded_words(info[root]['name']))}"
        taken[base] += 1
        info[root]["entity_id"] = base if taken[base] == 1 else f"{base}-{taken[base]}"

    # --- per mention: entity, rule chain, audit rows
    entity_ids, entity_names, link_rules, audit = [], [], [], []
    for i in range(n):
        if assigned[i] is None:
            entity_ids.append(None), entity_names.append(None), link_rules.append("unlinked")
            continue
        entity = info[find(assigned[i])]
        eid, name, etype = entity["entity_id"], entity["name"], entity["entity_type"]
        chain = []
        s = stripped[i]
        if s.removed or s.possessive:
            removed = [f'"{s.removed}"'] if s.removed else []
            removed += ['the possessive "’s"'] if s.possessive else []
            chain.append(("strip-title", f'"{texts[i]}": removed {" and ".join(removed)}'))
        g = gid[i]
        if i in moved:
            chain.append(("partial-name", moved[i]))
        elif g in corpus_evidence:
            chain.append(("partial-name-corpus", corpus_evidence[g]))
        elif groups[g].alias is not None and keys[i] != groups[g].key:
            alias = alias_of[keys[i]]
            chain.append(("alias", f'{alias.source}: "{alias.variant}" is an alias of '
                                   f'"{alias.canonical}" ({alias.entity_type})'))
        else:
            alias = alias_of.get(groups[g].key) if groups[g].alias is not None else None
            # An alias file chose this name: say which line, so the choice can be reviewed.
            origin = f" (the name from {alias.source})" if alias is not None else ""
            if names[i] == name:
                chain.append(("exact", f"the entity's name{origin}"))
            else:
                chain.append(("fold", f'"{names[i]}" and "{name}" both fold to "{" ".join(keys[i])}"{origin}'))
        link_rules.append("+".join(r for r, _ in chain if r != "exact" or len(chain) == 1))
        if engine_types[i] != etype:
            if groups[find(assigned[i])].alias:
                why = f"the alias makes it {etype}"
            elif engine_types[i] == "MISC":
                why = f"its other mentions say {etype} (MISC is the engines' catch-all)"
            else:
                why = f"most of the entity's mentions are tagged {etype}"
            chain.append(("retype", f"tagged {engine_types[i]} by the engine; {why}"))
        entity_ids.append(eid), entity_names.append(name)
        audit += [(eid, names[i], rule, evidence, article_ids[i]) for rule, evidence in chain]

    linked = linked.assign(
        entity_id=pd.Series(entity_ids, index=linked.index, dtype="str"),
        name=pd.Series(entity_names, index=linked.index, dtype="str"),
        link_rule=pd.Series(link_rules, index=linked.index, dtype="str"),
    )
    return Linked(linked, _entity_table(linked, names, audit), _merge_table(audit))


def _rule_order(rules: Iterable[str]) -> list[str]:
    """Distinct rules in ``RULES`` order."""
    return sorted(set(rules), key=RULES.index)


def _entity_table(linked: pd.DataFrame, names: list[str], audit: list[tuple]) -> pd.DataFrame:
    """One row per entity from the linked mentions and the audit rows."""
    rules: dict[str, list[str]] = defaultdict(list)
    for eid, _, rule, _, _ in audit:
        rules[eid].append(rule)
    rows = []
    table = linked.assign(_variant=names)[linked["entity_id"].notna()]
    for eid, members in table.groupby("entity_id", sort=True):
        rows.append({
            "entity_id": eid, "name": members["name"].iloc[0],
            "entity_type": eid.split(":", 1)[0],
            "n_mentions": len(members), "n_articles": members["article_id"].nunique(),
            "variants": "; ".join(sorted(set(members["_variant"]), key=lambda v: (fold(v), v))),
            "rules": "; ".join(_rule_order(rules[eid])),
        })
    entities = pd.DataFrame(rows, columns=ENTITY_COLUMNS)
    entities = entities.astype({"n_mentions": "int64", "n_articles": "int64"})
    return entities.sort_values(["n_mentions", "entity_id"], ascending=[False, True], ignore_index=True)


def _merge_table(audit: list[tuple]) -> pd.DataFrame:
    """The audit rows grouped by (entity_id, variant, rule, evidence)."""
    grouped: dict[tuple, list] = defaultdict(list)
    for eid, variant, rule, evidence, article_id in audit:
        grouped[(eid, variant, rule, evidence)].append(article_id)
    rows = [{"entity_id": eid, "variant": variant, "rule": rule, "evidence": evidence,
             "n_mentions": len(ids), "article_ids": "; ".join(sorted(set(map(str, ids))))}
            for (eid, variant, rule, evidence), ids in grouped.items()]
    merges = pd.DataFrame(rows, columns=MERGE_COLUMNS).astype({"n_mentions": "int64"})
    order = merges["rule"].map({r: k for k, r in enumerate(RULES)})
    return (merges.assign(_order=order)
            .sort_values(["entity_id", "variant", "_order", "evidence"], ignore_index=True)
            .drop(columns="_order"))


# ---------------------------------------------------------------- counting


def _entity_types_filter(entity_types) -> list[str] | None:
    """Validate ``entity_types`` (None means all)."""
    if entity_types is None:
        return None
    entity_types = [entity_types] if isinstance(entity_types, str) else list(entity_types)
    bad = [t for t in entity_types if t not in ENTITY_TYPES]
    if bad:
        raise ValueError(f"`entity_types` must be a subset of {list(ENTITY_TYPES)}, got {entity_types!r}")
    return entity_types


def _linked_only(linked_mentions: pd.DataFrame, entity_types) -> pd.DataFrame:
    """Linked rows, with the entity's type (the ``entity_id`` prefix), filtered by type."""
    types = _entity_types_filter(entity_types)
    linked = linked_mentions[linked_mentions["entity_id"].notna()]
    linked = linked.assign(_entity_type=linked["entity_id"].str.split(":", n=1).str[0])
    if types is not None:
        linked = linked[linked["_entity_type"].isin(types)]
    return linked


def count_entities(linked_mentions: pd.DataFrame, articles: pd.DataFrame, *,
                   by: str | Sequence[str] = ("outlet",), entity_types: Sequence[str] | None = None,
                   min_count: int = 1) -> pd.DataFrame:
    """Count each entity's mentions per group of articles (per outlet, language, article...).

    Args:
        linked_mentions: ``mentions`` from :func:`link_entities` (needs ``article_id,
            entity_id, name``); unlinked rows (missing ``entity_id``) are ignored.
        articles: The ``articles`` table: ``article_id``, ``n_words`` and the ``by`` columns.
        by: Columns of ``articles`` to group by, in output order; ``()`` for the whole
            corpus. Missing values (an article with no known outlet) form their own group.
        entity_types: Keep only entities of these types (PER, ORG, LOC, MISC).
        min_count: Drop rows with fewer mentions than this (after shares are computed).

    Returns:
        One row per (*by, entity) with columns *by, then ``COUNT_COLUMNS``: ``entity_id``,
        ``name``, ``entity_type`` (str), ``n_mentions`` (int), ``n_articles`` (int, articles
        of the group naming the entity), ``share_of_mentions`` (float, the entity's share of
        the group's mentions of the kept types: sums to 1 within each group when
        ``min_count=1``), ``n_words`` (int, words in all the group's articles) and
        ``mentions_per_1000_words`` (float). Sorted by the ``by`` columns (missing last),
        then ``n_mentions`` descending, then ``entity_id``.

    Raises:
        ValueError: a required column is missing, ``by`` names a column ``articles`` lacks,
            a mention's article is not in ``articles``, or ``entity_types`` is unknown.

    Example:
        >>> count_entities(linked.mentions, articles, by="outlet", entity_types=["PER"]).head()
    """
    by = [by] if isinstance(by, str) else list(by)
    require_columns(linked_mentions, ["article_id", "entity_id", "name"], name="linked_mentions")
    require_columns(articles, ["article_id", "n_words", *by], name="articles")
    if min_count < 1:
        raise ValueError(f"`min_count` must be >= 1, got {min_count!r}")
    linked = _linked_only(linked_mentions, entity_types)
    unknown = sorted(set(linked["article_id"]) - set(articles["article_id"]))
    if unknown:
        raise ValueError(f"`linked_mentions` refer to article_id(s) missing from `articles`: {unknown[:5]}")
    keys = by or ["_all"]
    groups = articles[list(dict.fromkeys(["article_id", "n_words", *by]))].assign(_all="")
    # Missing group values (an article without an outlet) count as one group of their own.
    codes = groups[keys].astype("object").where(groups[keys].notna(), "\0missing")
    groups = groups.assign(**{f"_g{k}": codes[col] for k, col in enumerate(keys)})
    gcols = [f"_g{k}" for k in range(len(keys))]
    words = groups.groupby(gcols, sort=False)["n_words"].sum().rename("n_words").reset_index()
    table = linked[["article_id", "entity_id", "name", "_entity_type"]].merge(
        groups[list(dict.fromkeys(["article_id", *by, *gcols]))], on="article_id", how="left")
    table = table.rename(columns={"article_id": "_article"}).assign(article_id=table["article_id"])
    counts = (table.groupby([*gcols, "entity_id"], sort=False)
              .agg(name=("name", "first"), entity_type=("_entity_type", "first"),
                   n_mentions=("_article", "size"), n_articles=("_article", "nunique"),
                   **{col: (col, "first") for col in by})
              .reset_index())
    counts = counts.merge(words, on=gcols, how="left")
    counts["share_of_mentions"] = counts["n_mentions"] / counts.groupby(gcols)["n_mentions"].transform("sum")
    counts["mentions_per_1000_words"] = 1000 * counts["n_mentions"] / counts["n_words"].where(counts["n_words"] > 0)
    counts = counts[counts["n_mentions"] >= min_count]
    counts = counts.astype({"n_mentions": "int64", "n_articles": "int64", "n_words": "int64",
                            "share_of_mentions": "float64", "mentions_per_1000_words": "float64"})
    missing_last = [counts[g].eq("\0missing") for g in gcols]
    counts = counts.assign(**{f"_m{k}": m for k, m in enumerate(missing_last)})
    order = [c for k, col in enumerate(by) for c in (f"_m{k}", col)]
    counts = counts.sort_values([*order, "n_mentions", "entity_id"],
                                ascending=[True] * len(order) + [False, True], ignore_index=True)
    return counts[[*by, *COUNT_COLUMNS]]


def cooccurrences(linked_mentions: pd.DataFrame, *, window: str = "sentence",
                  sentences: pd.DataFrame | None = None, min_count: int = 1,
                  entity_types: Sequence[str] | None = None) -> pd.DataFrame:
    """Pairs of entities named in the same sentence, paragraph or article.

    Args:
        linked_mentions: ``mentions`` from :func:`link_entities` (needs ``article_id,
            entity_id, name``, and ``sentence_id`` for sentence and paragraph windows).
            Mentions with a missing or negative ``sentence_id`` (outside any sentence) are
            left out of sentence and paragraph windows.
        window: ``"sentence"``, ``"paragraph"`` or ``"article"``.
        sentences: The ``sentences`` table (``article_id, sentence_id, paragraph_id``),
            where paragraph windows look up each mention's paragraph; not needed when
            ``linked_mentions`` has a ``paragraph_id`` column.
        min_count: Keep pairs that share at least this many windows.
        entity_types: Keep only entities of these types (both ends of a pair).

    Returns:
        One row per pair, ``EDGE_COLUMNS``: ``source``, ``target`` (str entity ids,
        ``source < target``, so each pair appears once), ``source_name``, ``target_name``
        (str), ``n`` (int, windows naming both, ≥ 1), ``n_articles`` (int). Sorted by ``n``
        descending, then ``source``, ``target``.

    Raises:
        ValueError: an unknown ``window``, a missing column, paragraph windows without a
            ``paragraph_id`` column nor ``sentences``, or mentions whose sentence is not in
            ``sentences``.

    Example:
        >>> cooccurrences(linked.mentions, window="paragraph", sentences=sentences).head()
    """
    require_choice(window, WINDOWS, name="window")
    require_columns(linked_mentions, ["article_id", "entity_id", "name"]
                    + (["sentence_id"] if window != "article" else []), name="linked_mentions")
    if min_count < 1:
        raise ValueError(f"`min_count` must be >= 1, got {min_count!r}")
    linked = _linked_only(linked_mentions, entity_types)
    if window != "article":
        sentence_ids = pd.to_numeric(linked["sentence_id"], errors="coerce")
        linked = linked[sentence_ids.notna() & (sentence_ids >= 0)]
    if window == "paragraph" and "paragraph_id" not in linked.columns:
        if sentences is None:
            raise ValueError("paragraph windows need a `paragraph_id` column on `linked_mentions` "
                             "or the `sentences` table (sentences=...) to look it up")
        require_columns(sentences, ["article_id", "sentence_id", "paragraph_id"], name="sentences")
        linked = linked.merge(sentences[["article_id", "sentence_id", "paragraph_id"]],
                              on=["article_id", "sentence_id"], how="left")
        lost = linked["paragraph_id"].isna()
        if lost.any():
            pairs = linked.loc[lost, ["article_id", "sentence_id"]].drop_duplicates().head(3).to_dict("records")
            raise ValueError(f"{int(lost.sum())} mention(s) have a sentence missing from `sentences`, e.g. {pairs}")
    keys = {"sentence": ["article_id", "sentence_id"], "paragraph": ["article_id", "paragraph_id"],
            "article": ["article_id"]}[window]
    present = linked[[*keys, "entity_id"]].drop_duplicates()
    pairs = present.merge(present, on=keys, suffixes=("_source", "_target"))
    pairs = pairs[pairs["entity_id_source"] < pairs["entity_id_target"]]
    edges = (pairs.groupby(["entity_id_source", "entity_id_target"])
             .agg(n=("article_id", "size"), n_articles=("article_id", "nunique"))
             .reset_index()
             .rename(columns={"entity_id_source": "source", "entity_id_target": "target"}))
    name_of = linked.drop_duplicates("entity_id").set_index("entity_id")["name"]
    edges = edges.assign(source_name=edges["source"].map(name_of), target_name=edges["target"].map(name_of))
    edges = edges[edges["n"] >= min_count].astype({"n": "int64", "n_articles": "int64"})
    edges = edges.astype({c: "str" for c in ("source", "target", "source_name", "target_name")})
    return edges.sort_values(["n", "source", "target"], ascending=[False, True, True], ignore_index=True)[EDGE_COLUMNS]


def cooccurrence_graph(edges: pd.DataFrame, entities: pd.DataFrame):
    """Build a networkx graph from co-occurrence edges, one node per entity.

    Args:
        edges: From :func:`cooccurrences` (``source, target, n``; ``n_articles`` kept if present).
        entities: The ``entities`` table of :func:`link_entities` (``entity_id, name,
            entity_type, n_mentions``). Every row becomes a node, isolated or not; edges
            whose ends are not both in ``entities`` are left out, so filtering
            ``entities`` (e.g. ``entities.head(15)``) prunes the graph.

    Returns:
        A ``networkx.Graph``: nodes are entity ids with attributes ``name`` (str),
        ``entity_type`` (str), ``n_mentions`` (int); edges have ``weight`` (int, = ``n``)
        and ``n_articles`` (int) when given.

    Raises:
        ValueError: a required column is missing.

    Example:
        >>> graph = cooccurrence_graph(cooccurrences(linked.mentions), linked.entities)
    """
    import networkx as nx  # imported here so `import toolkit` stays fast

    require_columns(edges, ["source", "target", "n"], name="edges")
    require_columns(entities, ["entity_id", "name", "entity_type", "n_mentions"], name="entities")
    graph = nx.Graph()
    for row in entities.itertuples(index=False):
        graph.add_node(row.entity_id, name=row.name, entity_type=row.entity_type, n_mentions=int(row.n_mentions))
    for row in edges.itertuples(index=False):
        if row.source in graph and row.target in graph:
            extra = {"n_articles": int(row.n_articles)} if hasattr(row, "n_articles") else {}
            graph.add_edge(row.source, row.target, weight=int(row.n), **extra)
    return graph
