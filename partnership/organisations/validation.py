"""One set of limits for what organisations type and what the embassy imports.

The profile and item forms and the bulk import read the same numbers, so a value the web refuses
is refused by the import too, and no value reaches a column it does not fit (PostgreSQL's
INTEGER ends at 2,147,483,647; a longer VARCHAR is an error there, a silent overflow elsewhere).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..core.urls import is_web_url  # noqa: F401 - the forms and the import read it from here


@dataclass(frozen=True)
class Bounds:
    """The smallest and largest whole number a field accepts."""

    minimum: int
    maximum: int

    def __contains__(self, number: int) -> bool:
        return self.minimum <= number <= self.maximum


BEDS = Bounds(0, 100_000)
STAFF = Bounds(0, 1_000_000)
QUANTITY = Bounds(1, 1_000_000)
ROW_ID = Bounds(1, 2**31 - 1)  # a number that names a row (an INTEGER primary key)

# The longest text each field takes (the database column, or the form's own limit for Text).
NAME_LENGTH = 300
CITY_LENGTH = 120
CONTACT_NAME_LENGTH = 200
EMAIL_LENGTH = 254
PHONE_LENGTH = 40
WEBSITE_LENGTH = 300
ORGANISATION_DESCRIPTION_LENGTH = 5000
ITEM_DESCRIPTION_LENGTH = 3000

# No cell of an imported file is longer than this; longer ones are refused while reading.
MAX_CELL_CHARS = 10_000

WEBSITE_MESSAGE = _l("Write the full address of the website, starting with http:// or "
                     "https://.")
NUMBER_MESSAGE = _l("Enter a whole number from %(min)d to %(max)d.")
