"""Tests for toolkit.cleaning on newsroom web text: navigation headings, print-edition notes and repeated labels
(rules found reading the BASIL dev articles; every text here is written for the test)."""

from __future__ import annotations

import pytest

from toolkit.cleaning import clean_text, load_patterns

LEAD = "WASHINGTON — The Senate voted on Monday to extend the program for another year, aides said."
BODY = "The measure passed easily, with support from both parties in the chamber."
PATTERNS = load_patterns()  # the shipped pattern file


def removed(raw: str, cleaned) -> list[tuple[str, str]]:
    return [(raw[a:b], reason) for a, b, reason in cleaned.removed]


class TestNavigationHeadings:
    def test_a_navigation_heading_above_the_article_goes(self):
        raw = f"Site Mobile Navigation\n\n{LEAD}\n\n{BODY}"
        cleaned = clean_text(raw, find_title=False, title="Senate extends program")
        assert removed(raw, cleaned) == [("Site Mobile Navigation", "navigation")]
        assert cleaned.text.startswith("WASHINGTON — ")

    def test_other_headings_go_at_the_top_and_at_the_foot(self):
        for heading in ("Site Search Navigation", "Skip to main content", "SITE NAVIGATION", "Skip navigation",
                        "Aller au contenu principal", "## Site Navigation", "**Skip to main content**"):
            raw = f"{heading}\n\n{LEAD}\n\n{BODY}\n\n{heading}"
            cleaned = clean_text(raw, find_title=False)
            assert [text for text, _ in removed(raw, cleaned)] == [heading] * 2, heading
            assert removed(raw, cleaned)[0] == (heading, "navigation"), heading

    def test_an_unqualified_intertitle_stays(self):
        # "Navigation" or "Menu" alone may be an article's own intertitle (sailing, a restaurant review).
        for heading in ("Navigation", "Menu", "Navigation rules changed"):
            raw = f"{heading}\n\n{LEAD}\n\n{BODY}"
            cleaned = clean_text(raw, find_title=False)
            assert cleaned.removed == [], heading


def assert_goes_at_the_foot(line: str) -> None:
    """``line`` after the body is removed as a footer, and the body is kept to its last word."""
    raw = f"{LEAD}\n\n{BODY}\n\n{line}"
    cleaned = clean_text(raw, find_title=False)
    assert removed(raw, cleaned) == [(line, "footer")]
    assert cleaned.text.endswith("chamber.")


class TestPrintEditionNote:
    NOTES = ("A version of this article appears in print on March 3, 2031, on page C7 of the Springfield edition "
             "with the headline: Senate Extends Program.",
             "This story appeared in print on page 12.",
             "Cet article est paru dans l’édition du Courrier datée du 4 avril 2031.")

    @pytest.mark.parametrize("note", NOTES)
    def test_the_note_at_the_foot_goes(self, note):
        assert_goes_at_the_foot(note)

    @pytest.mark.parametrize("sentence", [
        "This article appeared in print first, and the magazine's website ran it a week later.",
        "This story appeared in print in 1931 and won the paper its first prize.",
        "This column ran in the print edition only, because the website was down that week.",
    ])
    def test_a_sentence_about_print_at_the_foot_stays(self, sentence):
        # Without "on <date or page>" it is the article's own sentence, even as its last paragraph.
        raw = f"{LEAD}\n\n{BODY}\n\n{sentence}"
        assert clean_text(raw, find_title=False).removed == []


class TestRepeatedLabels:
    def test_a_repeated_update_label_stays(self):
        # Each "UPDATE:" opens one update of the story: the second is not a copy of the first.
        raw = (f"{LEAD}\n\nUPDATE:\n\nThe mayor's office said the pool would reopen on Friday after repairs.\n\n"
               f"UPDATE:\n\nThe pool reopened a day early, a spokeswoman for the city said.")
        cleaned = clean_text(raw, find_title=False)
        assert cleaned.removed == []
        assert cleaned.text.count("UPDATE:") == 2

    def test_a_repeated_label_before_furniture_goes(self):
        # "Share this:" introduces share buttons, not a paragraph: printed again, it is furniture.
        raw = (f"{LEAD}\n\nShare this:\n\nFacebook\n\n{BODY}\n\nShare this:\n\nFacebook\n\n"
               f"{BODY.replace('easily', 'at last')}")
        cleaned = clean_text(raw, find_title=False)
        assert ("Share this:", "duplicate-paragraph") in removed(raw, cleaned)

    def test_repeated_furniture_still_goes(self):
        raw = f"{LEAD}\n\nShare\n\n{BODY}\n\nShare\n\n{BODY.replace('easily', 'at last')}"
        cleaned = clean_text(raw, find_title=False)
        assert removed(raw, cleaned) == [("Share", "duplicate-paragraph")]


