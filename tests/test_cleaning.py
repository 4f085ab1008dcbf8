"""Tests for toolkit.cleaning: the nothing-lost property on generated articles, and each removal rule."""

from __future__ import annotations

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from toolkit.cleaning import REASONS, clean_text, is_caption, normalise_for_matching
from toolkit.corpus import TIMESTAMP_LINE

BODY = ["Le ministre a reçu la délégation à Hanoï pour des entretiens sur la coopération.",
        "The two sides agreed to expand cooperation in training and immigration management.",
        "Les deux parties ont convenu de renforcer l'échange d'expériences, et de plus en plus",
        "consolidée sur la base de la confiance.", "**Un mot** en *gras* dans une phrase qui continue.",
        "Hanoï (VNA) - Le général To Lam a souligné l'importance de la visite ministérielle."]
BOILERPLATE = ["Home > Politics", "October 27, 2024 - 20:13", "Photo: VNA", "---",
               "<https://example.org/story>", "**Radio Habana Cuba**", "Voir plus", "Lire aussi : Autre sujet",
               "Le ministre et son homologue. Photo : VNA", "Titre ảnh 1Photo : VNA", "source", "   ", "\u00a0"]


def nonspace(s: str) -> str:
    return "".join(s.split())


def rebuild(raw, removed):
    kept, pos = [], 0
    for start, end, _ in removed:
        assert start >= pos
        kept.append(raw[pos:start])
        pos = end
    return "".join(kept) + raw[pos:]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(BODY + BOILERPLATE), min_size=1, max_size=14),
       st.lists(st.sampled_from(["\n", "\n\n", "\r\n", "\n\n\n"]), min_size=14, max_size=14))
def test_nothing_lost_on_generated_articles(lines, breaks):
    raw = "".join(line + brk for line, brk in zip(lines, breaks))
    cleaned = clean_text(raw, timestamp_pattern=TIMESTAMP_LINE, masthead_names=frozenset({"radio habana cuba"}))
    assert {reason for _, _, reason in cleaned.removed} <= set(REASONS)
    # The body is exactly what was not removed (whitespace aside); the title is a removed span.
    assert nonspace(rebuild(raw, cleaned.removed)) == nonspace(cleaned.text)
    assert "\n\n\n" not in cleaned.text


def test_each_rule():
    raw = ("Home > Politics\n\nUn titre d'article\n\nOctober 27, 2024 - 20:13\n"
           "Hanoï (VNA) - Le premier paragraphe dit ceci, sans détour aucun.\n"
           "Légende de la photo. Photo : VNA\n\nUn *mot* en gras, et une phrase coupée\n\n"
           "en deux lignes.\n\n---\n\n<https://example.org/x>\n\n**Radio Habana Cuba**")
    cleaned = clean_text(raw, timestamp_pattern=TIMESTAMP_LINE, masthead_names=frozenset({"radio habana cuba"}))
    reasons = [reason for _, _, reason in cleaned.removed]
    assert reasons == ["navigation", "title", "timestamp", "caption", "markup", "markup", "markup", "url", "footer"]
    assert cleaned.title == "Un titre d'article"
    assert cleaned.paragraphs == ["Hanoï (VNA) - Le premier paragraphe dit ceci, sans détour aucun.",
                                  "Un mot en gras, et une phrase coupée en deux lignes."]


def test_related_tail_needs_a_body_first():
    cleaned = clean_text("Read more\n\nThis opening line is the article's real first sentence, long enough.")
    assert "real first sentence" in cleaned.text


def test_is_caption():
    assert is_caption("Deputy Minister laid flowers in Havana.  – VNA/VNS Photo")
    assert is_caption("Le ministère coopère avec le ministère cubain ảnh 2Photo : VNA")
    assert not is_caption("The photo session ended with a statement by the minister.")


def test_a_furniture_line_repeated_in_decomposed_unicode_is_a_duplicate():
    label = "Partager Trần Quốc"
    decomposed = unicodedata.normalize("NFD", label)
    assert normalise_for_matching(decomposed) == normalise_for_matching(label)
    assert "trần quốc" in normalise_for_matching(decomposed)
    others = "\n\n".join(f"Un autre paragraphe, le numéro {k}, tout à fait différent." for k in range(3))
    cleaned = clean_text(f"Un titre\n\n{label}\n\n{others}\n\n{decomposed}")
    assert [reason for _, _, reason in cleaned.removed] == ["title", "duplicate-paragraph"]


def test_a_sentence_printed_twice_stays_twice():
    paragraph = "Le vice-ministre Trần Quốc Tỏ a reçu la délégation cubaine à Hanoï ce mardi."
    others = "\n\n".join(f"Un autre paragraphe, le numéro {k}, tout à fait différent." for k in range(3))
    cleaned = clean_text(f"Un titre\n\n{others}\n\n{paragraph}\n\n{paragraph}")
    assert [reason for _, _, reason in cleaned.removed] == ["title"]
    assert cleaned.paragraphs[-2:] == [paragraph, paragraph]


