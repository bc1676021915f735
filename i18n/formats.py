"""Numbers, dates and times as the reader writes them, through Babel's CLDR data.

Indonesian writes 77,2 and 1.234, and 15.30 for a time; English writes 77.2, 1,234 and
15:30 (each language's CLDR locale is in ``i18n.CONVENTIONS``; the pseudo-language ``xx``
writes them as English does, unbracketed: they are data, not catalogue strings). Times are
shown in the machine's own zone, named the Indonesian way — WIB, WITA or WIT — when it is one
of Indonesia's three (https://babel.pocoo.org/en/latest/dates.html, pattern ``zzz``);
elsewhere as an offset from GMT. Like :func:`i18n.translate`, every function takes the
language; there is no current locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, tzinfo

from babel.dates import format_datetime, format_skeleton, get_timezone
from babel.numbers import format_decimal

from i18n import CONVENTIONS, Lang, conventions

__all__ = ["day", "decimal", "figure", "figures", "local_zone", "moment", "number", "parse_utc",
           "zone_name"]

#: Indonesia's three zones by their offset from UTC (no daylight saving time).
_INDONESIA = {7: "Asia/Jakarta", 8: "Asia/Makassar", 9: "Asia/Jayapura"}


def _locale(lang: str) -> str:
    return conventions(lang).locale


def decimal(value: float, lang: str, digits: int = 1) -> str:
    """``value`` with exactly ``digits`` decimals: ``77,2`` (id), ``77.2`` (en)."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return str(format_decimal(value, format=pattern, locale=_locale(lang)))


def number(value: float, lang: str) -> str:
    """A count or a rounded value with grouping: ``1.234`` (id), ``1,234`` (en)."""
    return str(format_decimal(round(value), format="#,##0", locale=_locale(lang)))


def figure(value: float, lang: str, digits: int = 2) -> str:
    """A number with up to ``digits`` decimals and no grouping — a weight, a spreadsheet
    cell Excel in that language reads as a number: ``77,25`` or ``0,4`` (id), ``77.25`` (en)."""
    return str(format_decimal(value, format="0." + "#" * digits, locale=_locale(lang)))


def figures(params: Mapping[str, object], lang: str) -> dict[str, object]:
    """A message's parameters with every number written as :func:`figure` writes it
    (``puncak -2,6 dBFS`` in Indonesian); text and booleans pass as they are."""
    return {name: figure(value, lang)
            if isinstance(value, float | int) and not isinstance(value, bool) else value
            for name, value in params.items()}


def day(on: date, lang: str) -> str:
    """A day of the year, short, as the reader writes it: ``12 Des`` (id), ``Dec 12`` (en)."""
    return str(format_skeleton("MMMd", on, locale=_locale(lang)))


def local_zone(at: datetime | None = None) -> tzinfo:
    """The machine's time zone; one of Indonesia's by name when its offset is theirs."""
    here = (at or datetime.now(UTC)).astimezone()
    offset = here.utcoffset() or timedelta(0)
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if not rest and hours in _INDONESIA:
        return get_timezone(_INDONESIA[hours])
    return here.tzinfo or UTC


def zone_name(zone: tzinfo, at: datetime, lang: str) -> str:
    """``WIB``, ``WITA`` or ``WIT`` for Indonesia's zones (in either language, as
    Indonesians write them); else the offset, ``GMT+03:00``."""
    named = str(format_datetime(at, "zzz", tzinfo=zone, locale=CONVENTIONS[Lang.ID].locale))
    if named in ("WIB", "WITA", "WIT"):
        return named
    return str(format_datetime(at, "ZZZZ", tzinfo=zone, locale=_locale(lang)))


def moment(at: datetime, lang: str, zone: tzinfo | None = None) -> str:
    """A date and time in ``zone`` (default: the machine's), with the zone's name:
    ``1 Mei 2026 15.30 WIB`` (id), ``May 1, 2026 15:30 WIB`` (en)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    zone = zone or local_zone(at)
    locale = _locale(lang)
    date = format_skeleton("yMMMd", at, tzinfo=zone, locale=locale)
    time = format_skeleton("Hm", at, tzinfo=zone, locale=locale)
    return f"{date} {time} {zone_name(zone, at, lang)}"


def parse_utc(text: str) -> datetime:
    """``2026-05-01T08:30:00Z`` (as the history stores it) as an aware UTC time.

    Raises:
        ValueError: not an ISO 8601 time.
    """
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
