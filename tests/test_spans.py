"""Span repairs of ``toolkit.nlp.names`` on text written for them: hyphenated names, clauses around names."""

from __future__ import annotations

import re

import pandas as pd

from tests.test_entities import placed
from toolkit.nlp.names import propagate_names, repair_spans


def repaired(text: str, *spans, language: str | None = "fr") -> list[str]:
    result = repair_spans(placed(text, *spans), pd.DataFrame({"article_id": ["a"], "text": [text],
                                                              "language": [language]}))
    for row in result.itertuples():
        assert text[row.start_char:row.end_char] == row.text
    return result["text"].tolist()


class TestHyphenatedNames:
    """A name written with spaced hyphens is one mention when the engine took only a part of it."""

    def test_a_part_the_engine_left_out_joins_the_name(self):
        text = "Le gouvernement de la Grande - Russie. Aux Etats - Unis. M. Jetter, de La Chaux - de - Fonds."
        assert repaired(text, ("Russie", "LOC"), ("Etats", "LOC"), ("La Chaux", "LOC")) == \
            ["Grande - Russie", "Etats - Unis", "La Chaux - de - Fonds"]

    def test_a_dash_the_engine_kept_at_the_end_takes_the_next_part(self):
        text = "Lord Strangford est arrivé à Rio - Janeiro le 16 octobre."
        assert repaired(text, ("Rio -", "LOC")) == ["Rio - Janeiro"]

    def test_two_names_a_dateline_and_a_route_stay_apart(self):
        # "Brésil" is named alone in the corpus; "Le" opens a sentence; "Palma" repeats the mention;
        # "Genève" is a mention of its own.
        text = "France - Brésil ce soir. Le Brésil gagne. PARIS - Le gouvernement. Palma de Majorque - Palma. " \
               "Berne - Genève."
        assert repaired(text, ("France", "LOC"), ("Brésil", "LOC"), ("PARIS", "LOC"), ("Palma de Majorque", "LOC"),
                        ("Berne", "LOC"), ("Genève", "LOC")) == \
            ["France", "Brésil", "PARIS", "Palma de Majorque", "Berne", "Genève"]

    def test_a_hyphen_never_joins_across_a_line_break(self):
        text = "Il vit en Russie -\nGrande nouvelle."
        assert repaired(text, ("Russie", "LOC")) == ["Russie"]

    def test_a_propagated_mention_is_joined_too(self):
        text = "La Russie signe. La Russie parle. Le gouvernement de la Grande - Russie proteste."
        mentions = placed(text, ("Russie", "LOC"), ("Russie", "LOC"))
        words = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        tokens = pd.DataFrame({"article_id": "a", "text": [w for w, _, _ in words],
                               "start_char": [a for _, a, _ in words], "end_char": [b for _, _, b in words],
                               "upos": "PROPN", "lemma": [w for w, _, _ in words]})
        articles = pd.DataFrame({"article_id": ["a"], "text": [text], "language": ["fr"]})
        result = propagate_names(mentions, tokens, articles)
        added = result[result["source"] == "propagation"]
        assert added["text"].tolist() == ["Grande - Russie"]
        assert text[added["start_char"].iloc[0]:added["end_char"].iloc[0]] == "Grande - Russie"


class TestClausesAroundNames:
    """A mention does not run across a verb, nor start with a heading and a sentence's first words."""

    def test_a_heading_and_a_sentences_first_words_are_cut_before_the_name(self):
        text = "LE FAIT DU JOUR Et le Conseil national va - t - il se déjuger ?"
        assert repaired(text, ("JOUR Et le Conseil national va - t", "ORG")) == ["Conseil national"]

    def test_a_mention_stops_before_a_verb(self):
        text = "La Société générale est satisfaite. The Home Office said on Monday. Mais la Banque de France a dit."
        assert repaired(text, ("Société générale est", "ORG"), ("Home Office said", "ORG"),
                        ("Mais la Banque de France", "ORG")) == \
            ["Société générale", "Home Office", "Banque de France"]

    def test_names_with_capitals_lower_case_words_and_directions_stay_whole(self):
        text = "REYNIER S. GUERRE D ' ESPAGNE. La France. Allemagne de l ' est. Conseil national. Le Monde."
        spans = [("REYNIER S", "PER"), ("GUERRE D ' ESPAGNE", "MISC"), ("La France", "LOC"),
                 ("Allemagne de l ' est", "LOC"), ("Conseil national", "ORG"), ("Le Monde", "ORG")]
        assert repaired(text, *spans) == [surface for surface, _ in spans]

    def test_nothing_capitalised_left_keeps_the_mention(self):
        text = "Et qui va là ?"
        assert repaired(text, ("Et qui va", "MISC")) == ["Et qui va"]

    def test_a_conjunction_with_one_word_after_it_is_a_name(self):
        # Opening a text, "Or Yehuda" is a town; "Et le Conseil fédéral" still loses its "Et le".
        text = "Or Yehuda est une ville. Et le Conseil fédéral a dit."
        assert repaired(text, ("Or Yehuda", "LOC"), ("Et le Conseil fédéral", "ORG")) == ["Or Yehuda", "Conseil fédéral"]


