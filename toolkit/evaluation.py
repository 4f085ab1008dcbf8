"""Score NER mentions against gold annotations read from CoNLL/BIO files.

This module sits beside the ``mentions`` table (``annotate`` → ``mentions``): it reads
hand-annotated CoNLL files into a ``gold`` table whose offsets point into
``articles.text``, scores any ``mentions`` table against it (exact span and type), and
lists the misfires (false positives, false negatives, wrong types, wrong boundaries) for
a notebook's candid error section.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from toolkit._checks import require_choice
from toolkit.nlp.tables import harmonise_label
from toolkit.schema import ENTITY_TYPES, require_columns

#: Columns of :func:`read_conll` (plus ``line``, where the mention starts in the file).
GOLD_COLUMNS = ["article_id", "start_char", "end_char", "text", "entity_type"]
#: Columns :func:`evaluate_ner` needs in both ``mentions`` and ``gold``.
SCORED_COLUMNS = ["article_id", "start_char", "end_char", "entity_type"]
#: Columns of :func:`evaluate_ner`.
SCORE_COLUMNS = ["entity_type", "n_gold", "n_predicted", "n_correct", "precision", "recall", "f1"]
#: Columns of :func:`ner_errors`.
ERROR_COLUMNS = [
    "article_id", "start_char", "end_char", "text", "predicted_type", "gold_type", "error",
    "gold_start_char", "gold_end_char", "gold_text",
]
#: Values of ``ner_errors(...).error``.
ERROR_KINDS = ("false positive", "false negative", "wrong type", "boundary")
#: Tagging schemes :func:`read_conll` understands.
SCHEMES = ("auto", "iob1", "iob2", "bioes", "bilou")

_DOCSTART = "-DOCSTART-"
_TAG = re.compile(r"([BIESLU])-(\S+)")
_PREFIXES = {
    "iob1": "BI", "iob2": "BI", "bioes": "BIES", "bilou": "BILU",
}
# Apostrophes and double quotes are compared loosely when aligning tokens to the text:
# annotators' editors often straighten or curl them. Each maps to one character, so
# offsets are unaffected.
_LOOSE_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"',
                       "\u201d": '"', "\u00ab": '"', "\u00bb": '"'})
_SPACE = re.compile(r"\s*")


# ---------------------------------------------------------------- reading

def _split(raw: str) -> list[str]:
    """Split a CoNLL line on tabs when it has any, else on runs of spaces (never on NBSP)."""
    if "\t" in raw:
        return [field.strip(" ") for field in raw.split("\t")]
    return [field for field in raw.split(" ") if field]


def _parse_lines(path: Path, *, article_id: str) -> list[dict]:
    """Read ``path`` into documents: ``{"article_id", "line", "sentences": [[(line, token, tag)]]}``."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise FileNotFoundError(f"gold file {str(path)!r} does not exist") from None
    documents: list[dict] = []
    n_columns = first_line = None

    def new_document(doc_id: str, line: int) -> dict:
        documents.append({"article_id": doc_id, "line": line, "sentences": [[]]})
        return documents[-1]

    document = None
    for number, raw in enumerate(lines, start=1):
        raw = raw.rstrip("\r\n")
        if raw.startswith("#"):
            continue
        if not raw.strip():
            if document is not None and document["sentences"][-1]:
                document["sentences"].append([])
            continue
        fields = _split(raw)
        if fields[0] == _DOCSTART:
            named = [f for f in fields[1:] if f not in ("-X-", "O")]
            if len(named) > 1:
                raise ValueError(
                    f"{path}:{number}: expected `-DOCSTART-` or `-DOCSTART- <article_id>`, "
                    f"got {raw!r}"
                )
            document = new_document(named[0] if named else article_id, number)
            continue
        if len(fields) < 2:
            raise ValueError(
                f"{path}:{number}: expected at least 2 columns (token ... TAG), "
                f"got {len(fields)}: {raw!r}"
            )
        if n_columns is None:
            n_columns, first_line = len(fields), number
        elif len(fields) != n_columns:
            raise ValueError(
                f"{path}:{number}: expected {n_columns} columns like line {first_line}, "
                f"got {len(fields)}: {raw!r}"
            )
        tag = fields[-1]
        if tag != "O" and not _TAG.fullmatch(tag):
            raise ValueError(
                f"{path}:{number}: tag {tag!r} is neither O nor <prefix>-<label> "
                f"with prefix B, I, E, S, L or U"
            )
        if document is None:
            document = new_document(article_id, number)
        document["sentences"][-1].append((number, fields[0], tag))
    for document in documents:
        document["sentences"] = [s for s in document["sentences"] if s]
    return documents