class TestContract:
    """Article text is never removed or rewritten: only spans with positive evidence go."""

    BODY = "\n\n".join(f"Le paragraphe numéro {k} de l'article dit quelque chose de précis." for k in range(3))

    def test_headline_ending_in_question_or_exclamation_is_a_title(self):
        for headline in ("Qu'ont-ils dit de Macron ?", "Tous à vos projets !"):
            cleaned = clean_text(f"{headline}\n\n{self.BODY}")
            assert cleaned.title == headline
            assert headline not in cleaned.text

    def test_first_line_title_option(self):
        raw = f"Une phrase de titre qui finit par un point.\n\n{self.BODY}"
        assert clean_text(raw).title == ""
        assert clean_text(raw, first_line_title=True).title == "Une phrase de titre qui finit par un point."

    def test_headline_with_a_slash_is_not_a_breadcrumb(self):
        headline = "Tillerson out / Pompeo in at the State Department after months of tension"
        cleaned = clean_text(f"{headline}\n\n{self.BODY}")
        assert cleaned.title == headline
        assert [r for _, _, r in clean_text(f"Accueil / Monde / Asie\n\n{headline}\n\n{self.BODY}").removed] == [
            "navigation", "title"]

    def test_a_first_line_equal_to_the_title_once_normalised_is_the_title(self):
        # The line has more space-separated pieces than the title, and as many normalised words.
        for title, line in [("Jean-Pierre's day: Hanoï", "JEAN PIERRE S DAY HANOÏ"), ("Vote", "« Vote »"),
                            ("L'entretien", "l’entretien")]:
            cleaned = clean_text(f"{line}\n\n{self.BODY}", find_title=False, title=title)
            assert [r for _, _, r in cleaned.removed] == ["title"], line
        cleaned = clean_text(f"Jean Pierre s day Hanoï now\n\n{self.BODY}", find_title=False, title="Jean-Pierre's day")
        assert cleaned.removed == []

    def test_intertitle_and_repeated_headline_stay(self):
        title = "Le déclassement de la fonction présidentielle"
        raw = (f"{title}\n\nLa vulgarité du propos a fait réagir.\n\n"
               f"Elle montre le déclassement de la fonction présidentielle dans notre pays.\n\n"
               f"Un intertitre\n\n{self.BODY}\n\n{title}\n\nEncore du texte ici.\n\n{title}")
        cleaned = clean_text(raw, find_title=False, title=title)
        assert [r for _, _, r in cleaned.removed] == ["title"]
        assert cleaned.paragraphs.count(title) == 2
        assert "Un intertitre" in cleaned.paragraphs

    def test_standfirst_repeating_a_long_lead_is_removed(self):
        lead = "Le ministre a annoncé mardi un plan de vingt mesures pour la sécurité des routes de montagne cet hiver."
        cleaned = clean_text(f"Titre\n\n{lead}\n\n{lead} Il sera voté en mars.\n\n{self.BODY}")
        assert [r for _, _, r in cleaned.removed] == ["title", "duplicate-standfirst"]

    def test_censoring_stars_and_words_with_stars_stay(self):
        raw = f"Titre\n\n« Un p*** de bébé », a-t-il dit, en **gras** et en *italique*.\n\n* * *\n\n{self.BODY}"
        cleaned = clean_text(raw)
        assert cleaned.paragraphs[0] == "« Un p*** de bébé », a-t-il dit, en gras et en italique."
        assert "* * *" in cleaned.paragraphs
        assert all(raw[a:b] in ("*", "**", "Titre") for a, b, _ in cleaned.removed)

    def test_a_refrain_repeated_three_times_stays(self):
        refrain = "Nous ne sommes pas assez diversifiés et inclusifs."
        cleaned = clean_text(f"Titre\n\n{refrain}\n\n{self.BODY}\n\n{refrain}\n\n{refrain}")
        assert cleaned.paragraphs.count(refrain) == 3


class TestBoilerplate:
    """Corpus-level repeated lines and the pattern file."""

    def test_default_patterns_remove_forms_and_polls(self):
        from toolkit.cleaning import load_patterns

        raw = ("Le titre\n\nA real first paragraph, with a full sentence in it.\n\n"
               "HEADLINE GLUED take our poll - story continues below\n"
               "Should they stay?\nShould they stay?\nShould they stay?\n* Yes, they should.\n* No\n"
               "Email *\n"
               "Email This field is for validation purposes and should be left unchanged. "
               "Completing this poll grants you access to updates free of charge.\n\n"
               "The last paragraph is article text too.")
        cleaned = clean_text(raw, patterns=load_patterns())
        assert cleaned.paragraphs == ["A real first paragraph, with a full sentence in it.", "HEADLINE GLUED",
                                      "The last paragraph is article text too."]
        assert {r for _, _, r in cleaned.removed} == {"title", "poll-widget", "web-form"}
        assert {r for _, _, r in cleaned.removed} <= set(REASONS)

    def test_default_patterns_remove_signup_follow_share_and_embed_lines(self):
        import itertools

        from toolkit.cleaning import load_patterns

        furniture = {
            "Sign up for the Morning Digest — the day's news, in your inbox.": "promo",
            "Subscribe to our e-mail alerts": "promo",
            "Not on our mailing list yet? Please sign up here.": "promo",
            "SUBSCRIBE on YouTube:": "promo",
            "Follow Jane Roe on Facebook and Twitter at @jroe.": "promo",
            "Join us on Telegram": "promo",
            "Share, Tweet or Email this story": "navigation",
            "Share | Tweet | Print": "navigation",
            "Memo on the budget talks by Daily Planet on Scribd": "embed",
            "A post shared by Jane Roe (@jroe) on Jun 5, 2020 at 10:01am PDT": "embed",
        }
        article = [
            "Like many users on Twitter, she thought the post was a joke.",
            "Voters can sign up here until Friday, the mayor said.",
            "Follow-up reports on Facebook suggested the vote was delayed.",
            "A post shared by the minister on Facebook drew criticism.",
            "Share prices fell, and investors sold their bonds on Monday.",
            "He said he would subscribe to the plan to cut taxes.",
        ]
        raw = "Le titre\n\nA first paragraph, with a sentence.\n\n" + "\n\n".join(
            [line for pair in itertools.zip_longest(article, furniture) for line in pair if line])
        cleaned = clean_text(raw, patterns=load_patterns())
        assert cleaned.paragraphs == ["A first paragraph, with a sentence."] + article
        found = {raw[a:b]: r for a, b, r in cleaned.removed if r != "title"}
        assert found == furniture

    def test_user_pattern_file(self, tmp_path):
        from toolkit.cleaning import load_patterns

        path = tmp_path / "patterns.txt"
        path.write_text("# mine\nsponsor (?i)^sponsored by [^\\n]*$\n", encoding="utf-8")
        patterns = load_patterns(path, defaults=False)
        cleaned = clean_text("Titre\n\nUne phrase de l'article.\n\nSponsored by ACME", patterns=patterns)
        assert [(r) for _, _, r in cleaned.removed] == ["title", "sponsor"]
        path.write_text("broken (unclosed\n", encoding="utf-8")
        import pytest

        with pytest.raises(ValueError, match="patterns.txt:1"):
            load_patterns(path, defaults=False)

    def test_repeated_lines_need_count_and_furniture_shape(self):
        from toolkit.cleaning import find_repeated_lines

        sentence = "The minister said the plan would be voted in March."
        texts = [f"Body {k} is here.\n{sentence}\nShare this story\nSubscribe" for k in range(3)]
        repeated = find_repeated_lines(texts + [texts[0]] * 5, min_articles=3)
        assert repeated == {"Share this story", "Subscribe"}
        assert find_repeated_lines(texts[:2] * 4, min_articles=3) == frozenset()  # 2 distinct articles
        cleaned = clean_text(texts[0], find_title=False, repeated_lines=repeated)
        assert cleaned.paragraphs == ["Body 0 is here.", sentence]
        assert [r for _, _, r in cleaned.removed] == ["repeated-across-articles"] * 2


