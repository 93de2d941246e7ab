"""Country codes: ISO 3166-1 alpha-3 (as in CAMEO actor codes), checked and named through pycountry."""
from __future__ import annotations

from functools import lru_cache

#: Codes that are in use in event data but not in ISO 3166-1.
EXTRA = {"XKX": "Kosovo", "EUR": "European Union", "NATO": "NATO"}


@lru_cache(maxsize=None)
def name(code: str) -> str | None:
    """The display name of a country code, or None if the code is unknown.

    >>> name("RUS"), name("USA"), name("ZZZ")
    ('Russian Federation', 'United States', None)
    """
    if code in EXTRA:
        return EXTRA[code]
    if len(code) != 3 or not code.isalpha() or not code.isupper():
        return None
    import pycountry  # imported late: it costs start-up time the --help path does not need

    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name


def is_known(code: str) -> bool:
    return name(code) is not None