def _split_tag(tag: str) -> tuple[str, str | None]:
    """``"B-PER"`` → ``("B", "PER")``; ``"O"`` → ``("O", None)``."""
    return ("O", None) if tag == "O" else (tag[0], tag[2:])


def _detect_scheme(documents: list[dict]) -> str:
    """Guess the tagging scheme from the tags: BILOU/BIOES letters, else IOB1 if an I- starts an entity."""
    prefixes = {tag[0] for doc in documents for sent in doc["sentences"] for _, _, tag in sent}
    if prefixes & set("LU"):
        return "bilou"
    if prefixes & set("ES"):
        return "bioes"
    for doc in documents:
        for sentence in doc["sentences"]:
            previous = ("O", None)
            for _, _, tag in sentence:
                prefix, label = _split_tag(tag)
                if prefix == "I" and (previous[0] == "O" or previous[1] != label):
                    return "iob1"
                previous = (prefix, label)
    return "iob2"


def _decode(sentence: list, *, scheme: str, strict: bool, path: Path) -> list[tuple[int, int, str]]:
    """Turn one sentence's tags into ``(first_token, last_token, label)`` spans."""
    spans: list[list] = []
    open_span: list | None = None  # [first, last, label]
    allowed = _PREFIXES[scheme]
    for i, (number, token, tag) in enumerate(sentence):
        prefix, label = _split_tag(tag)
        where = f"{path}:{number}"
        if prefix != "O" and prefix not in allowed:
            raise ValueError(f"{where}: tag {tag!r} does not belong to the {scheme.upper()} scheme")
        if scheme in ("bioes", "bilou"):
            prefix = {"L": "E", "U": "S"}.get(prefix, prefix)
            inside = open_span is not None and open_span[2] == label
            if prefix in ("I", "E") and not inside:
                raise ValueError(f"{where}: {tag!r} continues no open {label} entity "
                                 f"({scheme.upper()} entities start with B- or are a single S-/U-)")
            if prefix in ("B", "S", "O") and open_span is not None:
                raise ValueError(f"{where}: {tag!r} follows an unclosed {open_span[2]} entity "
                                 f"({scheme.upper()} entities end with E-/L-)")
            if prefix == "B":
                open_span = [i, i, label]
            elif prefix == "I":
                open_span[1] = i
            elif prefix in ("E", "S"):
                spans.append(open_span if prefix == "E" else [i, i, label])
                spans[-1][1] = i
                open_span = None
            continue
        continues = open_span is not None and open_span[2] == label
        if prefix == "O":
            open_span = None
        elif prefix == "I" and continues:
            open_span[1] = i
        else:
            if strict and scheme == "iob2" and prefix == "I":
                raise ValueError(f"{where}: {tag!r} follows {'O' if open_span is None else open_span[2]} "
                                 f"or starts the sentence; IOB2 entities start with B-")
            if strict and scheme == "iob1" and prefix == "B" and not continues:
                raise ValueError(f"{where}: {tag!r} does not follow a {label} entity; IOB1 uses B- "
                                 f"only between two adjacent entities of the same type")
            open_span = [i, i, label]
            spans.append(open_span)
    if open_span is not None and scheme in ("bioes", "bilou"):
        raise ValueError(f"{path}:{sentence[-1][0]}: the sentence ends inside a {open_span[2]} "
                         f"entity ({scheme.upper()} entities end with E-/L-)")
    return [tuple(span) for span in spans]


