"""Numbers written the French way, for the page, the export and the command line (JSON stays numeric)."""

from __future__ import annotations

NARROW_SPACE = "\u202f"  # French thousands separator and space before %


def format_number(value: object) -> str:
    """Write a number the French way: "1 288", "56,3"; anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", NARROW_SPACE).replace(".", ",")
    return f"{int(value):,}".replace(",", NARROW_SPACE)


def with_unit(value: object, unit: str | None) -> str:
    """A value and its unit: "15 défis", "56,3 %" (narrow no-break space before %), "Alphabet" without unit."""
    unit = (unit or "").strip()
    if not unit:
        return format_number(value)
    return format_number(value) + (NARROW_SPACE if unit == "%" else " ") + unit



def french_table(table):
    """A DataFrame shown with French numbers ("77,8", "1 288") but still sorted by its values (a pandas Styler)."""
    return table.style.format(decimal=",", thousands=NARROW_SPACE, precision=1)