class TestWidgetLines:
    """Second round of widget rules (issue 13): each removes its furniture and keeps near-miss article sentences."""

    LEAD = "The senator said on Monday that the committee would vote on the bill next week, aides said."
    TAIL = "The vote is expected to be close, with several members still undecided about the measure."

    def _clean(self, *middle: str):
        from toolkit.cleaning import load_patterns

        raw = "\n".join([self.LEAD, *middle, self.TAIL])
        return raw, clean_text(raw, find_title=False, patterns=load_patterns())

    def _removed(self, raw, result):
        return {raw[a:b].strip(): why for a, b, why in result.removed}

    def test_furniture_goes_with_its_reason(self):
        lines = {
            "TRUMP TEAM CONFIDENT AFTER REPORT DROP": "related-articles",
            "RELATED: Senate panel delays vote on budget": "related-articles",
            "See also: Senate panel delays vote on budget": "related-articles",
            "© 2018 Creators.com": "footer",
            "COPYRIGHT 2018 CREATORS.COM": "footer",
            "© Provided by Example News The senator arrives at the Capitol [Jane Roe/ Agency]": "footer",
            "Our Standards: The Thomson Reuters Trust Principles.": "footer",
            "This article is featured in the new Print/E-edition of The Daily Example.": "promo",
            "Speaking of guns, enter to win this rifle kit and build your own at home!": "promo",
        }
        for line, reason in lines.items():
            raw, result = self._clean(line)
            assert self._removed(raw, result) == {line: reason}, line
            assert result.text == self.LEAD + "\n\n" + self.TAIL

    def test_widgets_glued_to_a_paragraph_go_and_the_sentence_stays(self):
        widget = " The Long Road: A Hist... Jane Q. Doe Best Price: $5.99 Buy New $9.95 (as of 07:40 EDT - Details)"
        raw, result = self._clean("Officials denied the claim." + widget)
        assert "Officials denied the claim." in result.text and "Best Price" not in result.text
        assert self._removed(raw, result) == {widget.strip(): "promo"}
        promo = "This address appeared in a print edition of The Example last year. Isn't it time for you to subscribe?"
        raw, result = self._clean("It was the first image of the Council." + promo)
        assert "It was the first image of the Council." in result.text and "subscribe" not in result.text

    def test_embed_credit_goes_and_the_post_text_stays(self):
        post = "Please share this video of the rally in Tijuana."
        credit = " Posted by Example Page on Tuesday, November 13, 2018"
        raw, result = self._clean(post + credit)
        assert post in result.text and "Posted by" not in result.text
        assert self._removed(raw, result) == {credit.strip(): "embed"}

    def test_near_miss_article_sentences_stay(self):
        keep = [
            "POWERFUL ALLIES",  # a short capital intertitle
            "WHAT IS IN THE NEW LAW?",  # a capital intertitle ending like a sentence
            "Copyright law protects the authors of the leaked documents, the court said.",
            "Related reports suggest the vote could slip to next month.",
            "The lottery asked residents to enter to win a car, officials said.",
            "The video was posted by the campaign on Tuesday, November 13, 2018.",
            "The book sold at a best price of $5.99 before it was withdrawn.",
            "This article was featured in the print edition of the newspaper, the editor said.",
        ]
        for line in keep:
            raw, result = self._clean(line)
            assert result.removed == [], line
            assert line in result.text

    def test_a_capital_headline_followed_by_its_byline_is_a_quoted_article_and_stays(self):
        head = "STAR TRIBUNE SUES TO UNSEAL THE DIVORCE RECORDS"
        raw, result = self._clean(head, "By Jane Doe, Star Tribune, September 26, 2018:")
        assert head in result.text and result.removed == []


