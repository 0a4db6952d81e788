"""Registry codes: Ukrainian EDRPOU (8 digits) and Kazakh BIN (12 digits), with check digits."""

import re

EDRPOU_RE = re.compile(r"^\d{8}$")
BIN_RE = re.compile(r"^\d{12}$")


def edrpou_check_digit(first7: str) -> int:
    """The check digit of an EDRPOU code from its first seven digits."""
    digits = [int(ch) for ch in first7]
    number = int(first7 + "0")
    weights = [7, 1, 2, 3, 4, 5, 6] if 30000000 <= number <= 60000000 else [1, 2, 3, 4, 5, 6, 7]
    total = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    if total == 10:
        total = sum(d * (w + 2) for d, w in zip(digits, weights, strict=True)) % 11
        if total == 10:
            total = 0
    return total


def is_valid_edrpou(code: str) -> bool:
    """Whether ``code`` is a well-formed EDRPOU code with the right check digit."""
    return bool(EDRPOU_RE.match(code)) and edrpou_check_digit(code[:7]) == int(code[7])


def bin_check_digit(first11: str) -> int | None:
    """The check digit of a BIN/IIN from its first eleven digits (None: no valid digit exists)."""
    digits = [int(ch) for ch in first11]
    total = sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
    if total == 10:
        weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        total = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if total == 10:
            return None
    return total


def is_valid_bin(code: str) -> bool:
    """Whether ``code`` is a well-formed Kazakh BIN: month 01-12, entity type 4-6, check digit."""
    if not BIN_RE.match(code):
        return False
    if not 1 <= int(code[2:4]) <= 12 or code[4] not in "456":
        return False
    check = bin_check_digit(code[:11])
    return check is not None and check == int(code[11])


def normalise(code: str) -> str:
    """Digits only: spaces, dashes and dots people type are dropped."""
    return re.sub(r"[\s.\-]", "", code or "")


def is_valid(country: str, code: str) -> bool:
    """Whether the code is valid for the country (UA: EDRPOU, KZ: BIN)."""
    if country == "UA":
        return is_valid_edrpou(code)
    if country == "KZ":
        return is_valid_bin(code)
    return False
