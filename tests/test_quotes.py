"""Tests for toolkit.framing.quotes (roles, quotations and their speakers), on hand-made parses and the seeds."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.seed_tables import (
    A000, A001, A002, A003, A004, ALVAREZ, TO, TO_LAM, make_tokens, mentions_table, one_article, seed_tables,
)
from toolkit.framing import CodebookError
from toolkit.framing.quotes import QUOTE_COLUMNS, RESOLUTIONS, ROLE_COLUMNS, extract_quotes, find_roles, load_cues, quote_spans


# ---------------------------------------------------------------- hand-made parses

EN_TEXT = 'Jane Doe arrived in Hanoi. "Cooperation matters," she said.'
EN_WORDS = [  # (text, lemma, upos, head, deprel, sentence_id)
    ("Jane", "Jane", "PROPN", 2, "nsubj", 0), ("Doe", "Doe", "PROPN", 0, "flat:name", 0),
    ("arrived", "arrive", "VERB", None, "root", 0), ("in", "in", "ADP", 4, "case", 0),
    ("Hanoi", "Hanoi", "PROPN", 2, "obl", 0), (".", ".", "PUNCT", 2, "punct", 0),
    ('"', '"', "PUNCT", 8, "punct", 1), ("Cooperation", "cooperation", "NOUN", 8, "nsubj", 1),
    ("matters", "matter", "VERB", 12, "ccomp", 1), (",", ",", "PUNCT", 8, "punct", 1),
    ('"', '"', "PUNCT", 8, "punct", 1), ("she", "she", "PRON", 12, "nsubj", 1),
    ("said", "say", "VERB", None, "root", 1), (".", ".", "PUNCT", 12, "punct", 1),
]
FR_TEXT = "Le ministre de la Santé a déclaré que les vaccins arrivent."
FR_WORDS = [
    ("Le", "le", "DET", 1, "det"), ("ministre", "ministre", "NOUN", 6, "nsubj"), ("de", "de", "ADP", 4, "case"),
    ("la", "le", "DET", 4, "det"), ("Santé", "santé", "NOUN", 1, "nmod"), ("a", "avoir", "AUX", 6, "aux:tense"),
    ("déclaré", "déclarer", "VERB", None, "root"), ("que", "que", "SCONJ", 10, "mark"),
    ("les", "le", "DET", 9, "det"), ("vaccins", "vaccin", "NOUN", 10, "nsubj"),
    ("arrivent", "arriver", "VERB", 6, "ccomp"), (".", ".", "PUNCT", 6, "punct"),
]


class TestHandMade:
    def test_direct_quote_with_pronoun_speaker(self):
        tokens = make_tokens("en1", EN_TEXT, EN_WORDS)
        mentions = mentions_table("en1", EN_TEXT, [("Jane Doe", "PER", "PER:jane-doe"), ("Hanoi", "LOC", "LOC:hanoi")])
        quotes = extract_quotes(tokens, mentions, one_article("en1", EN_TEXT, "en"))
        assert list(quotes.columns) == QUOTE_COLUMNS
        assert len(quotes) == 1  # the "said" clause overlaps the direct quote and is not repeated
        quote = quotes.iloc[0]
        assert (quote["kind"], quote["content"], quote["cue"], quote["speaker_text"]) == (
            "direct", "Cooperation matters", "say", "she")
        assert (quote["speaker_entity_id"], quote["resolution"]) == ("PER:jane-doe", "anaphora")
        assert EN_TEXT[quote["start_char"]:quote["end_char"]] == quote["content"]
        assert EN_TEXT[quote["cue_start_char"]:quote["cue_end_char"]] == "said"

    def test_a_name_with_a_persons_role_in_apposition_is_a_person(self):
        # The NER typed "Ann Lee" a place; "the aide" in apposition makes her a person, so "she" is her.
        text = 'Ann Lee, the aide, met Tom Ford. "We will win this case," she said.'
        words = [("Ann", "Ann", "PROPN", 1, "compound", 0), ("Lee", "Lee", "PROPN", 6, "nsubj", 0),
                 (",", ",", "PUNCT", 1, "punct", 0), ("the", "the", "DET", 4, "det", 0),
                 ("aide", "aide", "NOUN", 1, "appos", 0), (",", ",", "PUNCT", 1, "punct", 0),
                 ("met", "meet", "VERB", None, "root", 0), ("Tom", "Tom", "PROPN", 8, "compound", 0),
                 ("Ford", "Ford", "PROPN", 6, "obj", 0), (".", ".", "PUNCT", 6, "punct", 0),
                 ('"', '"', "PUNCT", 13, "punct", 1), ("We", "we", "PRON", 13, "nsubj", 1),
                 ("will", "will", "AUX", 13, "aux", 1), ("win", "win", "VERB", 19, "ccomp", 1),
                 ("this", "this", "DET", 15, "det", 1), ("case", "case", "NOUN", 13, "obj", 1),
                 (",", ",", "PUNCT", 13, "punct", 1), ('"', '"', "PUNCT", 13, "punct", 1),
                 ("she", "she", "PRON", 19, "nsubj", 1), ("said", "say", "VERB", None, "root", 1),
                 (".", ".", "PUNCT", 19, "punct", 1)]
        mentions = mentions_table("en3", text, [("Ann Lee", "LOC", "LOC:ann-lee"), ("Tom Ford", "PER", "PER:tom-ford")])
        quote = extract_quotes(make_tokens("en3", text, words), mentions, one_article("en3", text, "en")).iloc[0]
        assert (quote["content"], quote["speaker_entity_id"]) == ("We will win this case", "LOC:ann-lee")

    def test_role_description_needs_a_role_or_a_table(self):
        tokens = make_tokens("fr1", FR_TEXT, FR_WORDS)
        mentions = mentions_table("fr1", FR_TEXT, [])
        articles = one_article("fr1", FR_TEXT, "fr")
        alone = extract_quotes(tokens, mentions, articles).iloc[0]
        assert (alone["kind"], alone["content"], alone["cue"]) == ("indirect", "les vaccins arrivent", "déclarer")
        assert alone["resolution"] == "unresolved" and pd.isna(alone["speaker_entity_id"])
        roles = pd.DataFrame({"role": ["ministre de la Santé"], "language": ["fr"], "name": ["Marie Curie"],
                              "entity_id": ["PER:marie-curie"]})
        with_table = extract_quotes(tokens, mentions, articles, roles=roles).iloc[0]
        assert (with_table["speaker_entity_id"], with_table["resolution"]) == ("PER:marie-curie", "role")
        assert "role table" in with_table["evidence"]
        unnamed = extract_quotes(tokens, mentions, articles, roles=roles.drop(columns="entity_id")).iloc[0]
        assert unnamed["speaker_entity_id"] == "PER:marie-curie"  # never named in the corpus: id from the name

    def test_quote_marks(self):
        text = 'Il a dit : « Nous sommes prêts » et “We agree,” said he. "A" b "c d".\n\nOdd " mark.'
        inner = [text[s:e] for _, _, s, e in quote_spans(text)]
        assert inner == ["Nous sommes prêts", "We agree", "A", "c d"]  # an unpaired " is not a quote

    def test_unlinked_mentions_and_bad_cues(self, tmp_path):
        tokens = make_tokens("fr1", FR_TEXT, FR_WORDS)
        articles = one_article("fr1", FR_TEXT, "fr")
        with pytest.raises(ValueError, match="must be linked"):
            extract_quotes(tokens, mentions_table("fr1", FR_TEXT, []).drop(columns=["entity_id", "name"]), articles)
        bad = tmp_path / "cues.csv"
        bad.write_text("kind,language,term\nverb,fr,dire\nadverb,fr,vite\n", encoding="utf-8")
        with pytest.raises(CodebookError, match=r"cues\.csv:3: kind must be one of"):
            load_cues(bad)
        cues = load_cues()
        assert set(cues["kind"]) == {"verb", "attribution", "anaphor", "role", "organisation"}
        assert not cues.duplicated(["kind", "language", "term"]).any()

    def test_former_cue_kind_source_still_read(self, tmp_path):
        old = tmp_path / "cues.csv"
        old.write_text("kind,language,term\nverb,fr,déclarer\nsource,fr,selon\n", encoding="utf-8")
        with pytest.warns(FutureWarning, match="'source' is now 'attribution'"):
            cues = load_cues(old)
        assert cues["kind"].tolist() == ["verb", "attribution"]
        text = "Selon le ministre, les vaccins arrivent demain."
        words = [("Selon", "selon", "ADP", 2, "case"), ("le", "le", "DET", 2, "det"),
                 ("ministre", "ministre", "NOUN", 5, "obl"), (",", ",", "PUNCT", 2, "punct"),
                 ("les", "le", "DET", 5, "det"), ("vaccins", "vaccin", "NOUN", 6, "nsubj"),
                 ("arrivent", "arriver", "VERB", None, "root"), ("demain", "demain", "ADV", 6, "advmod"),
                 (".", ".", "PUNCT", 6, "punct")]
        tokens, articles = make_tokens("fr2", text, words), one_article("fr2", text, "fr")
        table = load_cues().assign(kind=lambda c: c["kind"].replace({"attribution": "source"}))
        with pytest.warns(FutureWarning, match="'source' is now 'attribution'"):
            quotes = extract_quotes(tokens, mentions_table("fr2", text, []), articles, cues=table)
        assert quotes[["kind", "cue", "content"]].values.tolist() == [
            ["according-to", "selon", "les vaccins arrivent demain"]]


# ---------------------------------------------------------------- the seeds


@pytest.fixture(scope="module")
def seeds():
    return seed_tables()


@pytest.fixture(scope="module")
def quotes(seeds):
    articles, _, tokens, mentions = seeds
    return extract_quotes(tokens, mentions, articles)


class TestSeedQuotes:
    def test_002_quotes_are_to_lam_and_alvarez_casas(self, quotes):
        direct = quotes[(quotes["article_id"] == A002) & (quotes["kind"] == "direct")]
        assert direct["speaker_entity_id"].tolist() == [TO_LAM, ALVAREZ]
        assert direct["cue"].tolist() == ["déclarer", "affirmer"]
        # "celui qui est également membre du Bureau politique" and "Le ministre cubain de l'Intérieur"
        assert direct["resolution"].tolist() == ["anaphora", "role"]
        assert direct["speaker_text"].str.startswith("celui qui").iloc[0]
        assert direct["speaker_text"].iloc[1] == "Le ministre cubain de l'Intérieur"
        assert direct["content"].str.split().str[0].tolist() == ["apportant", "nous"]

    def test_a_quoted_name_is_not_a_quote(self, seeds, quotes):
        # The name is in quotation marks in an article that has quotes, and is not one of them.
        texts = seeds[0].set_index("article_id")["text"]
        quoted = [a for a, t in texts.items() if '"Protection de la sécurité nationale"' in t
                  or "« Protection de la sécurité nationale »" in t]
        assert quoted and (quotes["article_id"].isin(quoted)).any()
        assert not quotes["content"].str.contains("Protection de la sécurité nationale").any()

    def test_reported_speech(self, quotes):
        found = {(a, c): s for a, c, s in zip(quotes["article_id"], quotes["cue"], quotes["speaker_entity_id"])}
        assert found[(A000, "affirmer")] == found[(A003, "affirmer")] == TO  # "affirmant que"
        assert found[(A001, "affirm")] == TO  # "To expressed ..., affirming that"
        assert found[(A004, "indiquer")] == TO_LAM  # "..., a indiqué le ministre vietnamien"
        assert found[(A002, "noter")] == TO_LAM  # "..., a-t-il noté"
        assert found[(A002, "souligner")] == ALVAREZ  # "Le ministre cubain de l'Intérieur a souligné que"
        selon = quotes[quotes["kind"] == "according-to"]
        assert selon["cue"].tolist() == ["selon"] and selon["speaker_text"].str.startswith("une note").all()

    def test_contract(self, seeds, quotes):
        texts = seeds[0].set_index("article_id")["text"]
        assert list(quotes.columns) == QUOTE_COLUMNS
        assert set(quotes["article_id"]) == set(texts.index)  # every seed article reports speech
        assert {"direct", "indirect", "according-to"} <= set(quotes["kind"])
        assert set(quotes["resolution"]) <= set(RESOLUTIONS) and "mention" in set(quotes["resolution"])
        assert not quotes.duplicated(["article_id", "quote_id"]).any()
        assert (quotes.groupby("article_id")["quote_id"].agg(list)
                == quotes.groupby("article_id").size().map(lambda n: list(range(n)))).all()
        for row in quotes.itertuples():
            assert texts[row.article_id][row.start_char:row.end_char] == row.content
            assert texts[row.article_id][row.cue_start_char:row.cue_end_char] == row.cue_text
            if pd.notna(row.speaker_start_char):
                assert texts[row.article_id][row.speaker_start_char:row.speaker_end_char] == row.speaker_text
        resolved = quotes["speaker_entity_id"].notna()
        assert resolved.sum() >= 8
        assert (quotes.loc[resolved, "resolution"] != "unresolved").all()

    def test_002_alone_uses_salience_then_needs_a_role_table(self, seeds):
        articles, _, tokens, mentions = seeds
        only = [t[t["article_id"] == A002] for t in (articles, tokens, mentions)]
        direct = extract_quotes(only[1], only[2], only[0]).query("kind == 'direct'")
        # No other article to learn "membre du Bureau politique" from: the most recent subject wins.
        assert direct["speaker_entity_id"].iloc[0] == TO_LAM
        assert direct["evidence"].iloc[0].startswith("most recent subject")
        assert pd.isna(direct["speaker_entity_id"].iloc[1])
        roles = pd.DataFrame({"role": ["ministre cubain de l'Intérieur"], "language": ["fr"],
                              "name": ["Lázaro Alberto Álvarez Casas"]})
        with_table = extract_quotes(only[1], only[2], only[0], roles=roles).query("kind == 'direct'")
        assert with_table["speaker_entity_id"].tolist() == [TO_LAM, ALVAREZ]

    def test_roles(self, seeds):
        articles, _, tokens, mentions = seeds
        roles = find_roles(tokens, mentions, articles)
        assert list(roles.columns) == ROLE_COLUMNS
        pairs = set(zip(roles["article_id"], roles["entity_id"], roles["role"]))
        assert (A000, ALVAREZ, "ministre cubain de l’Intérieur") in pairs
        assert (A001, ALVAREZ, "Minister of the Interior of Cuba") in pairs
        assert (A004, TO_LAM, "membre du Bureau Politique") in pairs
        assert (A002, TO_LAM, "ministre vietnamien de la Sécurité publique") in pairs
        texts = articles.set_index("article_id")["text"]
        assert all(texts[a][s:e] == r for a, s, e, r in
                   zip(roles["article_id"], roles["start_char"], roles["end_char"], roles["role"]))


# ---------------------------------------------------------------- speakers on sentences parsed by spaCy

SPEAKER_TEXTS = {
    "fr-inverted": ("fr", "Marie Dupont est arrivée à Paris lundi. « Les vaccins arriveront la semaine prochaine "
                          "pour tous les hôpitaux », a-t-elle assuré."),
    "fr-after": ("fr", "Le sommet s'est ouvert à Genève. « Nous ne céderons sur aucun point de ce texte », assure "
                       "une diplomate américaine."),
    "fr-nested": ("fr", "Jean Martin a déclaré : « Le ministre m'a dit “nous partirons demain matin” et je le crois "
                        "sincèrement. »"),
    "fr-continued": ("fr", "« Nous avons gagné cette bataille difficile », a déclaré Paul Girard.\n\n« Mais la "
                           "guerre continue et il faudra encore beaucoup de temps. »"),
    "fr-title": ("fr", "Le programme « Horizon Europe » finance la recherche depuis 2021."),
    "en-said-he": ("en", "Senator John Smith spoke in Boston on Monday. \"We will not back down on this bill,\" "
                         "said he."),
    "en-after": ("en", "\"The outbreak is now under control in the region,\" WHO chief Jane Doe told reporters."),
    "en-before": ("en", "Jane Doe told CNN on Tuesday: \"We are ready for the next wave of cases.\""),
}


def _quotes_of(texts: dict) -> pd.DataFrame:
    """Quotes of written articles ``{id: (language, text)}``: annotated, linked, extracted."""
    import toolkit as tk

    articles = pd.DataFrame({"article_id": list(texts), "language": [v[0] for v in texts.values()],
                             "text": [v[1] for v in texts.values()]})
    annotation = tk.annotate(articles, engine="spacy", progress=False)
    linked = tk.link_entities(annotation.mentions, articles=articles)
    return extract_quotes(annotation.tokens, linked.mentions, articles)


@pytest.fixture(scope="module")
def speaker_quotes():
    return _quotes_of(SPEAKER_TEXTS)


def _direct(quotes, article_id):
    return quotes[(quotes["article_id"] == article_id) & (quotes["kind"] == "direct")].reset_index(drop=True)


def _indirect(quotes, article_id):
    return quotes[(quotes["article_id"] == article_id) & (quotes["kind"] == "indirect")].reset_index(drop=True)


class TestSpeakers:
    def test_resolutions_are_documented_and_offsets_slice_back(self, speaker_quotes):
        assert set(speaker_quotes["resolution"]) <= set(RESOLUTIONS)
        for q in speaker_quotes.itertuples():
            text = SPEAKER_TEXTS[q.article_id][1]
            assert text[q.start_char:q.end_char] == q.content
            if pd.notna(q.speaker_start_char):
                assert text[q.speaker_start_char:q.speaker_end_char] == q.speaker_text

    def test_inverted_clitic_is_the_pronoun_not_t(self, speaker_quotes):
        quote = _direct(speaker_quotes, "fr-inverted").iloc[0]
        assert quote["speaker_text"] != "-t" and "elle" in quote["speaker_text"]
        assert (quote["speaker_name"], quote["resolution"]) == ("Marie Dupont", "anaphora")

    def test_cue_after_the_closing_mark_gives_its_subject(self, speaker_quotes):
        quote = _direct(speaker_quotes, "fr-after").iloc[0]
        assert quote["cue"] == "assurer" and "diplomate" in quote["speaker_text"]
        assert quote["resolution"] == "description" and pd.isna(quote["speaker_entity_id"])

    def test_nested_quote_belongs_to_the_outer_speaker(self, speaker_quotes):
        quotes = _direct(speaker_quotes, "fr-nested")
        assert len(quotes) == 1 and "nous partirons" in quotes.loc[0, "content"]
        assert quotes.loc[0, "speaker_name"] == "Jean Martin"

    def test_quote_with_no_cue_continues_the_previous_speaker(self, speaker_quotes):
        quotes = _direct(speaker_quotes, "fr-continued")
        assert quotes["speaker_name"].tolist() == ["Paul Girard", "Paul Girard"]
        assert quotes["resolution"].tolist() == ["mention", "continuation"]

    def test_a_quoted_title_is_not_a_quote(self, speaker_quotes):
        assert _direct(speaker_quotes, "fr-title").empty

    def test_english_said_he(self, speaker_quotes):
        quote = _direct(speaker_quotes, "en-said-he").iloc[0]
        assert (quote["speaker_text"], quote["speaker_name"], quote["resolution"]) == ("he", "John Smith", "anaphora")

    def test_english_subject_before_the_cue_is_the_person_not_the_organisation(self, speaker_quotes):
        quote = _direct(speaker_quotes, "en-after").iloc[0]
        assert (quote["cue"], quote["speaker_name"]) == ("tell", "Jane Doe")

    def test_english_cue_before_a_colon(self, speaker_quotes):
        quote = _direct(speaker_quotes, "en-before").iloc[0]
        assert (quote["cue"], quote["speaker_name"], quote["resolution"]) == ("tell", "Jane Doe", "mention")


RULE_TEXTS = {
    "fr-nested-outer": ("fr", "Le maire Jean Martin a répondu aux élus lundi.\n\n« Aux élus qui disent « nous partirons "
                              "demain », je réponds que la ville ne cédera pas », a-t-il écrit sur son site."),
    "fr-name-in-quote": ("fr", "Le ministre Jean Martin a visité le port de Brest lundi.\n\n« Je veux que Pierre Leroy "
                               "et toute son équipe restent à Brest pendant dix ans », a-t-il ajouté."),
    "fr-gender": ("fr", "Mme Claire Petit a reçu les syndicats lundi. M. Louis Bernard a salué cet accord. "
                        "« Nous sommes satisfaits de ce compromis », a-t-elle déclaré."),
    "fr-gender-role": ("fr", "Le Premier ministre taïwanais, Paul Chen, a accueilli la délégation lundi. Elle a "
                             "expliqué que les exercices continueront toute la semaine."),
    "fr-gender-participle": ("fr", "Le candidat de gauche, qui devait être une candidate écologiste, Émilie Durand, a "
                                   "été battue face au candidat RN Pierre Moreau. Elle n'a pas répondu si elle était "
                                   "solidaire de son parti."),
    "en-gender-civility": ("en", "Mrs Ann Lee hosted the talks on Monday. Mr Tom Ford arrived late. She said that "
                                 "the deal was close."),
    "fr-cue-subject": ("fr", "Pour Claire Petit, Matteo Leroy prend de bonnes décisions. Evoquant Matteo Leroy, Claire "
                             "Petit a affirmé que « depuis qu'il n'accepte plus de migrants, le nombre de morts a chuté »."),
    "fr-selon-role": ("fr", "Claire Petit a visité le port. « Nous resterons ici très longtemps », a-t-elle dit. "
                            "Selon la présidente de la région, « ce port doit rester ouvert à tous les pêcheurs »."),
    "fr-appositive": ("fr", "Le Premier ministre italien, Mario Rossi, a déclaré : « Nous ne céderons pas sur ce point "
                            "essentiel. »"),
    "en-organisation": ("en", "The Boston Teachers Association met on Monday. \"We will strike next week if nothing "
                              "changes,\" the association said."),
    "en-scare-quote": ("en", "Senator John Smith spoke on Monday. Critics use the old \"peace dividend\" argument to "
                             "explain the cuts."),
    "fr-source-before": ("fr", "Le président a parlé avec son homologue lundi, comme l'a révélé Reuters.\n\n« L'appel a "
                               "duré trois heures et les deux dirigeants se reverront bientôt. »"),
    "en-namesake": ("en", "Anna Weber opened the new factory in Ohio on Monday. Later, Weber visited the workers in "
                          "Dayton. Her father, Paul Weber, founded the company in 1970. \"We will hire two hundred people next year,\" "
                          "Weber said."),
    "en-called": ("en", "The city council voted on Monday. Senator John Smith called the new budget a “reckless "
                        "gamble.” A group called “Save Our Parks” marched outside the hall, and the so-called “budget "
                        "hawks” stayed home."),
    "fr-qualifier": ("fr", "Le conseil municipal a voté lundi. Le sénateur Jean Martin a qualifié le budget de « pari "
                           "dangereux ». Un collectif appelé « Sauvons nos parcs » a manifesté devant la mairie."),
    "en-parenthetical": ("en", "The vote ended late on Tuesday. Mr. Green, whose name, the Anti-Hunger League wrote "
                               "after the March event, is “virtually synonymous with greed,” then drew attention in "
                               "1990."),
    "fr-complement-of-subject": ("fr", "Claire Martin, l'attachée de presse de Marie Dubois, a critiqué le député "
                                       "Paul Leroy lundi. « Je lui ai dit de partir tout de suite et sans discuter », "
                                       "a-t-elle raconté."),
    "fr-work-title": ("fr", "Jean Dupont a quitté le ministère en 2019. J'en ai fait l'expérience moi-même (lire "
                            "l'excellente analyse de Jean Dupont « Quand les experts deviennent militants »)."),
    "fr-partial-after-noun": ("fr", "Le débat a duré trois heures. Paul Girard a préconisé que l'administration "
                                    "« déploie une présence militaire dans la région »."),
    "en-naming-only": ("en", "The plan, which is called “Fresh Start”, was approved on Monday. Mayor Paul Green has "
                             "called the plan’s bluff since he said that it would fail."),
    "fr-complement-of-a-thing": ("fr", "Le discours de Paul Girard était très long. Les missiles fabriqués par Jean "
                                       "Roux coûtent cher. Il dénonce « un retrait désastreux qui a humilié notre "
                                       "pays »."),
    "en-main-clause": ("en", "Laura Green, a school teacher, says Mark Brown pushed her during a trip in 2010. She says "
                             "Brown \"shouted at every student on the bus that day\" before the trip ended."),
}


@pytest.fixture(scope="module")
def rule_quotes():
    return _quotes_of(RULE_TEXTS)


class TestSpeakerRules:
    def test_outer_quote_of_a_nested_one_is_found_with_its_cue(self, rule_quotes):
        quotes = _direct(rule_quotes, "fr-nested-outer")
        assert len(quotes) == 1 and quotes.loc[0, "content"].startswith("Aux élus")
        assert quotes.loc[0, "speaker_name"] == "Jean Martin"

    def test_a_name_inside_the_quote_is_not_the_pronouns_antecedent(self, rule_quotes):
        quote = _direct(rule_quotes, "fr-name-in-quote").iloc[0]
        assert (quote["speaker_name"], quote["resolution"]) == ("Jean Martin", "anaphora")

    @pytest.mark.parametrize("article_id, kind, speaker", [
        pytest.param("fr-gender", "direct", "Claire Petit",
                     id="a_feminine_pronoun_skips_a_man"),
        # "Une candidate ..., Émilie Durand, a été battue par le candidat Pierre Moreau": she, then he.
        pytest.param("fr-gender-participle", "indirect", "Émilie Durand",
                     id="a_feminine_pronoun_finds_the_woman_her_participle_and_title_mark"),
        pytest.param("fr-cue-subject", "direct", "Claire Petit",
                     id="the_cue_verbs_subject_wins_over_a_name_the_clause_mentions"),
        pytest.param("fr-appositive", "direct", "Mario Rossi",
                     id="the_name_in_apposition_to_a_title_speaks"),
        pytest.param("fr-source-before", "direct", "Reuters",
                     id="a_quote_after_a_sourced_sentence_belongs_to_the_source"),
        # A namesake introduced later in full ("Her father, Paul Weber") does not take over "Weber".
        pytest.param("en-namesake", "direct", "Anna Weber",
                     id="a_surname_alone_stays_with_the_person_it_named_first"),
        # "Le discours de Paul Girard était très long": Il is Paul Girard, not the last person named (Jean Roux).
        pytest.param("fr-complement-of-a-thing", "direct", "Paul Girard",
                     id="a_person_in_a_complement_of_a_subject_thing_stands_for_it"),
    ])
    def test_the_speaker_each_case_names(self, rule_quotes, article_id, kind, speaker):
        quote = (_direct if kind == "direct" else _indirect)(rule_quotes, article_id).iloc[0]
        assert quote["speaker_name"] == speaker

    def test_a_feminine_pronoun_skips_a_man_the_determiner_of_his_title_marks(self, rule_quotes):
        # "Le Premier ministre ..., Paul Chen": a man; "Elle" is someone else, not him.
        quote = _indirect(rule_quotes, "fr-gender-role").iloc[0]
        assert pd.isna(quote["speaker_name"]) or quote["speaker_name"] != "Paul Chen"
        assert quote["speaker_text"] == "Elle"

    def test_she_skips_a_man_his_civility_marks(self, rule_quotes):
        quote = _indirect(rule_quotes, "en-gender-civility").iloc[0]
        assert (quote["speaker_name"], quote["resolution"]) == ("Ann Lee", "anaphora")

    def test_a_role_after_selon_is_a_new_speaker_not_a_continuation(self, rule_quotes):
        quotes = _direct(rule_quotes, "fr-selon-role")
        quote = quotes[quotes["content"].str.startswith("ce port")].iloc[0]
        assert quote["speaker_name"] is pd.NA or pd.isna(quote["speaker_name"])
        assert quote["resolution"] == "description" and "présidente" in quote["speaker_text"]

    def test_an_organisation_noun_points_to_the_organisation_named_before(self, rule_quotes):
        quote = _direct(rule_quotes, "en-organisation").iloc[0]
        assert "Teachers Association" in quote["speaker_name"] and quote["resolution"] == "anaphora"

    def test_scare_quotes_in_another_clause_have_no_speaker(self, rule_quotes):
        quotes = _direct(rule_quotes, "en-scare-quote")
        assert quotes.empty or quotes["speaker_name"].isna().all()

    def test_a_pronoun_is_the_main_clauses_subject_not_the_reported_ones(self, rule_quotes):
        # "X says Y pushed her. She says Y "..."": she is X, the subject of the sentence's main clause.
        quote = _direct(rule_quotes, "en-main-clause").iloc[0]
        assert (quote["speaker_name"], quote["resolution"]) == ("Laura Green", "anaphora")

    @pytest.mark.parametrize("article_id, words, speaker", [("en-called", "reckless gamble", "John Smith"),
                                                            ("fr-qualifier", "pari dangereux", "Jean Martin")])
    def test_words_a_naming_verb_reports_are_quoted_a_name_is_not(self, rule_quotes, article_id, words, speaker):
        # "X called the budget a “...”" quotes X; "a group called “Save Our Parks”" and "so-called" name things.
        quotes = _direct(rule_quotes, article_id)
        assert len(quotes) == 1 and quotes.loc[0, "content"].startswith(words)
        assert quotes.loc[0, "speaker_name"] == speaker

    def test_a_reporting_clause_between_commas_has_its_own_subject(self, rule_quotes):
        # "X, whose name, the Anti-Hunger League wrote after the event, is “...”": the League, not "whose name".
        quote = _direct(rule_quotes, "en-parenthetical").iloc[0]
        assert (quote["cue"], quote["speaker_text"], quote["speaker_name"]) == (
            "write", "the Anti-Hunger League", "Anti-Hunger League")

    def test_a_name_in_a_complement_of_the_subject_is_not_the_subject(self, rule_quotes):
        # "Claire Martin, l'attachée de presse de Marie Dubois, a critiqué...": elle is Claire Martin.
        quote = _direct(rule_quotes, "fr-complement-of-subject").iloc[0]
        assert (quote["speaker_name"], quote["resolution"]) == ("Claire Martin", "anaphora")

    def test_a_capitalised_quote_right_after_a_noun_is_a_title(self, rule_quotes):
        # "l'analyse de Jean Dupont « Quand les experts... »" names a work; a partial quote after a noun stays.
        assert _direct(rule_quotes, "fr-work-title").empty
        quote = _direct(rule_quotes, "fr-partial-after-noun").iloc[0]
        assert quote["content"].startswith("déploie") and quote["speaker_name"] == "Paul Girard"

    def test_a_naming_verb_never_reports_a_clause_nor_a_passive_name(self, rule_quotes):
        quotes = rule_quotes[rule_quotes["article_id"] == "en-naming-only"]
        assert quotes[["kind", "cue", "speaker_name"]].values.tolist() == [["indirect", "say", "Paul Green"]]