def tables(text: str, *spans, language: str = "fr"):
    """Mentions (from ``placed``), one token per word, and the article, for ``propagate_names``."""
    words = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    tokens = pd.DataFrame({"article_id": "a", "text": [w for w, _, _ in words],
                           "start_char": [a for _, a, _ in words], "end_char": [b for _, _, b in words],
                           "upos": "PROPN", "lemma": [w for w, _, _ in words]})
    return placed(text, *spans), tokens, pd.DataFrame({"article_id": ["a"], "text": [text], "language": [language]})


class TestLanguages:
    def test_in_english_a_spaced_hyphen_is_a_dash(self):
        text = "SOCCER - SHEARER OUT. Canada - Aunger , Stewart . Grande - Russie ."
        spans = [("SHEARER", "PER"), ("Canada", "LOC"), ("Russie", "LOC")]
        mentions, _, articles = tables(text, *spans, language="en")
        result = repair_spans(mentions, articles)
        assert result["text"].tolist() == ["SHEARER", "Canada", "Russie"]
        mentions, _, articles = tables(text, *spans, language="fr")
        # In French the hyphen joins, but not two words in capitals (a heading, then a name).
        assert repair_spans(mentions, articles)["text"].tolist() == ["SHEARER", "Canada - Aunger", "Grande - Russie"]

    def test_a_propagated_place_takes_its_regional_adjective(self):
        text = "En Europe on vote . En Europe on signe . Un bloc en Europe occidentale ."
        mentions, tokens, articles = tables(text, ("Europe", "LOC"), ("Europe", "LOC"))
        result = propagate_names(mentions, tokens, articles)
        assert result[result["source"] == "propagation"]["text"].tolist() == ["Europe occidentale"]


class TestCompanyDesignators:
    def test_a_legal_form_after_a_name_is_part_of_an_organisations_name(self):
        text = ("Continental Illinois Corporation a annoncé. Dow Chemical Co of the United States. "
                "Nestlé SA. Apple Inc. said. Cola Coca. Paris Comptoir.")
        mentions = placed(text, ("Continental Illinois", "ORG"), ("Dow Chemical", "ORG"), ("Nestlé", "PER"),
                          ("Apple", "ORG"), ("Cola", "ORG"), ("Paris", "LOC"))
        result = repair_spans(mentions, pd.DataFrame({"article_id": ["a"], "text": [text]}))
        assert result["text"].tolist() == ["Continental Illinois Corporation", "Dow Chemical Co", "Nestlé SA",
                                           "Apple Inc.", "Cola", "Paris"]
        assert result["entity_type"].tolist() == ["ORG", "ORG", "ORG", "ORG", "ORG", "LOC"]