class TestLinksAndTrails:
    """Third round of widget rules (issue 13): links to other articles and tag trails go, article text stays."""

    LEAD = "The senator said on Monday that the committee would vote on the bill next week, aides said."
    TAIL = "The vote is expected to be close, with several members still undecided about the measure."

    def _removed(self, raw, result):
        return {raw[a:b]: why for a, b, why in result.removed}

    def test_see_lines_are_cross_references(self):
        for line in ["See, earlier Senate Panel Delays Budget Vote by Jane Doe, May 3, 2016",
                     "See Jane Doe’s review: “A Long Road”—The Senator’s Book"]:
            raw = "\n".join([line, self.LEAD, self.TAIL])
            result = clean_text(raw, find_title=False)
            assert self._removed(raw, result) == {line: "related-articles"}
            assert result.text == self.LEAD + "\n\n" + self.TAIL
        for line in ["See the full list of members below.", "See how the vote went"]:  # a sentence; too short
            raw = "\n".join([self.LEAD, line, self.TAIL])
            assert clean_text(raw, find_title=False).removed == [], line

    def test_author_archive_link_after_the_last_sentence(self):
        raw = "\n".join([self.LEAD, self.TAIL, "The Best of Jane Q. Doe"])
        result = clean_text(raw, find_title=False)
        assert self._removed(raw, result) == {"The Best of Jane Q. Doe": "related-articles"}
        # Not after the last sentence, or mid-article: an intertitle stays.
        for lines in ([self.LEAD, "Voting continues", "The Best of Jane Q. Doe"],
                      [self.LEAD, "The Best of Both Worlds", self.TAIL, "A second paragraph follows here.",
                       "And a third one, longer than the others, closes the piece."]):
            assert clean_text("\n".join(lines), find_title=False).removed == [], lines
        # Other short lines after the last sentence (hat tips, quoted posts) stay; a reprint credit goes, as a
        # footer, not as a link to other articles.
        assert clean_text("\n".join([self.LEAD, self.TAIL, "H/T Example Pundit"]), find_title=False).removed == []
        credit = "Article posted with permission from Example Project"
        raw = "\n".join([self.LEAD, self.TAIL, credit])
        assert self._removed(raw, clean_text(raw, find_title=False)) == {credit: "footer"}

    def test_closing_line_then_a_short_unpunctuated_line_stays(self):
        # After the last paragraph, a short line ending with "!" (quoted or not) and then a line without sentence
        # punctuation is as often the article's own close (an exhortation, a quoted motto, a place and date or a
        # caption) as a widget's related headline and photo caption: no shape tells them apart, so both stay.
        for close, last in [("Our Lady of Example, intercede for us!", "Rome, August 22, 2018"),
                            ('"Free the prisoners now!"', "Supporters rally outside the court in Example City"),
                            ("And he is not the only one who approves!", "H/T Example Pundit and the Daily Example"),
                            ("Is this really what voters want?", "Queenship of the Blessed Virgin Mary")]:
            raw = "\n".join([self.LEAD, self.TAIL, close, last])
            result = clean_text(raw, find_title=False)
            assert result.removed == [], (close, last)
            assert result.text.endswith(close + "\n\n" + last)

    def test_headline_glued_to_the_last_sentence_is_cut(self):
        body = "Le ministère demande de prendre des mesures efficaces à des fins militaires."
        headline = "Al Jazeera: le chef du service a été congédié pour la fuite de renseignements"
        raw = self.LEAD + "\n" + body + headline
        result = clean_text(raw, find_title=False)
        assert self._removed(raw, result) == {headline: "related-articles"}
        assert result.text == self.LEAD + "\n\n" + body
        assert rebuild(raw, result.removed).replace("\n", "") == (self.LEAD + body).replace("\n", "")
        # A last sentence that ends like one, or a glued tail with a sentence end of its own, stays whole.
        for tail in [body + "Then he left.", body + "The end of it all came in the U.S.A."]:
            assert clean_text(self.LEAD + "\n" + tail, find_title=False).removed == [], tail

    def test_tag_trail_above_the_body_once_the_title_is_known(self):
        trail = "NewsChurch Affairs, Family, Marriage"
        raw = "\n".join([trail, self.LEAD, self.TAIL])
        result = clean_text(raw, find_title=False, title="Bishop signs statement")
        assert self._removed(raw, result) == {trail: "navigation"}
        # Without a known title the first line may be the headline: it is not read as a trail.
        result = clean_text(raw, find_title=True)
        assert result.title == trail and self._removed(raw, result) == {trail: "title"}
        # A sentence-like line or a list of long labels is not a trail.
        for line in ["Paris, London and Berlin agreed.", "Church Affairs, family life, Marriage"]:
            raw = "\n".join([line, self.LEAD, self.TAIL])
            assert clean_text(raw, find_title=False, title="Headline").removed == [], line

    def test_see_subheading_stays(self):
        for line in ["See You Again Tonight", "See The Light Of Day Again Soon"]:
            raw = "\n".join([self.LEAD, line, self.TAIL])
            assert clean_text(raw, find_title=False).removed == [], line
        for line in ["See also Senate Panel Delays Budget Vote", "See more Photos From The Vote",
                     "See Jane Doe's review: A Long Road Home"]:
            raw = "\n".join([self.LEAD, line, self.TAIL])
            assert self._removed(raw, clean_text(raw, find_title=False)) == {line: "related-articles"}, line

    def test_glued_tail_without_a_label_is_article_text(self):
        # A paywall-truncated last sentence glued to the one before: no outlet label and colon, so it stays.
        raw = self.LEAD + "\n" + ("Officials said the plan was final.The rest of the members stayed on to finish "
                                   "the work on the")
        assert clean_text(raw, find_title=False).removed == []
        # A label of more than four words before the colon is not an outlet's or a section's.
        raw = self.LEAD + "\n" + "Officials said the plan was final.The Rest Of The Members Said: they stayed on here"
        assert clean_text(raw, find_title=False).removed == []

    def test_byline_or_list_of_single_names_is_not_a_trail(self):
        for line in ["By John Smith, Jane Doe, Bob Lee", "Par Jean Dupont, Marie Curie, Paul Durand",
                     "Washington, Paris, Moscow"]:
            raw = "\n".join([line, self.LEAD, self.TAIL])
            removed = self._removed(raw, clean_text(raw, find_title=False, title="Headline"))
            assert line not in removed, line


def _plain_matches(raw, patterns):
    return [(m.start(), m.end(), reason) for pattern, reason in patterns for m in pattern.finditer(raw)]


def _plain_split_lines(raw):
    """The line splitter before it was made fast: every line through one regex."""
    import re

    lines, block, pos = [], 0, 0
    for piece in re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", raw):
        content = piece.rstrip("\r\n")
        if not content.replace("\u200b", "").replace("\ufeff", "").strip():
            block += 1
        else:
            lead = len(content) - len(content.lstrip(" \t\u00a0\u200b\ufeff"))
            trail = len(content) - len(content.rstrip(" \t\u00a0\u200b\ufeff"))
            lines.append((pos + lead, pos + len(content) - trail, block))
        pos += len(piece)
    return lines


