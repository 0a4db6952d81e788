"""The clause-by-clause, word-by-word diff on known pairs."""

from partnership.memoranda.diff import Piece, diff_versions, summary, tokens, word_diff


def clause(key, en, uk=None, title="T"):
    return {"key": key, "title": {"en": title, "uk": title, "kk": title},
            "text": {"en": en, "uk": uk if uk is not None else en, "kk": en}}


def test_tokens_give_the_text_back():
    text = "Сторони, п’ять-шість words!  don't (test)."
    assert "".join(tokens(text)) == text
    assert "п’ять-шість" in tokens(text) and "don't" in tokens(text)


def test_a_changed_word():
    assert word_diff("The Parties intend to cooperate.", "The Parties wish to cooperate.") == (
        Piece("equal", "The Parties "), Piece("delete", "intend"), Piece("insert", "wish"),
        Piece("equal", " to cooperate."))


def test_cyrillic_words_are_whole_words():
    pieces = word_diff("Сторони співпрацюють у галузі реабілітації.",
                       "Сторони співпрацюють у галузі хірургії.")
    assert Piece("delete", "реабілітації") in pieces and Piece("insert", "хірургії") in pieces
    assert pieces[-1] == Piece("equal", ".")


def test_kazakh_letters_and_punctuation():
    pieces = word_diff("Тараптар келісті.", "Тараптар келісті; өзгеріс!")
    assert pieces == (Piece("equal", "Тараптар келісті"), Piece("delete", "."),
                      Piece("insert", "; өзгеріс!"))


def test_punctuation_only_change():
    assert word_diff("one, two", "one; two") == (
        Piece("equal", "one"), Piece("delete", ","), Piece("insert", ";"), Piece("equal", " two"))


def test_same_text_is_one_equal_piece():
    assert word_diff("same text", "same text") == (Piece("equal", "same text"),)


def test_an_added_clause():
    old = [clause("a", "A."), clause("b", "B.")]
    new = [clause("a", "A."), clause("new", "New one."), clause("b", "B.")]
    result = diff_versions(old, new, ("en",))
    assert [(d.key, d.status, d.old_number, d.new_number) for d in result] == [
        ("a", "same", 1, 1), ("new", "added", None, 2), ("b", "same", 2, 3)]
    assert result[1].text["en"] == (Piece("insert", "New one."),)


def test_a_removed_clause_keeps_its_place():
    old = [clause("a", "A."), clause("b", "B."), clause("c", "C.")]
    new = [clause("a", "A."), clause("c", "C.")]
    result = diff_versions(old, new, ("en",))
    assert [(d.key, d.status) for d in result] == [("a", "same"), ("b", "removed"),
                                                   ("c", "same")]
    assert result[1].text["en"] == (Piece("delete", "B."),)


def test_a_reorder_shows_the_moved_clause_only():
    old = [clause("a", "A."), clause("b", "B."), clause("c", "C.")]
    new = [clause("c", "C."), clause("a", "A."), clause("b", "B.")]
    result = diff_versions(old, new, ("en",))
    assert [(d.key, d.status) for d in result] == [("c", "moved"), ("a", "same"),
                                                   ("b", "same")]
    assert summary(result) == {"same": 2, "changed": 0, "added": 0, "removed": 0, "moved": 1}


def test_a_change_in_one_language_only():
    old = [clause("a", "Same.", uk="Старий текст.")]
    new = [clause("a", "Same.", uk="Новий текст.")]
    result = diff_versions(old, new, ("uk", "en"))[0]
    assert result.status == "changed"
    assert result.text["en"] == (Piece("equal", "Same."),)
    assert Piece("insert", "Новий") in result.text["uk"]