class TestNewspaperTitles:
    def test_a_place_after_a_newspapers_title_is_the_newspapers_name(self):
        text = ("Selon l' « Echo de Lyon » , la Gazette de Bordeaux et la Feuille d ' Avis de Sion , "
                "un courrier de Berlin est arrivé . Le journal de Nantes . La Presse de Vienne . Journal > de Paris .")
        mentions = placed(text, ("Echo", "ORG"), ("Lyon", "LOC"), ("Bordeaux", "LOC"), ("Sion", "LOC"),
                          ("Berlin", "LOC"), ("Nantes", "LOC"), ("Vienne", "LOC"), ("Journal", "ORG"),
                          ("Paris", "LOC"))
        result = repair_spans(mentions, pd.DataFrame({"article_id": ["a"], "text": [text]}))
        # The head tagged on its own ("Echo") is absorbed; a lower-case head is a common noun,
        # "Presse" is left to the engine, and a character no name has keeps "Journal" and "Paris" apart.
        assert result["text"].tolist() == ["Echo de Lyon", "Gazette de Bordeaux", "Feuille d ' Avis de Sion",
                                           "Berlin", "Nantes", "Vienne", "Journal", "Paris"]
        assert result["entity_type"].tolist() == ["ORG", "ORG", "ORG", "LOC", "LOC", "LOC", "ORG", "LOC"]

    def test_a_person_after_a_title_keeps_its_span(self):
        text = "La publication du Journal de Frédéric III ."
        assert repaired(text, ("Frédéric III", "PER")) == ["Frédéric III"]


class TestRoutes:
    def test_a_route_before_its_length_is_two_places(self):
        text = ("Quatrième étape , Bari - Matera ( 142 km ) : 1 . Rossi . Etape Lyon–Grenoble (190 km). "
                "Moyenne de Jean - Marc ( 45,2 km / h ) . Rome - Naples a été joué . "
                "Il a couru à Modane ( 12 km ) . "
                "Vers Saint - Etienne ( 40 km ) , Clermont-Ferrand (30 km) et La Chaux - de - Fonds ( 20 km ) .")
        mentions = placed(text, ("Bari - Matera", "MISC"), ("Lyon–Grenoble", "LOC"), ("Jean - Marc", "PER"),
                          ("Rome - Naples", "MISC"), ("Modane", "LOC"), ("Saint - Etienne", "LOC"),
                          ("Clermont-Ferrand", "LOC"), ("La Chaux - de - Fonds", "LOC"))
        result = repair_spans(mentions, pd.DataFrame({"article_id": ["a"], "text": [text]}))
        # A speed is not a route's length; without a length, or without a dash between two
        # capitalised words, or after "Saint", a mention stays whole.
        assert result["text"].tolist() == ["Bari", "Matera", "Lyon", "Grenoble", "Jean - Marc", "Rome - Naples",
                                           "Modane", "Saint - Etienne", "Clermont-Ferrand", "La Chaux - de - Fonds"]
        assert result["entity_type"].tolist() == ["LOC", "LOC", "LOC", "LOC", "PER", "MISC", "LOC", "LOC", "LOC",
                                                  "LOC"]


class TestSportRubrics:
    def test_a_sports_name_before_a_persons_name_is_cut(self):
        text = "Cyclisme Olano impressionne . TENNIS Hingis gagne . Le Hockey Club Davos gagne . Golf Sion est là ."
        spans = [("Cyclisme Olano", "PER"), ("TENNIS Hingis", "PER"), ("Hockey Club Davos", "ORG"),
                 ("Golf Sion", "LOC")]
        # Only a person's mention: a club or a place keeps its sport's name.
        assert repaired(text, *spans) == ["Olano", "Hingis", "Hockey Club Davos", "Golf Sion"]


class TestDatelines:
    def test_a_datelines_day_and_month_are_cut_from_its_place(self):
        text = ("ALLEMAGNE . Rastadt 21 août . La députation part. TURQUIE . Conflantinople 2 feptembre . "
                "Hier. LONDON, 3 March - The Queen. Sur France 2 ce soir et Europe 1 mai 68, Apollo 11 part.")
        result = repair_spans(placed(text, ("Rastadt 21", "MISC"), ("Conflantinople 2 feptembre", "MISC"),
                                     ("LONDON, 3 March", "LOC"), ("France 2", "ORG"), ("Europe 1", "ORG"),
                                     ("Apollo 11", "MISC")),
                              pd.DataFrame({"article_id": ["a"], "text": [text], "language": ["fr"]}))
        assert result["text"].tolist() == ["Rastadt", "Conflantinople", "LONDON", "France 2", "Europe 1",
                                           "Apollo 11"]
        # A dateline's place tagged MISC is a place.
        assert result["entity_type"].tolist()[:3] == ["LOC", "LOC", "LOC"]

    def test_a_name_ending_with_a_date_is_left_whole(self):
        # A day after a preposition or an article is a name's last part, no dateline's.
        text = ("Le Mouvement du 22 Mars . La Fête du 1er Mai, à Paris. Il vit Rue du 4 Septembre. "
                "La Révolution du 25 Avril . LA PLACE DU 14 JUILLET .")
        spans = [("Mouvement du 22 Mars", "ORG"), ("Fête du 1er Mai", "MISC"), ("Rue du 4 Septembre", "LOC"),
                 ("Révolution du 25 Avril", "MISC"), ("PLACE DU 14 JUILLET", "LOC")]
        result = repair_spans(placed(text, *spans),
                              pd.DataFrame({"article_id": ["a"], "text": [text], "language": ["fr"]}))
        assert result["text"].tolist() == [t for t, _ in spans]
        assert result["entity_type"].tolist() == [k for _, k in spans]

    def test_a_datelines_place_of_several_words_is_still_cut(self):
        text = "SUISSE . La Chaux - de - Fonds 3 mai . On annonce. ETATS-UNIS . New York, 12 juin : Hier."
        assert repaired(text, ("La Chaux - de - Fonds 3", "MISC"), ("New York, 12 juin", "LOC")) == \
            ["La Chaux - de - Fonds", "New York"]


