"""Who acts on whom: actor–action–target rows from the dependency parse (tokens + linked mentions → agency).

Actors and targets are resolved to linked entities by :mod:`toolkit.framing.speakers`,
exactly as the speakers of :mod:`toolkit.framing.quotes` are (a mention, a role
description, an anaphor), and the ``*_resolution`` columns say how.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.framing.groups import article_groups, groups_of_rows
from toolkit.framing.speakers import (
    NOMINAL,
    ParsedArticle,
    Resolver,
    index_roles,
    parse_articles,
    subject_of,
    typed_table,
)
from toolkit.schema import require_columns

__all__ = ["AGENCY_COLUMNS", "AGENCY_SUMMARY_COLUMNS", "extract_agency", "summarise_agency"]

AGENCY_COLUMNS = [
    "article_id", "sentence_id", "verb", "verb_text", "verb_start_char", "verb_end_char", "voice",
    "actor_text", "actor_entity_id", "actor_name", "actor_resolution", "actor_start_char", "actor_end_char",
    "target_text", "target_entity_id", "target_name", "target_resolution", "target_start_char", "target_end_char",
]
AGENCY_SUMMARY_COLUMNS = ["entity", "entity_id", "n_as_actor", "n_as_target", "verbs_as_actor", "verbs_as_target"]


def _arguments(doc: ParsedArticle, verb: int) -> tuple[list[int], list[int], str]:
    """Actors and targets of ``verb`` and its voice, from nsubj, obj, nsubj:pass, obl:agent."""
    kids = doc.children[verb]
    passive = any(doc.deprel[c] in ("nsubj:pass", "aux:pass") for c in kids)
    actors, targets = [], []
    for c in kids:
        rel = doc.deprel[c]
        if rel == "nsubj" and not passive:
            actors.append(c)
        elif rel == "obl:agent":
            nominal = [g for g in doc.children[c] if doc.upos[g] in NOMINAL] if doc.upos[c] == "ADP" else [c]
            actors += nominal[:1]
        elif rel == "obj" or rel == "nsubj:pass":
            targets.append(c)
    if not actors and not passive and doc.deprel[verb] in ("conj", "advcl", "xcomp") and doc.head[verb] != verb:
        governor = int(doc.head[verb])
        objects = [c for c in doc.children[governor] if doc.deprel[c] == "obj"]
        if doc.deprel[verb] == "xcomp" and objects:
            actors = objects[:1]  # object control: "encouragé le personnel à continuer"
        else:
            subject = subject_of(doc, governor)
            actors = [subject] if subject is not None else []
    return _with_conjuncts(doc, actors), _with_conjuncts(doc, targets), "passive" if passive else "active"


def _with_conjuncts(doc: ParsedArticle, heads: list[int]) -> list[int]:
    out = []
    for h in heads:
        out.append(h)
        out += [c for c in doc.children[h] if doc.deprel[c] == "conj" and doc.upos[c] in NOMINAL]
    return out


def _agency_of(doc: ParsedArticle, resolve: Resolver) -> list[dict]:
    """One row per (verb, actor, target) of one article, in token order (a missing side left empty)."""
    rows = []
    for verb in range(len(doc.words)):
        if doc.upos[verb] != "VERB":
            continue
        actors, targets, voice = _arguments(doc, verb)
        if not actors and not targets:
            continue
        base = {"article_id": doc.article_id, "sentence_id": int(doc.sid[verb]), "verb": doc.lemma[verb],
                "verb_text": doc.text[doc.start[verb]:doc.end[verb]], "verb_start_char": int(doc.start[verb]),
                "verb_end_char": int(doc.end[verb]), "voice": voice}
        for actor in actors or [None]:
            for target in targets or [None]:
                row = dict(base)
                for side, token in (("actor", actor), ("target", target)):
                    found = resolve(token) if token is not None else None
                    row |= {f"{side}_text": found.text if found else None,
                            f"{side}_entity_id": found.entity_id if found else None,
                            f"{side}_name": found.name if found else None,
                            f"{side}_resolution": found.resolution if found else None,
                            f"{side}_start_char": found.start if found else None,
                            f"{side}_end_char": found.end if found else None}
                rows.append(row)
    return rows


def extract_agency(tokens: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame, *,
                   cues: str | Path | pd.DataFrame | None = None,
                   roles: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """Who does what to whom: one actor–action–target row per verb and argument pair.

    For each verb, actors are its ``nsubj`` (active voice) or ``obl:agent`` (passive: "dirigée
    par le vice-ministre"), targets its ``obj`` or ``nsubj:pass``. A verb with no subject of
    its own takes that of the verb it depends on ("a souligné ... et a affirmé", "en
    accueillant"; for "encourager X à continuer", X). Coordinated nouns ("Alvarez Casas et sa
    délégation") give one row each. Actors and targets are resolved to linked entities as
    described in :mod:`toolkit.framing.speakers`.

    Args:
        tokens: From :func:`toolkit.annotate` (NEEDS_TOKENS: a dependency parse).
        mentions: Linked mentions (``link_entities(...).mentions``: NEEDS_MENTIONS).
        articles: The ``articles`` table (``article_id, language, text``).
        cues: A speech-cues file or table (see :func:`load_cues`); None for the toolkit's own.
        roles: A role table or file (see :func:`extract_quotes`).

    Returns:
        One row per (verb, actor, target), a missing side left empty: ``article_id`` (str),
        ``sentence_id`` (int), ``verb`` (str, lemma), ``verb_text`` (str), ``verb_start_char``,
        ``verb_end_char`` (int), ``voice`` (str, active/passive), then for ``actor`` and
        ``target``: ``*_text`` (str, the noun phrase), ``*_entity_id``, ``*_name`` (str,
        missing when unresolved), ``*_resolution`` (str, one of ``toolkit.quotes.RESOLUTIONS``),
        ``*_start_char``, ``*_end_char`` (Int64). For a plural pronoun ("elles", "they"),
        ``*_name`` holds the words of its antecedent ("les deux parties") and ``*_entity_id``
        stays missing. Sorted by article and verb offset.

    Raises:
        ValueError: a required column is missing or ``mentions`` are not linked.

    Example:
        >>> agency = extract_agency(tokens, linked.mentions, articles)
        >>> agency.groupby("actor_name")["verb"].agg(list)
    """
    docs, cue_sets = parse_articles(tokens, mentions, articles, cues)
    all_roles = index_roles(docs, cue_sets, mentions, roles)
    rows = [row for doc in docs for row in _agency_of(doc, Resolver(doc, all_roles, cue_sets[doc.language]))]
    table = pd.DataFrame(rows, columns=AGENCY_COLUMNS)
    table = table.sort_values(["article_id", "verb_start_char", "actor_start_char", "target_start_char"],
                              kind="mergesort", na_position="first").reset_index(drop=True)
    return typed_table(table, ints=["sentence_id", "verb_start_char", "verb_end_char"],
                  nullable=["actor_start_char", "actor_end_char", "target_start_char", "target_end_char"])


def summarise_agency(agency: pd.DataFrame, articles: pd.DataFrame, *, by="outlet", n_verbs: int = 3,
                     resolved_only: bool = False) -> pd.DataFrame:
    """Who acts and who is acted upon, per group of articles, and with which verbs.

    Args:
        agency: From :func:`extract_agency`.
        articles: The ``articles`` table (``article_id`` and the ``by`` column(s)).
        by: A column of ``articles`` or a list of columns (see
            :func:`toolkit.framing.summarise_frames`); missing groups become ``"unknown"``.
        n_verbs: How many of the most frequent verbs to list per entity and side.
        resolved_only: Keep only actors and targets resolved to an entity; otherwise an
            unresolved one is counted under its words, lower-cased ("les deux parties").

    Returns:
        One row per (group, entity): the group column(s) (str), ``entity`` (str, the entity's
        name or the words), ``entity_id`` (str, missing when unresolved), ``n_as_actor``,
        ``n_as_target`` (int: verbs with it as actor, as target), ``verbs_as_actor``,
        ``verbs_as_target`` (str, e.g. ``"souligner ×2; affirmer"``). Sorted by group, then
        ``n_as_actor`` and ``n_as_target`` descending, then entity.

    Raises:
        ValueError: a required column is missing or ``by`` is not a column of ``articles``.

    Example:
        >>> summarise_agency(agency, articles, by="outlet", resolved_only=True).head()
    """
    require_columns(agency, AGENCY_COLUMNS, name="agency")
    groups = article_groups(articles, by, function="summarise_agency")
    names = list(groups.columns)
    parts = []
    for side in ("actor", "target"):
        rows = agency[agency[f"{side}_text"].notna()]
        if resolved_only:
            rows = rows[rows[f"{side}_entity_id"].notna()]
        words = rows[f"{side}_name"].astype("object").fillna(rows[f"{side}_text"].astype("object")).str.lower()
        label = rows[f"{side}_name"].astype("object").where(rows[f"{side}_entity_id"].notna(), words)
        parts.append(pd.DataFrame({
            **{name: values.to_numpy() for name, values in groups_of_rows(rows["article_id"], groups).items()},
            "entity": label.to_numpy(), "entity_id": rows[f"{side}_entity_id"].astype("object").to_numpy(),
            "side": side, "verb": rows["verb"].to_numpy(), "article_id": rows["article_id"].to_numpy(),
            "at": rows["verb_start_char"].to_numpy()}))
    # One verb with two objects is two rows of `agency` but one action of its actor.
    long = pd.concat(parts, ignore_index=True).drop_duplicates(["article_id", "at", "side", "entity"])

    def verbs(values: pd.Series) -> str:
        counts = values.value_counts(sort=False).sort_index().sort_values(ascending=False, kind="mergesort")
        return "; ".join(v if n == 1 else f"{v} ×{n}" for v, n in counts.head(n_verbs).items())

    out = []
    for (*group, entity), rows in long.groupby([*names, "entity"], sort=False):
        ids = rows["entity_id"].dropna()
        actor, target = rows[rows["side"] == "actor"], rows[rows["side"] == "target"]
        out.append((*group, entity, ids.iloc[0] if len(ids) else None, len(actor), len(target),
                    verbs(actor["verb"]), verbs(target["verb"])))
    table = pd.DataFrame(out, columns=[*names, *AGENCY_SUMMARY_COLUMNS])
    table = table.sort_values([*names, "n_as_actor", "n_as_target", "entity"],
                              ascending=[True] * len(names) + [False, False, True],
                              kind="mergesort").reset_index(drop=True)
    return table.astype({**{name: "string" for name in names}, "entity": "string", "entity_id": "string",
                         "n_as_actor": "int64",
                         "n_as_target": "int64", "verbs_as_actor": "string", "verbs_as_target": "string"})