WIDGET_LINES = ["Email *", "Subscribe Today!", "Completing this poll grants you access to updates.",
                "Who should win? * Alice Bob", "Who should win? Who should win?", "Share | Tweet | Email",
                "Follow us on Twitter", "53 SHARES Facebook Twitter", "  Name *  ", "\u200b", "\x0b", "Advertisement",
                "This field is for validation purposes and should be left unchanged.", "take our poll - story continues"]


LEAD = "Le ministre a annoncé mardi un plan de vingt mesures pour la sécurité des routes de montagne cet hiver."


class TestFastPathsAgreeWithPlain:
    """The fast paths of cleaning (line patterns searched newline to newline, patterns tried together, lines split
    in C, duplicates normalised lazily) give what the plain computations give, on generated texts."""

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(BODY + BOILERPLATE + WIDGET_LINES), min_size=1, max_size=12),
           st.lists(st.sampled_from(["\n", "\n\n", "\r\n", "\r", " \n", ""]), min_size=12, max_size=12))
    def test_pattern_matches_and_lines(self, lines, breaks):
        import re

        from toolkit.cleaning import _matches, _split_lines, load_patterns

        raw = "".join(line + brk for line, brk in zip(lines, breaks))
        patterns = load_patterns() + [(re.compile(r"(?i)^who should win\?$", re.M), "poll-widget"),
                                      (re.compile(r"^(\w+) \1$", re.M), "promo"),
                                      (re.compile(r"^(?P<x>Share)\b.*$", re.M), "navigation"),
                                      # line patterns whose match may end with a line end (then the next may start)
                                      (re.compile(r"^Voir plus\s", re.M), "related-articles"),
                                      (re.compile(r"^(?:source|---)\r?\n", re.M), "navigation")]
        assert list(_matches(raw, patterns, ())) == _plain_matches(raw, patterns)
        fast = _split_lines(raw)
        plain = _plain_split_lines(raw)
        assert [(ln.start, ln.end) for ln in fast] == [(a, b) for a, b, _ in plain]
        assert all(ln.text == raw[ln.start:ln.end] for ln in fast)
        # Block numbers are compared only for equality: the same pairs of lines share a block.
        pairs = lambda blocks: [x == y for x, y in zip(blocks, blocks[1:])]  # noqa: E731
        assert pairs([ln.block for ln in fast]) == pairs([b for _, _, b in plain])

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet="?! ab\n", max_size=60), st.sampled_from(["? ", "?\n", "a?", "ab?b", "!a!", "b ?? "]))
    def test_a_hint_is_found_at_its_key_character_as_in_finds_it(self, text, hint):
        from toolkit.cleaning import _holds, _key_char

        assert _holds(text, hint, _key_char(hint)) == (hint in text)
        many = "? " * 20 + text  # more places of the key than are looked at one by one
        assert _holds(many, hint, _key_char(hint)) == (hint in many)

    def test_a_line_pattern_whose_match_ends_a_line_finds_the_match_on_the_next_one(self):
        import re

        from toolkit.cleaning import _line_form, _matches

        # Searched newline to newline, each match of these takes the newline before the next line's match.
        patterns = [(re.compile(r"^Share\n", re.M), "navigation"), (re.compile(r"^(\w+)\n\1\b", re.M), "promo")]
        assert all(_line_form(pattern) is not None for pattern, _ in patterns)
        for raw in ["Share\nShare\nShare\nShare", "Share\n\nShare\nx", "vote\nvote\nvote\nvote\n", "a\nab\nab"]:
            assert list(_matches(raw, patterns, ())) == _plain_matches(raw, patterns), raw

    def test_a_verbose_line_pattern_keeps_its_match_start(self):
        import re

        from toolkit.cleaning import _line_form, _matches

        # Before: the line form's newline was a character a verbose pattern ignores; "Share" came out as "hare".
        patterns = [(re.compile(r"(?x)^Share \s this", re.M), "navigation")]
        assert _line_form(patterns[0][0]) is not None
        raw = "Intro line\nShare this\nmore"
        assert list(_matches(raw, patterns, ())) == _plain_matches(raw, patterns) == [(11, 21, "navigation")]

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.sampled_from(BODY + ["Share", "SHARE!", "Advertisement", "« Share »", "Share ...",
                                            BODY[0] + " " + BODY[1], BODY[3] + " " + BODY[0] + " " + BODY[1],
                                            "STRASSE " + BODY[0].upper() + " " + BODY[1], "Straße", "İstanbul",
                                            "Trần Quốc", unicodedata.normalize("NFD", "Trần Quốc"), LEAD,
                                            LEAD + " Il sera voté en mars.", LEAD.replace("vingt", "trente"),
                                            "Avant. " + LEAD.replace("sécurité", "SÉCURITÉ")]),
                    min_size=1, max_size=10))
    def test_duplicates_as_if_every_line_were_compared(self, lines):
        from toolkit.cleaning import (DUPLICATE_MAX_WORDS, STANDFIRST_MIN_WORDS, _mark_duplicates, _SENTENCE_END,
                                      _split_lines, is_furniture)

        raw = "\n".join(lines)
        live = _split_lines(raw)
        texts = [ln.text for ln in live]
        norms = [normalise_for_matching(t) for t in texts]
        expected, seen = [], set()
        for k, norm in enumerate(norms):
            if (k < 3 and len(norm.split()) >= STANDFIRST_MIN_WORDS and _SENTENCE_END.search(texts[k].rstrip("*_ "))
                    and any(norm in later for later in norms[k + 1:k + 8])):
                expected.append("duplicate-standfirst")
            elif norm and norm in seen and norm != "" and is_furniture(texts[k], max_words=DUPLICATE_MAX_WORDS):
                expected.append("duplicate-paragraph")
            else:
                expected.append(None)
            seen.add(norm)
        _mark_duplicates(raw, live)
        assert [ln.reason for ln in live] == expected
        # Reading each line's folding from the article's (an NFC text that folds one character to one) decides alike.
        live = _split_lines(raw)
        _mark_duplicates(raw, live, folded=raw.casefold())
        assert [ln.reason for ln in live] == expected

    def test_a_pattern_within_a_line_is_searched_in_the_lines_holding_its_hint(self):
        import re

        from toolkit.cleaning import _RELATED_HEADER_CHARS, _matches, _within_a_line

        assert _RELATED_HEADER_CHARS == len("dans la même rubrique")
        assert _within_a_line(re.compile(r"^[^\n]{0,40}Sign up here[^\n]*$", re.M))
        assert _within_a_line(re.compile(r"(?i)\bsign up here\b[\w ]*", re.M))
        assert not _within_a_line(re.compile(r"^Poll\s+vote here$", re.M))  # \s matches a line end
        assert not _within_a_line(re.compile(r"(?<=\.)Sign up here", re.M))  # a look-behind may see the line before
        assert not _within_a_line(re.compile(r"Sign up here(?=\n\n)", re.M))
        assert not _within_a_line(re.compile(r"Sign up here.*", re.M | re.S))
        assert not _within_a_line(re.compile(r"Sign up here$"))  # without MULTILINE, $ is the text's end only
        patterns = [(re.compile(r"(?i)\bsign up here\b[^\n]*$", re.M), "promo"),
                    (re.compile(r"^Sign up here[.!]?$", re.M), "promo"),
                    (re.compile(r"here\b", re.M), "promo")]
        for raw in ["Sign up here\nxSign up here\nSIGN UP HERE now\r\nSign up here!", "sign up here",
                    "Sign up here.\n\nSign up heres\nStraße: sign up here", "\nSign up here\n"]:
            expected = [(m.start(), m.end(), r) for p, r in patterns for m in p.finditer(raw)]
            assert list(_matches(raw, patterns, ())) == expected, raw

    def test_a_pattern_is_searched_only_where_every_literal_of_its_matches_is(self):
        import re

        from toolkit.cleaning import _required_literals

        embed = re.compile(r"^Filed by [^\n]{1,40} on (?:Scribd|Vimeo|Issuu)$", re.M)
        assert _required_literals(embed) == ((" on ",), ("Scribd", "Vimeo", "Issuu"))
        assert _required_literals(re.compile(r"(?i)^filed by \w+ on (?:scribd|vimeo)$", re.M)) == ()
        # An optional part holds nothing required; a branch with a literal too short to test gives no condition.
        assert _required_literals(re.compile(r"^Filed(?: by \w+)? on (?:Scribd|V)$", re.M)) == ((" on ",),)
        lines = ["Filed by Jane Doe on Vimeo", "Filed by Jane Doe on Dailymotion", "Filed by Jane on Issuu"]
        raw = "\n\n".join([BODY[1], lines[0], BODY[0], lines[1], lines[2]])
        cleaned = clean_text(raw, find_title=False, patterns=[(embed, "embed")])
        assert [(raw[a:b], r) for a, b, r in cleaned.removed] == [(lines[0], "embed"), (lines[2], "embed")]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(["Filed by ", "Jane", " on ", "Vimeo", "Issuu", "Scribd", "Dailymotion", "\n",
                                     "Share", " this", "Subscribe", " to ", "our newsletter", "!", "V", "Filed"]),
                    max_size=12), st.integers(0, 5))
    def test_the_literal_prefilter_never_skips_a_text_a_pattern_matches(self, pieces, which):
        """Whatever the text, a pattern that finds something in it passes the required-literal test."""
        import re

        from toolkit.cleaning import _required_literals

        patterns = [re.compile(r"^Filed by [^\n]{1,40} on (?:Scribd|Vimeo|Issuu)$", re.M),
                    re.compile(r"^Filed(?: by \w+)? on (?:Scribd|V)$", re.M),
                    re.compile(r"Share(?: this)?!?$", re.M),
                    re.compile(r"^(?:Subscribe|Filed) to our newsletter", re.M),
                    re.compile(r"(?i)subscribe to (?:our )?newsletter"),
                    re.compile(r"Jane(?: Doe)? on (?:Vimeo|Issuu)")]
        pattern, raw = patterns[which], "".join(pieces)
        if pattern.search(raw):
            assert all(any(literal in raw for literal in condition) for condition in _required_literals(pattern))

    @settings(max_examples=300, deadline=None)
    @given(st.text(st.sampled_from(["a", "é", "_", "'", " ", "\t", "\u00a0", "-", ".", "1", "ʼ", "*", "\u0301", "«"]),
                   max_size=20), st.integers(1, 6))
    def test_word_piece_bound(self, line, n):
        import re

        from toolkit.cleaning import _has_word_pieces

        assert _has_word_pieces(line, n) == (sum(1 for piece in line.split() if re.search(r"\w", piece)) >= n)

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.sampled_from(["Photo", "ảnh", "Ảnh", "(", ")", "-", "–", "—", " ", ":", "VNA", "x", "1", ".",
                                     "d'illustration", "Crédit", "Credit", "/", "é", "photo", "PHOTO"]), max_size=14))
    @example(["x", "(", "Crédit", " ", "VNA", ")"])
    @example(["x", " ", "–", " ", "VNA", "/", "VNS", " ", "Photo"])
    @example(["x", " ", "-", "VNA", " ", "Photo"])
    @example(["x", " ", "—", "VNA", " ", "Photo"])
    @example(["x", " ", "Ảnh", ":", " ", "VNA"])
    def test_caption_credit_and_candidate_lines(self, pieces):
        from toolkit.cleaning import _CAPTION_END, _INLINE_MARKER, _has_credit_end, _mark_captions, _split_lines

        line = "".join(pieces)
        assert _has_credit_end(line) == bool(_CAPTION_END.search(line))
        raw = "\n".join([BODY[0], line, BODY[1] + " " + line, line.upper(), "Straße " + line])
        live = _split_lines(raw)
        plain = [is_caption(ln.text) and not _INLINE_MARKER.fullmatch(" " + ln.text) for ln in live]
        _mark_captions(raw, live, folded=raw.casefold())
        assert [ln.reason == "caption" for ln in live] == plain