class TestPhotoCreditLines:
    @pytest.mark.parametrize("credit", ["Jane Roe/AFP/Getty Images", "Tom Tiller / Reuters", "(AP Photo/Ana Lima)",
                                        "Photo by Jane Roe/Getty Images"])
    def test_a_credit_alone_where_a_picture_stood_goes(self, credit):
        raw = f"{LEAD}\n\n{credit}\n\n{BODY}"
        cleaned = clean_text(raw, find_title=False)
        assert removed(raw, cleaned) == [(credit, "caption")]

    @pytest.mark.parametrize("sentence", ["Jane Roe/AP reported the vote first.",
                                          "He sold pictures to Getty Images/AFP for a decade.",
                                          "By Jane Roe/AP", "Sanders/Bloomberg", "Ipsos/Reuters"])
    def test_a_sentence_naming_an_agency_stays(self, sentence):
        raw = f"{LEAD}\n\n{sentence}\n\n{BODY}"
        assert clean_text(raw, find_title=False).removed == []


class TestReprintCredit:
    CREDITS = ("Reprinted with permission from The Springfield Liberty Fund.",
               "Article posted with permission from Jane Roe",
               "This article was originally published by Jane Roe at Example News",
               "This story first appeared on Example.org on March 3, 2031.",
               "Republished with permission.",
               "Reprinted with the kind permission of the author.",
               "*Originally published at The Daily Example.*",
               "This article is republished from The Example under a Creative Commons license. Read the original "
               "article.",
               "Article publié avec l’autorisation de l’auteur.",
               "Article reproduit avec l'aimable autorisation du Courrier de l'Ouest",
               "Cet article a d’abord été publié sur Exemple.fr.",
               "Cet article a été publié initialement dans Le Courrier, le 4 avril 2031.")

    @pytest.mark.parametrize("credit", CREDITS)
    def test_a_credit_at_the_foot_goes(self, credit):
        assert_goes_at_the_foot(credit)

    def test_a_credit_before_other_furniture_goes(self):
        # A promotion for the author's books (no sentence end) and a link to the author's archive may follow.
        promo = "Jane Roe's love of the Senate shines forth in her books"
        raw = f"{LEAD}\n\n{BODY}\n\nReprinted with permission from Jane Roe.\n\nThe Best of Jane Roe\n\n{promo}"
        cleaned = clean_text(raw, find_title=False)
        assert removed(raw, cleaned)[0] == ("Reprinted with permission from Jane Roe.", "footer")
        assert ("The Best of Jane Roe", "related-articles") in removed(raw, cleaned)
        assert cleaned.text.endswith(promo)

    @pytest.mark.parametrize("credit", ["Reprinted with permission from The Springfield Liberty Fund.",
                                        "This article was originally published by Jane Roe at Example News"])
    def test_a_credit_above_the_body_goes_and_one_between_paragraphs_stays(self, credit):
        # Above the first paragraph the line is the page's credit for what follows; between paragraphs a sentence
        # after it is the article going on.
        raw = f"{credit}\n\n{LEAD}\n\n{BODY}"
        cleaned = clean_text(raw, find_title=False, title="Senate extends program")
        assert removed(raw, cleaned) == [(credit, "footer")]
        assert cleaned.text == f"{LEAD}\n\n{BODY}"
        raw = f"{LEAD}\n\n{credit}\n\n{BODY}"
        assert clean_text(raw, find_title=False).removed == [], raw

    @pytest.mark.parametrize("sentence", [
        "This article was originally published in 2015 and has since been updated.",
        "Reprinted with permission from the author, the essay drew wide attention.",
    ])
    def test_a_sentence_of_the_article_above_the_body_stays(self, sentence):
        raw = f"{sentence}\n\n{LEAD}\n\n{BODY}"
        assert clean_text(raw, find_title=False, title="Senate extends program").removed == [], sentence

    @pytest.mark.parametrize("sentence", [
        "The law was reprinted with permission from the court in 1931 and remained in force.",
        "Reprinted with permission from the author, the essay drew wide attention.",
        "Reprinted with permission from Congress, the report was read widely.",
        "This article was originally published in 2015 and has since been updated.",
        "Originally published by Penguin in 1931, the book sold a million copies.",
        "First published in France.",
        "The letter, posted with permission from Jane Roe, was read aloud.",
        "Cet article a été publié dans Le Monde il y a dix ans et a fait scandale.",
        "La loi a été publiée avec l'autorisation du tribunal en 1931.",
    ])
    def test_a_sentence_of_the_article_at_the_foot_stays(self, sentence):
        raw = f"{LEAD}\n\n{BODY}\n\n{sentence}"
        assert clean_text(raw, find_title=False).removed == [], sentence


