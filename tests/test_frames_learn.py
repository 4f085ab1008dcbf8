"""train_frames options: titles read, C chosen by inner cross-validation, class weights (text written here)."""

import pandas as pd
import pytest

from toolkit.framing.learn import train_frames

ECONOMY = ["Le budget et les impôts pèsent sur l'économie.", "La croissance économique ralentit, le budget souffre."]
CRIME = ["La police a arrêté le suspect du vol.", "Le tribunal condamne le voleur à la prison."]


def _coded(n: int = 12):
    texts = [ECONOMY[i % 2] for i in range(n // 2)] + [CRIME[i % 2] for i in range(n // 2)]
    articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(n)], "text": texts})
    gold = {f"a{i}": (["Economic"] if i < n // 2 else ["Crime"]) for i in range(n)}
    return articles, gold


def test_title_is_read_only_when_asked():
    # the bodies say nothing; only the titles carry the frame
    articles, gold = _coded()
    articles = articles.assign(title=articles["text"], text=[f"Le texte suit, page {i}." for i in range(12)])
    with_title = train_frames(articles, gold, features=("tfidf",), n_folds=3, title=True)
    predictions = with_title.predict(articles.iloc[[0, 6]]).predictions
    present = predictions[predictions["present"]]
    assert set(zip(present["article_id"], present["frame"])) == {("a0", "Economic"), ("a6", "Crime")}
    bodies = articles.assign(text=[f"Le texte suit, page {i}." for i in range(len(articles))])
    body_only = train_frames(bodies, gold, features=("tfidf",), n_folds=3)  # the title is not read
    assert not body_only.title and "budget" not in body_only.vectorizer.vocabulary_
    assert "budget" in with_title.vectorizer.vocabulary_
    with pytest.raises(ValueError, match="title"):
        train_frames(articles.drop(columns="title"), gold, features=("tfidf",), n_folds=3, title=True)


def test_several_C_one_is_chosen_and_kept():
    articles, gold = _coded()
    model = train_frames(articles, gold, features=("tfidf",), n_folds=3, C=(0.01, 10.0), threshold="shared",
                         class_weight=None)
    assert model.C in (0.01, 10.0)
    assert model.classifier.estimators_[0].C == model.C
    single = train_frames(articles, gold, features=("tfidf",), n_folds=3, C=2.0)
    assert single.C == 2.0


@pytest.mark.parametrize("options", [dict(C=()), dict(C=(1.0, -1.0)), dict(class_weight="auto")])
def test_bad_options_are_refused(options):
    articles, gold = _coded()
    with pytest.raises(ValueError):
        train_frames(articles, gold, features=("tfidf",), n_folds=3, **options)


def test_C_may_be_a_numpy_array():
    import numpy as np

    articles, gold = _coded()
    model = train_frames(articles, gold, features=("tfidf",), n_folds=3, C=np.array([0.5, 8.0]))
    assert model.C in (0.5, 8.0)


def test_a_model_saved_before_title_and_C_existed_still_predicts():
    import pickle

    articles, gold = _coded()
    model = train_frames(articles, gold, features=("tfidf",), n_folds=3)
    expected = model.predict(articles).predictions
    del model.__dict__["title"], model.__dict__["C"]  # what an older pickle holds
    old = pickle.loads(pickle.dumps(model))
    assert (old.title, old.C) == (False, None)
    pd.testing.assert_frame_equal(old.predict(articles).predictions, expected)