class TestDuplicatesLinear:
    """Furniture printed twice is found with one set of the earlier lines, not by comparing every pair (issue fixA)."""

    def test_written_example_removes_the_later_furniture_only(self):
        from toolkit.cleaning import _mark_duplicates, _split_lines

        lines = ["Share", "The council voted on Tuesday to close the old bridge to traffic.", "Advertisement",
                 "Road closures", "The mayor said the repairs would take a year, at the least.", "SHARE",
                 "Road closures", "www.example.com/bridge", "Advertisement", "Bridge vote",
                 "The council voted on Tuesday to close the old bridge to traffic.", "www.example.com/bridge"]
        raw = "\n".join(lines)
        live = _split_lines(raw)
        _mark_duplicates(raw, live, title="Bridge vote")
        assert [ln.reason for ln in live] == [
            None, None, None, None, None, "duplicate-paragraph",  # "SHARE" repeats "Share"
            "duplicate-paragraph", None, "duplicate-paragraph",
            None,  # the headline, quoted again, stays
            None,  # a sentence printed twice stays
            "duplicate-paragraph"]  # a link of more normalised words than DUPLICATE_MAX_WORDS

    def test_work_grows_linearly_with_the_number_of_lines(self, monkeypatch):
        from toolkit import cleaning

        calls = {"pieces": 0, "norms": 0}
        pieces, norm = cleaning._word_pieces, cleaning._normalise_folded

        class CountingPieces:  # the regex _word_pieces gives, its matches counted
            def __init__(self, n):
                self.pattern = pieces(n)

            def match(self, s):
                calls["pieces"] += 1
                return self.pattern.match(s)

        def counting_norm(s):
            calls["norms"] += 1
            return norm(s)

        monkeypatch.setattr(cleaning, "_word_pieces", CountingPieces)
        monkeypatch.setattr(cleaning, "_normalise_folded", counting_norm)

        def work(n):
            calls.update(pieces=0, norms=0)
            raw = "\n".join([f"Section {k}" for k in range(n)] + ["Section 3"])
            live = cleaning._split_lines(raw)
            cleaning._mark_duplicates(raw, live)
            assert [ln.reason for ln in live].count("duplicate-paragraph") == 1
            return calls["pieces"] + calls["norms"]

        small, large = work(300), work(1200)
        assert small >= 300  # every line is looked at
        assert large <= 4 * small + 10  # comparing every pair would make it about 16 times


