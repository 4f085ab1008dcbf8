"""Separate an article's body from web boilerplate, recording every removed span (raw → body + removed)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

#: Reasons a span can be removed, in the order the cleaner considers them.
REASONS = (
    "related-articles",  # "Voir plus" / "Read more" tails about other news
    "navigation",  # breadcrumb and link labels ("Home Politics & Law", "source")
    "timestamp",  # a line that is only a publication date/time
    "title",  # the headline, moved to the `title` column
    "caption",  # photo captions, standalone or inline ("... ảnh 1Photo : VNA")
    "duplicate-standfirst",  # a lead that repeats the first paragraphs
    "duplicate-paragraph",  # a paragraph printed twice
    "markup",  # markdown emphasis, headings and rules
    "url",  # a bare URL line
    "footer",  # masthead or copyright line at the end
)

# A line that opens a block of links to other stories; everything after it goes.
_RELATED_HEADER = re.compile(
    r"^(?:voir plus|voir aussi|lire aussi|à lire aussi|a lire aussi|sur le même sujet|"
    r"articles? (?:liés|similaires|connexes)|dans la même rubrique|autres articles|"
    r"read more|read also|see also|related(?: articles| news| stories| posts)?|"
    r"more news|more stories|you may also like|most read|plus lus)\s*:?$",
    re.IGNORECASE,
)
# "Lire aussi : <headline>" inside a body: only that line goes.
_RELATED_INLINE = re.compile(r"^(?:lire aussi|à lire aussi|voir aussi|read (?:more|also)|see also)\s*:\s*\S", re.I)
_NAV_LABELS = {
    "source", "sources", "partager", "share", "imprimer", "print", "tags", "mots-clés",
    "mots clés", "commentaires", "comments", "accueil", "home", "retour", "back", "top",
    "haut de page", "facebook", "twitter", "email", "e-mail", "whatsapp",
}
_BREADCRUMB_START = re.compile(r"^(?:home|accueil|inicio|trang chủ)\b", re.IGNORECASE)
_BREADCRUMB_SEP = re.compile(r"\s(?:>|»|/|\||›)\s")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,}|={3,})$")
_URL_LINE = re.compile(r"^<?(?:https?://|www\.)\S+>?$")
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)", re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}\s+")
# Photo credits that end a caption line: "Photo: VNA", "Photo : VNA", "– VNA/VNS Photo",
# "ảnh 1Photo : VNA" (Vietnamese "ảnh" = picture, glued to the credit by the CMS), "(Photo: AFP)".
_CREDIT = (
    r"(?:\bảnh\s*\d*\s*Photo|\bPhoto)\s*(?:d['’]illustration\s*)?[:：]\s*[^\s.!?][^.!?]{0,60}"
    r"|[-–—]\s*[A-Z][\w]*(?:/[A-Z][\w]*)*\s+Photo"
    r"|\((?:Photo|Ảnh|Crédit|Credit)\s*:?[^)]{1,60}\)"
    r"|\bẢnh\s*:\s*[^.!?]{1,40}"
)
_CAPTION_END = re.compile(r"(?:" + _CREDIT + r")\s*$")
_CAPTION_START = re.compile(r"^(?:Photo|Ảnh)\s*(?:d['’]illustration\s*)?[:：]", re.IGNORECASE)
# The same marker glued into the middle of a line; only the marker goes.
_INLINE_MARKER = re.compile(r"\s*\bảnh\s*\d+\s*Photo\s*[:：]\s*[A-Z]{2,8}(?:/[A-Z]{2,8})*")
_EMPHASIS = re.compile(r"(\*\*|__|\*)(?=\S)(.+?)(?<=\S)\1")
_TERMINAL = re.compile(r"[.!?…»\"”)\]:;]$")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_SPACE = re.compile(r"[\s\u00a0\u200b\ufeff]+")


@dataclass
class CleanedText:
    """What :func:`clean_text` returns: the body and the audit of what was removed."""

    title: str
    text: str
    paragraphs: list[str]
    removed: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, reason) into raw


@dataclass
class _Line:
    start: int  # offsets of the stripped content in raw
    end: int
    block: int  # lines in the same block are not separated by a blank line
    keep: list[tuple[int, int]] = field(default_factory=list)  # kept sub-spans
    reason: str | None = None  # set when the whole line is removed


def _is_blank(s: str) -> bool:
    return not _SPACE.sub("", s)


def _split_lines(raw: str) -> list[_Line]:
    lines, block, pos = [], 0, 0
    # Only \n, \r\n and \r end a line: str.splitlines would also cut at U+2028/U+2029, \x0b, \x0c,
    # \x1c-\x1e and \x85, which sit inside paragraphs of web text.
    for piece in _LINE.findall(raw):
        content = piece.rstrip("\r\n")
        if _is_blank(content):
            block += 1
        else:
            lead = len(content) - len(content.lstrip(" \t\u00a0\u200b\ufeff"))
            trail = len(content) - len(content.rstrip(" \t\u00a0\u200b\ufeff"))
            lines.append(_Line(pos + lead, pos + len(content) - trail, block))
        pos += len(piece)
    return lines


def normalise_for_matching(s: str) -> str:
    """Case-fold, drop punctuation and collapse spaces, for duplicate detection.

    Accents are kept (unlike :func:`toolkit.text.fold_name`), and so are words joined by a
    hyphen or an apostrophe split (unlike :func:`toolkit.text.tokenize_words`): either would
    change which paragraphs count as repeats. NFC comes first, so a decomposed (NFD) "Trần"
    is one word here too.
    """
    s = unicodedata.normalize("NFC", s).casefold().replace("’", "'")
    return " ".join(re.findall(r"\w+", s))


def _words(s: str) -> int:
    return len(s.split())


def is_caption(line: str) -> bool:
    """True when ``line`` is a photo caption (ends with or starts with a photo credit)."""
    return bool(_CAPTION_END.search(line) or _CAPTION_START.match(line))


def _looks_like_title(line: str) -> bool:
    text = line.strip("*_# ").strip()
    return 0 < _words(text) <= 30 and not re.search(r"[.!?;,]$", text)


def clean_text(raw: str, *, find_title: bool = True, title: str | None = None,
               timestamp_pattern: re.Pattern | None = None,
               masthead_names: frozenset[str] = frozenset()) -> CleanedText:
    """Split ``raw`` into title, cleaned body and the removed spans.

    The body is made only of characters of ``raw``: removed spans are cut out, whole lines
    are stripped of surrounding spaces, lines hard-wrapped mid-sentence are rejoined with a
    space, and paragraphs are joined by a blank line. Nothing else changes (no spelling fixes).

    Args:
        raw: The article as read from its file, unchanged.
        find_title: Take the first title-like line as the headline (files); False when the
            title comes from elsewhere (a JSONL/CSV column).
        title: A known title; a first line equal to it is removed with reason ``title``.
        timestamp_pattern: Regex matching a line that is only a date/time.
        masthead_names: Case-folded outlet names; a short last line equal to one is a footer.

    Returns:
        A :class:`CleanedText`; ``removed`` holds ``(start_char, end_char, reason)`` into
        ``raw``, sorted by ``start_char``.
    """
    lines = _split_lines(raw)
    live = _mark_related_tail(raw, lines)
    live = _mark_footer(raw, live, masthead_names)
    title_text, live = _mark_top_matter(raw, live, find_title=find_title, title=title,
                                        timestamp_pattern=timestamp_pattern)
    live = _mark_captions(raw, live)
    live = _mark_duplicates(raw, live)
    removed = _cut_inline(raw, live)
    paragraphs = _paragraphs(raw, live)
    removed += [(ln.start, ln.end, ln.reason) for ln in lines if ln.reason]
    removed.sort()
    return CleanedText(title=title_text or (title or ""), text="\n\n".join(paragraphs),
                       paragraphs=paragraphs, removed=removed)


# --- the stages of clean_text, in order; each marks whole lines and returns those still kept ---


def _text(raw: str, ln: _Line) -> str:
    return raw[ln.start:ln.end]


def _kept(lines: list[_Line]) -> list[_Line]:
    return [ln for ln in lines if ln.reason is None]


def _mark_related_tail(raw: str, lines: list[_Line]) -> list[_Line]:
    """1. Related-article tails: from the header line to the end of the file."""
    seen_body = False
    for i, ln in enumerate(lines):
        s = _text(raw, ln)
        if seen_body and _RELATED_HEADER.match(s.strip("*_# ")):
            for rest in lines[i:]:
                rest.reason = "related-articles"
            break
        if _words(s) >= 8:
            seen_body = True
    return _kept(lines)


def _mark_footer(raw: str, live: list[_Line], masthead_names: frozenset[str]) -> list[_Line]:
    """2. Footer zone: walk back from the end over rules, URLs, mastheads and link labels."""
    for ln in reversed(live):
        s = _text(raw, ln)
        bare = s.strip("*_ ").strip()
        if _RULE.match(s):
            ln.reason = "markup"
        elif _URL_LINE.match(s):
            ln.reason = "url"
        elif _COPYRIGHT.match(bare) or (
            _words(bare) <= 8 and (bare.casefold() in masthead_names or (s.startswith("**") and s.endswith("**")))
        ):
            ln.reason = "footer"
        elif bare.casefold().rstrip(" :") in _NAV_LABELS:
            ln.reason = "navigation"
        else:
            break
    return _kept(live)


def _mark_top_matter(raw: str, live: list[_Line], *, find_title: bool, title: str | None,
                     timestamp_pattern: re.Pattern | None) -> tuple[str, list[_Line]]:
    """3. Top matter: breadcrumbs, timestamps, rules, then the title block; returns the title found."""
    title_text, i = "", 0
    while i < len(live):
        ln, s = live[i], _text(raw, live[i])
        if _RULE.match(s):
            ln.reason = "markup"
        elif (_BREADCRUMB_START.match(s) or _BREADCRUMB_SEP.search(s)) and _words(s) <= 10 and not _TERMINAL.search(s):
            ln.reason = "navigation"
        elif timestamp_pattern is not None and timestamp_pattern.match(s):
            ln.reason = "timestamp"
        elif not title_text and title and normalise_for_matching(s) == normalise_for_matching(title):
            ln.reason, title_text = "title", title
        elif not title_text and find_title and not title:
            block = _title_block(raw, live, i)
            joined = " ".join(_SPACE.sub(" ", _text(raw, b)).strip() for b in block)
            if not _looks_like_title(joined) or len(live) == len(block):
                break
            for b in block:
                b.reason = "title"
            title_text = _MD_HEADING.sub("", joined).strip("*_ ").strip()
            i += len(block)
            continue
        else:
            break
        i += 1
    # A timestamp line may also follow the title.
    for ln in live[i:i + 3]:
        if ln.reason is None and timestamp_pattern is not None and timestamp_pattern.match(_text(raw, ln)):
            ln.reason = "timestamp"
    return title_text, _kept(live)


def _title_block(raw: str, live: list[_Line], i: int) -> list[_Line]:
    """The line ``live[i]``, with the lines that continue it when it opens a hard-wrapped markdown-emphasised title."""
    ln, s = live[i], _text(raw, live[i])
    block = [ln]
    if s.startswith(("*", "_")) and not s.rstrip().endswith(s[0]):
        j = i + 1
        while j < len(live) and live[j].block == ln.block:
            block.append(live[j])
            if _text(raw, live[j]).rstrip().endswith(s[0]):
                break
            j += 1
    return block


def _mark_captions(raw: str, live: list[_Line]) -> list[_Line]:
    """4. Captions, anywhere; inline caption markers and "Lire aussi :" lines."""
    for ln in live:
        s = _text(raw, ln)
        if is_caption(s) and not _INLINE_MARKER.fullmatch(" " + s):
            ln.reason = "caption"
        elif _RELATED_INLINE.match(s):
            ln.reason = "related-articles"
    return _kept(live)


def _mark_duplicates(raw: str, live: list[_Line]) -> list[_Line]:
    """5. Standfirsts that repeat (part of) a later paragraph, and paragraphs printed twice."""
    norms = [normalise_for_matching(_text(raw, ln)) for ln in live]
    kept: set[str] = set()  # a set, not a list scan: linear in the number of lines; one copy always stays
    for k, ln in enumerate(live):
        # A standfirst is contained in a later paragraph; an identical one is a repeat (the first copy stays).
        if k < 3 and len(norms[k]) >= 40 and any(
                norms[k] in later and norms[k] != later for later in norms[k + 1:k + 8]):
            ln.reason = "duplicate-standfirst"
        elif norms[k] and norms[k] in kept and _words(norms[k]) >= 5:
            ln.reason = "duplicate-paragraph"
        else:
            kept.add(norms[k])
    return _kept(live)


def _cut_inline(raw: str, live: list[_Line]) -> list[tuple[int, int, str]]:
    """6. Inline removals inside kept lines: caption markers, markdown headings and emphasis.

    Sets each line's ``keep`` spans and returns the removed ``(start, end, reason)`` spans.
    """
    removed: list[tuple[int, int, str]] = []
    for ln in live:
        cuts: list[tuple[int, int, str]] = []
        s = _text(raw, ln)
        for m in _INLINE_MARKER.finditer(s):
            cuts.append((m.start(), m.end(), "caption"))
        h = _MD_HEADING.match(s)
        if h:
            cuts.append((0, h.end(), "markup"))
        for m in _EMPHASIS.finditer(s):
            if not any(a <= m.start() < b for a, b, _ in cuts):
                mark = len(m.group(1))
                cuts += [(m.start(), m.start() + mark, "markup"), (m.end() - mark, m.end(), "markup")]
        cuts.sort()
        pos = 0
        for a, b, reason in cuts:
            ln.keep.append((ln.start + pos, ln.start + a))
            removed.append((ln.start + a, ln.start + b, reason))
            pos = b
        ln.keep.append((ln.start + pos, ln.end))
    return removed


def _paragraphs(raw: str, live: list[_Line]) -> list[str]:
    """7. Rejoin lines hard-wrapped mid-sentence; each remaining line is otherwise a paragraph."""
    # Each paragraph is a list of its lines, joined once at the end: appending to a growing string,
    # or searching its end with a regex, would make a long hard-wrapped paragraph quadratic.
    groups: list[list[str]] = []
    for ln in live:
        piece = "".join(raw[a:b] for a, b in ln.keep).strip()
        if not piece:
            continue
        last = groups[-1][-1] if groups else ""
        if groups and not _TERMINAL.search(last[-1:]) and (
            piece[0].islower() or piece[0].isdigit() or last.endswith((",", "-", "–"))
        ):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return [" ".join(group) for group in groups]