class TestCommentSection:
    NOTICE = "Please adhere to our commenting policy to avoid being banned."
    RIGHTS = ("As a privately owned website, we reserve the right to remove any comment and ban any user at any "
              "time.Comments that contain spam or personal attacks may be removed.-- Follow these instructions on "
              "registering")

    def test_the_comment_widget_notices_go_and_the_author_bio_stays(self):
        bio = "Jane Roe has covered the Senate for the Springfield Courier since 2021."
        raw = f"{LEAD}\n\n{BODY}\n\n{bio}\n\nOlder articles by Jane Roe\n\n{self.NOTICE}\n\n{self.RIGHTS}"
        cleaned = clean_text(raw, find_title=False, patterns=PATTERNS)
        assert removed(raw, cleaned) == [("Older articles by Jane Roe", "related-articles"),
                                         (self.NOTICE, "web-form"), (self.RIGHTS, "web-form")]
        assert cleaned.text.endswith(bio)

    @pytest.mark.parametrize("notice", ["Please read our comment guidelines.", "Please follow the comment rules!",
                                        "As a website, we reserve the right to delete comments that are off topic."])
    def test_other_notices_go(self, notice):
        raw = f"{LEAD}\n\n{BODY}\n\n{notice}"
        assert removed(raw, clean_text(raw, find_title=False, patterns=PATTERNS)) == [(notice, "web-form")]

    @pytest.mark.parametrize("sentence", [
        "The paper changed its commenting policy in May, after a flood of abuse.",
        "Readers were asked to adhere to our commenting policy before the vote.",
        "Please adhere to our commenting policy, the editor wrote, and most readers did.",
        '"We reserve the right to remove any comment," the company said in a statement.',
        "The site says it reserves the right to remove any comment it deems abusive.",
        # Only the site speaking of itself is a notice: a company's or an editor's words are reported, anywhere.
        "As a private company, we reserve the right to remove any comment, Zuckerberg told senators on Tuesday.",
        "We reserve the right to remove comments that are abusive, the editors wrote in a note to readers last week.",
    ])
    def test_a_sentence_about_a_commenting_policy_stays(self, sentence):
        for raw in (f"{LEAD}\n\n{sentence}\n\n{BODY}", f"{LEAD}\n\n{BODY}\n\n{sentence}"):
            assert clean_text(raw, find_title=False, patterns=PATTERNS).removed == [], raw