def _align(token: str, text: str, pos: int) -> tuple[int, int] | None:
    """Offsets of ``token`` in ``text`` at ``pos`` after whitespace, or None when it is not there."""
    start = _SPACE.match(text, pos).end()
    for form in dict.fromkeys([token, unicodedata.normalize("NFC", token),
                               unicodedata.normalize("NFD", token)]):
        end = start + len(form)
        if text[start:end].translate(_LOOSE_QUOTES) == form.translate(_LOOSE_QUOTES):
            return start, end
    return None


def read_conll(path: str | Path, *, articles: pd.DataFrame | None = None, scheme: str = "auto",
               article_id: str | None = None) -> pd.DataFrame:
    """Read gold entity mentions from a CoNLL/BIO file.

    The file has one token per line, the tag in the last column: 2 columns
    (``token TAG``) or CoNLL-2003's 4 (``token POS CHUNK TAG``), separated by tabs or
    spaces, every line with the same number of columns. A blank line ends a sentence.
    Lines starting with ``#`` are comments (so a token cannot start with ``#``).
    ``-DOCSTART- <article_id>`` starts the tokens of that article; a bare ``-DOCSTART-``
    (or CoNLL-2003's ``-DOCSTART- -X- -X- O``), or no such line, gives them the
    ``article_id`` argument. Several blocks for the same article continue one another.

    Tags are ``O`` or ``<prefix>-<label>``: IOB2 (every entity starts with ``B-``), IOB1
    (``I-`` throughout, ``B-`` only between two adjacent entities of the same type),
    BIOES or BILOU. Labels are harmonised with
    :func:`toolkit.nlp.tables.harmonise_label` (PERSON → PER, GPE → LOC, ...); labels it
    maps to None (DATE, MONEY, CARDINAL...) are dropped, as they are not name mentions.

    Offsets: with ``articles``, every token is searched in the article's ``text`` right
    after the previous token, skipping whitespace (straight and curly apostrophes and
    quotes compare equal; NFC and NFD forms too), so offsets index ``articles.text``
    exactly. Without ``articles``, offsets index the text rebuilt by joining each
    article's tokens with single spaces (sentence breaks are single spaces too).

    Args:
        path: The CoNLL file (UTF-8).
        articles: Optional; needs ``article_id`` and ``text``. Every article named in
            the file must be here.
        scheme: ``"iob1"``, ``"iob2"``, ``"bioes"``, ``"bilou"``, or ``"auto"``: BILOU
            or BIOES when such prefixes occur, else IOB1 when an ``I-`` tag starts an
            entity (after ``O``, another type or a sentence start), else IOB2. A named
            scheme is checked strictly; ``"auto"`` reads IOB tags leniently (an ``I-``
            that cannot continue an entity starts one, ``B-`` always starts one).
        article_id: Article of the tokens no ``-DOCSTART- <article_id>`` names;
            defaults to the file's stem.

    Returns:
        One row per gold mention, sorted by ``article_id``, ``start_char``, ``end_char``:
        ``article_id`` (str), ``start_char`` (int64), ``end_char`` (int64), ``text`` (str,
        the mention as it reads at those offsets), ``entity_type`` (str: PER, ORG, LOC or
        MISC), ``line`` (int64, the file line of its first token). ``.attrs["scheme"]``
        is the scheme used and ``.attrs["article_ids"]`` every article the file covers,
        including those without any entity (pass it to :func:`evaluate_ner`'s
        ``article_ids`` so their false positives count).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: a malformed line (column count, tag, a tag breaking the scheme), an
            article missing from ``articles``, or a token not found in its text; the
            message names the file and line.

    Example:
        >>> articles = tk.load_corpus(tk.SEEDS).articles
        >>> gold = read_conll("seeds/gold/002-ner.conll", articles=articles)
        >>> gold.entity_type.value_counts()
    """
    require_choice(scheme, SCHEMES, name="scheme")
    path = Path(path)
    texts = None
    if articles is not None:
        require_columns(articles, ["article_id", "text"], name="articles")
        texts = dict(zip(articles["article_id"], articles["text"]))
    documents = _parse_lines(path, article_id=article_id if article_id is not None else path.stem)
    used = _detect_scheme(documents) if scheme == "auto" else scheme

    rows = []
    positions: dict[str, int] = {}  # where the next token of each article is searched from
    for document in documents:
        doc_id = document["article_id"]
        if texts is not None and doc_id not in texts:
            raise ValueError(f"{path}:{document['line']}: article {doc_id!r} is not in `articles`")
        text = texts[doc_id] if texts is not None else None
        for sentence in document["sentences"]:
            offsets = []
            for number, token, _ in sentence:
                pos = positions.get(doc_id, 0)
                if text is None:
                    start = pos + 1 if pos else 0
                    offsets.append((start, start + len(token)))
                else:
                    found = _align(token, text, pos)
                    if found is None:
                        there = text[_SPACE.match(text, pos).end():][:30]
                        raise ValueError(
                            f"{path}:{number}: token {token!r} not found in article {doc_id!r} "
                            f"at char {pos} (the text there reads {there!r})"
                        )
                    offsets.append(found)
                positions[doc_id] = offsets[-1][1]
            for first, last, label in _decode(sentence, scheme=used, strict=scheme != "auto",
                                              path=path):
                entity_type = harmonise_label(label)
                if entity_type is None:
                    continue
                start, end = offsets[first][0], offsets[last][1]
                if text is None:
                    surface = " ".join(token for _, token, _ in sentence[first:last + 1])
                else:
                    surface = text[start:end]
                rows.append((doc_id, start, end, surface, entity_type, sentence[first][0]))

    gold = pd.DataFrame(rows, columns=GOLD_COLUMNS + ["line"]).astype(
        {"article_id": "str", "start_char": "int64", "end_char": "int64", "text": "str",
         "entity_type": "str", "line": "int64"}
    )
    gold = gold.sort_values(["article_id", "start_char", "end_char"], ignore_index=True)
    gold.attrs["scheme"] = used
    gold.attrs["article_ids"] = list(dict.fromkeys(d["article_id"] for d in documents))
    return gold


