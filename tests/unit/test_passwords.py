"""Password policy and hashing."""

import pytest

from partnership.auth.passwords import hash_password, password_problems, verify_password


def test_hash_is_argon2id_with_at_least_19_mib_and_2_passes():
    stored = hash_password("a perfectly fine passphrase")
    assert stored.startswith("$argon2id$v=19$")
    params = dict(part.split("=") for part in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024
    assert int(params["t"]) >= 2
    assert verify_password(stored, "a perfectly fine passphrase")
    assert not verify_password(stored, "a perfectly fine passphrasE")
    assert not verify_password(None, "anything at all")


@pytest.mark.parametrize(("password", "ok"), [
    ("short", False),
    ("elevenchars", False),
    ("twelve chars", True),
    ("abcdefgh" * 16, True),            # 128 characters
    ("ab" * 64 + "c", False),           # 129 characters
    ("password1234", False),            # on the common list
    ("PASSWORD1234", False),            # case does not help
    ("qwertyuiop123", False),
    ("йцукенгшщзхї", False),            # a Ukrainian keyboard walk
    ("aaaaaaaaaaaaaaa", False),          # one repeated character
    ("Київ і Алмати — друзі", True),    # any Unicode is welcome
    ("Сәлем, достар! Қош келдіңіз", True),
    ("no composition rules here", True),
])
def test_policy(app, password, ok):
    assert (password_problems(password) == []) is ok


def test_e_mail_as_password_is_refused(app):
    assert password_problems("olena.koval@example.org", "olena.koval@example.org")


def test_unicode_is_normalised_so_the_same_text_matches():
    composed = "café au lait, s'il vous plaît"
    decomposed = "cafe\u0301 au lait, s'il vous plai\u0302t"
    assert verify_password(hash_password(composed), decomposed)
