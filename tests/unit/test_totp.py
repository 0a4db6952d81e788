"""One-time codes: drift of one step, no reuse, readable recovery codes."""

import pyotp

from partnership.auth import totp


def test_codes_within_one_step_match_and_cannot_be_reused():
    secret = totp.new_secret()
    now = 1_800_000_000.0
    code = pyotp.TOTP(secret).at(now)
    step = totp.matching_step(secret, code, None, now=now)
    assert step == int(now // 30)
    assert totp.matching_step(secret, code, step, now=now) is None
    previous = pyotp.TOTP(secret).at(now - 30)
    assert totp.matching_step(secret, previous, None, now=now) == step - 1
    too_old = pyotp.TOTP(secret).at(now - 90)
    assert totp.matching_step(secret, too_old, None, now=now) is None
    assert totp.matching_step(secret, "12345", None, now=now) is None


def test_recovery_codes_are_unique_readable_and_hashed_case_insensitively():
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == 10
    assert all(len(code) == 14 and code.count("-") == 2 for code in codes)
    assert totp.hash_recovery_code(codes[0]) == totp.hash_recovery_code(
        codes[0].upper().replace("-", " "))


def test_qr_code_is_inline_svg_without_script():
    svg = totp.qr_svg(totp.provisioning_uri(totp.new_secret(), "a@example.org", "Test"))
    assert svg.startswith("<svg") and "<script" not in svg
