"""The one way a percentage is computed: Decimal, rounded half-up."""

from decimal import ROUND_HALF_UP, Decimal


def percent(
    numerator: int | Decimal, denominator: int | Decimal | None, places: int = 2
) -> Decimal | None:
    """numerator ÷ denominator × 100, half-up to `places`; None when the denominator is 0 or missing.

    2,071 of 2,000 is 103.55 at two places and 103.6 at one (never banker's 103.5).
    """
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent_str(
    numerator: int | Decimal, denominator: int | Decimal | None, places: int = 2
) -> str | None:
    value = percent(numerator, denominator, places)
    return None if value is None else str(value)