class TestPollQuestions:
    """A poll's question alone on a line (issue 13): removed only with corpus evidence and next to a poll or form line."""

    QUESTION = "Should the city council build the new stadium downtown?"
    LEAD = "The council met on Tuesday to discuss the budget for the coming year, officials said."
    TAIL = "The mayor is expected to announce her decision before the end of the month."
    NOTICE = "This field is for validation purposes and should be left unchanged."
    WIDGET = [f"{QUESTION} {QUESTION}", f"{QUESTION} * Yes, build it. No, keep the money."]

    def test_questions_collected_only_from_widget_shapes(self):
        from toolkit.cleaning import RepeatedLines, find_repeated_lines

        other = "Who will pay for it? Nobody knows yet, the mayor said."
        found = find_repeated_lines(["\n".join([self.LEAD, *self.WIDGET, self.TAIL]),
                                     f"{self.LEAD}\nWhat is the plan?\n* First, a vote.\n{other}\n{self.TAIL}"])
        assert isinstance(found, RepeatedLines) and found == frozenset()  # still a set of lines
        assert found.poll_questions == {self.QUESTION}  # not "What is the plan?": one printing, a bullet list
        three = find_repeated_lines([f"{self.LEAD}\n{self.QUESTION}\n{self.QUESTION}\n{self.QUESTION}\n* Yes\n* No"])
        assert three.poll_questions == {self.QUESTION}
        assert find_repeated_lines([f"{self.LEAD}\n{self.QUESTION}\n{self.TAIL}"]).poll_questions == frozenset()

    def test_question_next_to_a_form_line_goes_elsewhere_stays(self):
        import pickle

        from toolkit.cleaning import find_repeated_lines, load_patterns

        corpus = find_repeated_lines(["\n".join([self.LEAD, *self.WIDGET, self.TAIL])])
        corpus = pickle.loads(pickle.dumps(corpus))  # as sent to worker processes
        raw = "\n".join([self.LEAD, self.NOTICE, self.QUESTION, self.TAIL])
        result = clean_text(raw, find_title=False, patterns=load_patterns(), repeated_lines=corpus)
        assert result.text == self.LEAD + "\n\n" + self.TAIL
        assert {raw[a:b]: why for a, b, why in result.removed} == {self.NOTICE: "web-form", self.QUESTION: "poll-widget"}
        # The same question as the article's own line, away from any widget, stays; so it does without corpus evidence.
        raw = "\n".join([self.LEAD, self.QUESTION, self.TAIL, self.NOTICE])
        assert self.QUESTION in clean_text(raw, find_title=False, patterns=load_patterns(), repeated_lines=corpus).text
        raw = "\n".join([self.LEAD, self.NOTICE, self.QUESTION, self.TAIL])
        assert self.QUESTION in clean_text(raw, find_title=False, patterns=load_patterns()).text

    def test_load_corpus_removes_the_lone_question(self, tmp_path):
        import json

        from toolkit import load_corpus

        texts = ["\n".join([self.LEAD, *self.WIDGET, self.TAIL]), "\n".join([self.LEAD, self.NOTICE, self.QUESTION, self.TAIL])]
        path = tmp_path / "articles.jsonl"
        path.write_text("".join(json.dumps({"id": f"a{k}", "title": "Stadium", "text": t, "language": "en"}) + "\n"
                                for k, t in enumerate(texts)), encoding="utf-8")
        articles, removed, _ = load_corpus(path, progress=False, errors="ignore")
        assert list(articles["text"]) == [self.LEAD + "\n\n" + self.TAIL] * 2
        assert (removed[removed["text"] == self.QUESTION]["reason"] == "poll-widget").all()
        assert self.QUESTION in set(removed[removed["article_id"] == "a1"]["text"])
        kept, _, _ = load_corpus(path, progress=False, errors="ignore", repeated_min_articles=0)
        assert self.QUESTION in kept["text"].iloc[1]  # no corpus pass, no evidence: the line stays