class TestBlogPostFoot:
    def test_a_post_footer_with_its_permalink_goes(self):
        for footer in ("Posted by b on March 3, 2031 at 10:23 AM | Permalink",
                       "Posted by Jane Roe at 10:23 AM | Permalink | Comments (12)"):
            raw = f"{LEAD}\n\n{BODY}\n\n{footer}\n\nComments"
            cleaned = clean_text(raw, find_title=False, patterns=PATTERNS)
            assert removed(raw, cleaned) == [(footer, "footer"), ("Comments", "navigation")], footer
            assert cleaned.text.endswith("chamber.")

    @pytest.mark.parametrize("sentence", ["Posted by Jane Roe on March 3, the video drew a million views.",
                                          "Posted at the gate, the guards checked every permit."])
    def test_a_sentence_opening_with_posted_stays(self, sentence):
        raw = f"{LEAD}\n\n{BODY}\n\n{sentence}"
        assert clean_text(raw, find_title=False, patterns=PATTERNS).removed == []

    @pytest.mark.parametrize("stamp", ["1:33 pm on March 3, 2031", "March 3, 2031 at 1:33 PM",
                                       "3 mars 2031 à 13h33", "dimanche 3 mars 2031 à 13h33"])
    def test_the_post_time_stamp_and_archive_link_at_the_foot_go(self, stamp):
        raw = f"{LEAD}\n\n{BODY}\n\n{stamp}\n\nThe Best of Jane Q. Roe"
        cleaned = clean_text(raw, find_title=False, patterns=PATTERNS)
        assert removed(raw, cleaned) == [(stamp, "timestamp"), ("The Best of Jane Q. Roe", "related-articles")]
        assert cleaned.text.endswith("chamber.")
        raw = f"{LEAD}\n\n{BODY}\n\n{stamp}"  # the stamp alone as the last line
        assert removed(raw, clean_text(raw, find_title=False, patterns=PATTERNS)) == [(stamp, "timestamp")]

    def test_a_date_alone_a_stamp_above_an_entry_or_after_a_short_line_stays(self):
        # A letter's date (no time of day) is the letter's own; a stamp with an entry below it is not at the foot;
        # after a short line with no sentence end (a signature) the stamp may belong to it.
        for tail in ("Sincerely,\n\nJane Roe\n\nMarch 3, 2031",
                     "1:33 pm on March 3, 2031\n\nThe vote was delayed again, the clerk said.",
                     "Jane Roe, Springfield\n\n1:33 pm on March 3, 2031"):
            raw = f"{LEAD}\n\n{BODY}\n\n{tail}"
            assert clean_text(raw, find_title=False, patterns=PATTERNS).removed == [], tail


class TestTopOfThePage:
    TITLE = "Bishop signs statement"
    DATELINE = "ROME, March 3, 2031 (Example News) – The bishop signed the statement on Monday, his office said."

    @pytest.mark.parametrize("trail", ["NewsChurch Affairs", "NewsFaith, Politics - World", "OpinionMedia, Culture"])
    def test_a_section_label_glued_to_the_trail_above_the_dateline_goes(self, trail):
        raw = f"{trail}\n\n{self.DATELINE}\n\n{BODY}"
        cleaned = clean_text(raw, find_title=False, title=self.TITLE)
        assert removed(raw, cleaned) == [(trail, "navigation")]
        assert cleaned.text.startswith("ROME, ")

    def test_near_misses_of_a_glued_section_stay(self):
        for first, below, title in [
                ("NewsChurch Affairs", f"The bishop signed it on Monday.\n\n{BODY}", self.TITLE),  # no dateline
                ("NewsGuard Rates Example Sites Poorly In Review", self.DATELINE, self.TITLE),  # a deck, long
                ("Newsrooms Cut Staff", self.DATELINE, self.TITLE),  # not glued to a capital
                ("NewsChurch Affairs", self.DATELINE, None)]:  # no known title: it may be the headline
            raw = f"{first}\n\n{below}"
            cleaned = clean_text(raw, find_title=False, title=title)
            assert first not in [text for text, _ in removed(raw, cleaned)], first

    def test_an_agency_photo_credit_ends_a_caption(self):
        for caption in ("The bishop in Rome in May 2030. (Reuters photo: Jane Roe)",
                        "The bishop in Rome in May 2030. (AP Photo/Jane Roe)"):
            raw = f"{caption}\n\n{LEAD}\n\n{BODY}"
            cleaned = clean_text(raw, find_title=False, title=self.TITLE)
            assert removed(raw, cleaned) == [(caption, "caption")], caption
        for sentence in ("He showed the picture (Reuters photo: Jane Roe) to reporters.",
                         "The bishop posed for a photo (his office's) in May."):
            raw = f"{LEAD}\n\n{sentence}\n\n{BODY}"
            assert clean_text(raw, find_title=False).removed == [], sentence

    def test_a_bookshop_link_above_the_column_goes(self):
        raw = f"Shop all books by Jane Roe\n\n{LEAD}\n\n{BODY}"
        cleaned = clean_text(raw, find_title=False, title=self.TITLE, patterns=PATTERNS)
        assert removed(raw, cleaned) == [("Shop all books by Jane Roe", "promo")]
        raw = f"Shop all books by Jane Roe, the sign said, and the crowd did.\n\n{LEAD}"
        assert clean_text(raw, find_title=False, title=self.TITLE, patterns=PATTERNS).removed == []