# ---------------------------------------------------------------- scoring

def _scored(table: pd.DataFrame, *, name: str, columns: list[str],
            article_ids: set | None) -> pd.DataFrame:
    """Check, deduplicate and restrict a mentions-like table to the scored articles."""
    require_columns(table, columns, name=name)
    table = table.loc[table["entity_type"].notna(), columns]
    table = table.astype({"start_char": "int64", "end_char": "int64"})
    if article_ids is not None:
        table = table[table["article_id"].isin(article_ids)]
    return table.drop_duplicates(SCORED_COLUMNS, ignore_index=True)


def _article_ids(gold: pd.DataFrame, article_ids: Iterable[str] | None) -> set:
    """The articles to score: those given, else every article with a gold mention."""
    if article_ids is None:
        return set(gold["article_id"])
    if isinstance(article_ids, str):
        raise TypeError(f"`article_ids` must be a list of article ids, got the string {article_ids!r}")
    return set(article_ids)


def _ratio(numerator: int, denominator: int) -> float:
    """``numerator / denominator``, 0.0 when the denominator is 0."""
    return numerator / denominator if denominator else 0.0


def evaluate_ner(mentions: pd.DataFrame, gold: pd.DataFrame, *, by_type: bool = True,
                 article_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Score predicted mentions against gold ones: exact span and type (CoNLL's measure).

    A prediction is correct when a gold mention has the same ``article_id``,
    ``start_char``, ``end_char`` and ``entity_type``; anything else counts once against
    precision (the prediction) and once against recall (the gold mention it missed),
    so a right span with the wrong type, or a right type with a wrong boundary, costs
    both. Only articles in ``gold`` (or ``article_ids``) are scored: predictions for
    other articles are ignored. Exact duplicate rows and rows whose ``entity_type`` is
    missing are dropped from both tables first.

    Args:
        mentions: The predictions, one row per mention; needs ``article_id``,
            ``start_char``, ``end_char``, ``entity_type`` (e.g. the ``mentions`` table).
        gold: The gold mentions, same columns (e.g. from :func:`read_conll`).
        by_type: One row per entity type plus ``overall``; ``False`` gives only ``overall``.
        article_ids: Articles to score; default, every article with a gold mention.
            Name the annotated articles here when some have no gold entity at all
            (``read_conll(...).attrs["article_ids"]``), so their false positives count.

    Returns:
        One row per entity type present in ``gold`` or the predictions (PER, ORG, LOC,
        MISC first, any other types after them alphabetically), then ``overall``
        (micro-averaged: summed counts), with columns ``entity_type`` (str), ``n_gold``
        (int64), ``n_predicted`` (int64), ``n_correct`` (int64), ``precision`` (float64,
        n_correct / n_predicted), ``recall`` (float64, n_correct / n_gold), ``f1``
        (float64, their harmonic mean). A ratio whose denominator is 0 is 0.0, and so is
        F1 when precision and recall are both 0.

    Raises:
        ValueError: a required column is missing.
        TypeError: a table is not a DataFrame, or ``article_ids`` is a string.

    Example:
        >>> evaluate_ner(mentions, read_conll("gold.conll", articles=articles))
    """
    require_columns(gold, SCORED_COLUMNS, name="gold")
    scored_ids = _article_ids(gold, article_ids)
    gold = _scored(gold, name="gold", columns=SCORED_COLUMNS, article_ids=scored_ids)
    predicted = _scored(mentions, name="mentions", columns=SCORED_COLUMNS, article_ids=scored_ids)
    correct = gold.merge(predicted, on=SCORED_COLUMNS)

    types = set(gold["entity_type"]) | set(predicted["entity_type"])
    order = [t for t in ENTITY_TYPES if t in types] + sorted(types - set(ENTITY_TYPES))
    groups = [(t, lambda table, t=t: table["entity_type"] == t) for t in order] if by_type else []
    groups.append(("overall", lambda table: pd.Series(True, index=table.index)))
    rows = []
    for name, select in groups:
        n_gold = int(select(gold).sum())
        n_predicted = int(select(predicted).sum())
        n_correct = int(select(correct).sum())
        precision, recall = _ratio(n_correct, n_predicted), _ratio(n_correct, n_gold)
        f1 = _ratio(2 * precision * recall, precision + recall)
        rows.append((name, n_gold, n_predicted, n_correct, precision, recall, f1))
    return pd.DataFrame(rows, columns=SCORE_COLUMNS).astype(
        {"entity_type": "str", "n_gold": "int64", "n_predicted": "int64", "n_correct": "int64",
         "precision": "float64", "recall": "float64", "f1": "float64"}
    )


def _article_errors(predicted: list[tuple], gold: list[tuple]) -> list[dict]:
    """Pair one article's unmatched predictions and gold mentions into error rows."""
    # items are (start_char, end_char, text, entity_type)
    gold_left = list(gold)
    predicted_left = []
    for p in predicted:
        if p[:2] + p[3:] in {g[:2] + g[3:] for g in gold_left}:
            gold_left = [g for g in gold_left if g[:2] + g[3:] != p[:2] + p[3:]]
        else:
            predicted_left.append(p)

    def row(p, g, error):
        shown = p if p is not None else g
        return {"start_char": shown[0], "end_char": shown[1], "text": shown[2],
                "predicted_type": p[3] if p is not None else None,
                "gold_type": g[3] if g is not None else None, "error": error,
                "gold_start_char": g[0] if g is not None else None,
                "gold_end_char": g[1] if g is not None else None,
                "gold_text": g[2] if g is not None else None}

    rows = []
    # Same span, other type first; then the largest overlaps, preferring the same type.
    candidates = []
    for i, p in enumerate(predicted_left):
        for j, g in enumerate(gold_left):
            overlap = min(p[1], g[1]) - max(p[0], g[0])
            if overlap > 0:
                same_span = p[:2] == g[:2]
                candidates.append((not same_span, -overlap, p[3] != g[3], p[0], g[0], i, j))
    used_p, used_g = set(), set()
    for not_same_span, *_, i, j in sorted(candidates):
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        rows.append(row(predicted_left[i], gold_left[j],
                        "boundary" if not_same_span else "wrong type"))
    rows += [row(p, None, "false positive") for i, p in enumerate(predicted_left) if i not in used_p]
    rows += [row(None, g, "false negative") for j, g in enumerate(gold_left) if j not in used_g]
    return rows


def ner_errors(mentions: pd.DataFrame, gold: pd.DataFrame, *,
               article_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """List every misfire behind :func:`evaluate_ner`'s scores, classified.

    After exact matches (span and type) are set aside, a prediction with the same span
    as a gold mention but another type is a ``wrong type``; a prediction overlapping a
    gold mention without the same span is a ``boundary`` error (largest overlap paired
    first, whatever the types); any other prediction is a ``false positive`` and any
    other gold mention a ``false negative``. So each ``wrong type`` and ``boundary`` row
    stands for one false positive plus one false negative of the exact-match score.
    The same articles are scored as in :func:`evaluate_ner`.

    Args:
        mentions: The predictions; needs ``article_id``, ``start_char``, ``end_char``,
            ``text``, ``entity_type`` (e.g. the ``mentions`` table).
        gold: The gold mentions, same columns (e.g. from :func:`read_conll`).
        article_ids: Articles to score; default, every article with a gold mention.

    Returns:
        One row per error, sorted by ``article_id``, ``start_char``, ``end_char``, with
        columns ``article_id`` (str); ``start_char``, ``end_char`` (int64) and ``text``
        (str) of the prediction, or of the gold mention for a false negative;
        ``predicted_type`` (str, missing for false negatives); ``gold_type`` (str,
        missing for false positives); ``error`` (str, one of :data:`ERROR_KINDS`);
        ``gold_start_char``, ``gold_end_char`` (Int64) and ``gold_text`` (str) of the
        gold mention involved (missing for false positives).

    Raises:
        ValueError: a required column is missing.
        TypeError: a table is not a DataFrame, or ``article_ids`` is a string.

    Example:
        >>> ner_errors(mentions, gold).query("error == 'boundary'")
    """
    columns = SCORED_COLUMNS + ["text"]
    require_columns(gold, columns, name="gold")
    scored_ids = _article_ids(gold, article_ids)
    gold = _scored(gold, name="gold", columns=columns, article_ids=scored_ids)
    predicted = _scored(mentions, name="mentions", columns=columns, article_ids=scored_ids)

    def items(table, article):
        part = table[table["article_id"] == article].sort_values(["start_char", "end_char"])
        return list(zip(part["start_char"], part["end_char"], part["text"], part["entity_type"]))

    rows = []
    for article in sorted(set(gold["article_id"]) | set(predicted["article_id"])):
        rows += [{"article_id": article, **r}
                 for r in _article_errors(items(predicted, article), items(gold, article))]
    errors = pd.DataFrame(rows, columns=ERROR_COLUMNS).astype(
        {"article_id": "str", "start_char": "int64", "end_char": "int64", "text": "str",
         "predicted_type": "str", "gold_type": "str", "error": "str",
         "gold_start_char": "Int64", "gold_end_char": "Int64", "gold_text": "str"}
    )
    return errors.sort_values(["article_id", "start_char", "end_char", "error"], ignore_index=True)