def test_a_pattern_group_that_turns_multiline_off_keeps_its_text_end_meaning():
    # In (?-m:...), "$" is the end of the text, not of a line: "foo" on a middle line is not matched.
    import re

    raw = "Body line of the article.\nfoo\nbar is the last line."
    pattern = re.compile(r"(?-m:foo$)", re.MULTILINE)
    assert clean_text(raw, find_title=False, patterns=[(pattern, "user")]).removed == []
    assert clean_text(raw + "\nfoo", find_title=False, patterns=[(pattern, "user")]).removed == [
        (len(raw) + 1, len(raw) + 4, "user")]


def test_rare_key_characters_and_caption_hint_letters_fold_only_from_themselves():
    # Two facts about case folding, on every code point, that the cleaner's cheap tests rely on:
    # - each of _RARE_CHARS case-folds to itself and is in no other character's case folding, so a text holds one
    #   exactly when its case folding does (_key_char: a case-folded hint's key is looked for in the raw text);
    # - a character whose case folding is one letter of a caption hint lower-cases to that letter, so a line holding a
    #   hint in its case folding holds it in its lower case (_mark_captions skips is_caption's hint test there).
    from toolkit.cleaning import _CAPTION_HINTS, _RARE_CHARS

    letters = set("".join(_CAPTION_HINTS))
    for code in range(0x110000):
        ch = chr(code)
        folded = ch.casefold()
        if folded != ch:
            assert not any(c in folded for c in _RARE_CHARS), hex(code)
            if folded in letters:
                assert ch.lower() == folded, hex(code)


def test_a_case_insensitive_pattern_with_a_rare_character_matches_in_any_case():
    import re

    raw = "Body line of the article.\nWant to SUBSCRIBE? Call us.\nLast line."
    pattern = re.compile(r"(?i)to subscribe\?[^\n]*", re.MULTILINE)
    start = raw.index("to SUB")
    assert clean_text(raw, find_title=False, patterns=[(pattern, "promo")]).removed == [
        (start, raw.index(" Call us.") + len(" Call us."), "promo")]


def test_joined_line_patterns_match_on_the_first_line_and_after_a_newline():
    # Line patterns without a literal hint are tried together first (_gate), on the first line as on the others.
    import re

    patterns = [(re.compile(r"^(?:Name|E-?mail)\s*\*$", re.MULTILINE), "web-form"),
                (re.compile(r"^(?i:advertisements?|publicité)$", re.MULTILINE), "promo")]
    body = "The council voted on Tuesday to close the old bridge."
    for raw in ("Name *\n" + body, body + "\nADVERTISEMENT", body + "\n\nEmail *\n" + body):
        cleaned = clean_text(raw, find_title=False, patterns=patterns)
        assert cleaned.text == body + ("\n\n" + body if raw.count(body) == 2 else "")
        assert len(cleaned.removed) == 1


class TestGateFirstCharacters:
    """The joined line patterns are tried only after a newline followed by a character their matches may open with
    (_first_chars); the matches are those of each pattern searched on its own."""

    PATTERNS = [r"^(?:Name|E-?mail)\s*\*$", r"^(?i:subscribe|sign up)!?$", r"^(?i:(?:follow|join)(?-i: Us)?)$",
                r"^[A-Z]{2,5}[0-9]?:$", r"^(?:\*\s)?[Kk]ey ?words?$", r"^(?i:x*y+|ß)$"]
    LINES = ["Name *", " Name *", "Email*", "E-mail *", "subscribe", "SUBSCRIBE!", "ſubscribe", "Ｓubscribe",
             "Sign up", "follow Us", "FOLLOW Us", "follow us", "JOIN", "ABC1:", "abc1:", "A:", "ABCDEF:", "Key words",
             "\u212aey words", "* Key word", "*Key word", "keywords", "xxy", "Y", "ẞ", "ß", "SS", "",
             "Body text here."]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(LINES), min_size=1, max_size=8))
    @example(["Body text here.", "ſubscribe"])  # a long s, matched by "s" in any case
    @example(["Body text here.", "ẞ"])  # a capital sharp s, matched by "ß" in any case
    @example(["Body text here.", "FOLLOW Us", "JOIN"])
    def test_the_same_matches_as_each_pattern_alone(self, lines):
        import re

        from toolkit.cleaning import _matches

        patterns = [(re.compile(p, re.MULTILINE), f"r{k}") for k, p in enumerate(self.PATTERNS)]
        raw = "\n".join(lines)
        expected = {(m.start(), m.end(), reason) for pattern, reason in patterns for m in pattern.finditer(raw)}
        assert set(_matches(raw, patterns, ())) == expected

    def test_first_characters(self):
        import re

        from toolkit.cleaning import _first_chars

        def first(p):
            return _first_chars(re.compile(p, re.MULTILINE))

        assert first(r"^(?:\*\s)?[Kk]ey$") == (["\\*", "K", "k"], [])
        assert first(r"^(?i:ab|(?-i:C)d)") == (["C"], ["a"])
        assert first(r"^[A-Z]x") == (["A-Z"], [])
        # Unsure: a match may be empty, or open with any character, a category or a negated class.
        assert first(r"^(?:x)?$") is None and first(r"^.x") is None
        assert first(r"^\w") is None and first(r"^[^x]") is None