class TestGluedPreposition:
    def test_an_a_glued_to_a_name_before_a_number_is_cut(self):
        # "Buschor" is written without the "à" elsewhere in the article.
        text = ("104 . Buschorà 10 ' 17 \" . 126 . Paradis à 16 ' . La Città 3 fois . Voilà 2 fois . Aarà est là . "
                "Buschor était déjà second l'an passé.")
        assert repaired(text, ("Buschorà", "PER"), ("Paradis", "PER"), ("Città", "LOC"), ("Voilà", "MISC"),
                        ("Aarà", "LOC")) == ["Buschor", "Paradis", "Città", "Voilà", "Aarà"]

    def test_a_name_ending_with_an_a_is_left_whole_without_the_bare_name_elsewhere(self):
        # Catalan and Italian surnames end with "à" after a consonant; a results list does not tell
        # them from a glued preposition, only the name written without it would.
        text = "1 . Serrà 10 ' 20 \" . 2 . Rossi à 10 ' 25 \" . 3 . Ferrà 11 ' . 4 . Buschorà 12 ' 3 \" ."
        assert repaired(text, ("Serrà", "PER"), ("Rossi", "PER"), ("Ferrà", "PER"), ("Buschorà", "PER")) == \
            ["Serrà", "Rossi", "Ferrà", "Buschorà"]

    def test_the_bare_name_in_capitals_counts_and_a_longer_word_does_not(self):
        text = "RÉSULTATS . BUSCHOR EN TÊTE . 1 . Buschorà 10 ' 17 \" . 2 . Serrà 10 ' 20 \" . La Serre ."
        assert repaired(text, ("Buschorà", "PER"), ("Serrà", "PER")) == ["Buschor", "Serrà"]


def overlapping(frame: pd.DataFrame) -> set[tuple[tuple[int, int], tuple[int, int]]]:
    """The pairs of mentions of one article whose spans overlap."""
    spans = sorted(zip(frame["start_char"].astype(int), frame["end_char"].astype(int)))
    return {(x, y) for k, x in enumerate(spans) for y in spans[k + 1:] if y[0] < x[1] and x[0] < y[1]}


class TestReviewedRepairs:
    """Repairs that must not over-reach: region codes, shared words, titles, unknown languages, repair=False."""

    def test_a_regions_code_after_a_place_is_not_a_legal_form(self):
        text = ("Il vit à Reno NV et à Perth SA, puis à Baden AG. Né à Newry Co Down. "
                "Le groupe Embraer SA vend. Bombardier Inc. a vendu. Kodak Co. Ltd a dit.")
        mentions = placed(text, ("Reno", "LOC"), ("Perth", "LOC"), ("Baden", "LOC"), ("Newry", "ORG"),
                          ("Embraer", "ORG"), ("Bombardier", "ORG"), ("Kodak", "ORG"))
        articles = pd.DataFrame({"article_id": ["a"], "text": [text], "language": ["fr"]})
        result = repair_spans(mentions, articles)
        # After a place, NV/SA/AG are a state's or a canton's code; "Co" before a capitalised
        # name is a county's ("Co Down"), whatever the engine's type.
        assert result["text"].tolist() == ["Reno", "Perth", "Baden", "Newry", "Embraer SA", "Bombardier Inc.",
                                           "Kodak Co"]
        assert result["entity_type"].tolist() == ["LOC", "LOC", "LOC", "ORG", "ORG", "ORG", "ORG"]

    def test_a_retyped_mention_has_its_label_changed_too(self):
        text = "Nestlé SA vend. Selon la Gazette de Bordeaux ."
        mentions = placed(text, ("Nestlé", "PER"), ("Bordeaux", "LOC"))
        articles = pd.DataFrame({"article_id": ["a"], "text": [text], "language": ["fr"]})
        result = repair_spans(mentions, articles)
        assert result["text"].tolist() == ["Nestlé SA", "Gazette de Bordeaux"]
        assert result["label"].tolist() == result["entity_type"].tolist() == ["ORG", "ORG"]

    def test_two_mentions_never_grow_into_the_same_word(self):
        text = "Le match Alpha - Beta - Gamma a eu lieu . Puis Delta - Epsilon - Zeta ."
        mentions = placed(text, ("Alpha", "LOC"), ("Gamma", "LOC"), ("Delta", "LOC"), ("Zeta", "ORG"))
        articles = pd.DataFrame({"article_id": ["a"], "text": [text], "language": ["fr"]})
        result = repair_spans(mentions, articles)
        assert not overlapping(mentions)
        assert not overlapping(result)
        assert result["text"].tolist() == ["Alpha - Beta", "Gamma", "Delta - Epsilon", "Zeta"]

    def test_two_propagated_mentions_never_grow_into_the_same_word(self):
        text = "Alpha signe . Alpha parle . Gamma signe . Gamma parle . Le match Alpha - Beta - Gamma ."
        mentions, tokens, articles = tables(text, ("Alpha", "LOC"), ("Alpha", "LOC"), ("Gamma", "LOC"),
                                            ("Gamma", "LOC"))
        result = propagate_names(mentions, tokens, articles)
        assert result[result["source"] == "propagation"]["text"].tolist() == ["Alpha - Beta", "Gamma"]
        assert not overlapping(result)

    def test_a_title_and_a_name_that_starts_like_a_conjunction_keep_their_words(self):
        text = ("Le film Paris est une fête sort . Le film Et Dieu créa la femme aussi . L' album And Justice "
                "for All . Le groupe Car Free Day annonce . La ville de Or Yehuda . JOUR Et le Conseil fédéral .")
        spans = [("Paris est une fête", "MISC"), ("Et Dieu créa la femme", "MISC"), ("And Justice for All", "MISC"),
                 ("Car Free Day", "ORG"), ("Or Yehuda", "LOC"), ("Et le Conseil fédéral", "ORG")]
        # A conjunction is cut only as a sentence's first word (here after a heading).
        assert repaired(text, *spans) == [surface for surface, _ in spans[:5]] + ["Conseil fédéral"]

    def test_a_misc_mention_that_runs_from_a_heading_into_a_sentence_is_trimmed(self):
        text = "LE FAIT DU JOUR Et le Conseil national va - t - il se déjuger ?"
        assert repaired(text, ("JOUR Et le Conseil national va", "MISC")) == ["Conseil national"]

    def test_a_spaced_hyphen_joins_only_in_a_language_known_to_hyphenate_names(self):
        text = "Canada - Aunger , Stewart ."
        for language in (None, float("nan"), "", "en"):
            assert repaired(text, ("Aunger", "PER"), language=language) == ["Aunger"], language
        assert repair_spans(placed(text, ("Aunger", "PER")),
                            pd.DataFrame({"article_id": ["a"], "text": [text]}))["text"].tolist() == ["Aunger"]
        assert repaired(text, ("Aunger", "PER"), language="fr-CH") == ["Canada - Aunger"]

    def test_without_repair_propagated_mentions_stay_as_found(self):
        text = "La Russie signe. La Russie parle. Le gouvernement de la Grande - Russie proteste."
        mentions, tokens, articles = tables(text, ("Russie", "LOC"), ("Russie", "LOC"))
        result = propagate_names(mentions, tokens, articles, repair=False)
        assert result[result["source"] == "propagation"]["text"].tolist() == ["Russie"]
