"""English as written in Kenya: day first, 24-hour clock, weeks from Monday.

Date format strings use Django's `date` filter syntax; input formats use strftime's.
"""

DATE_FORMAT = "j M Y"  # 5 Nov 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j M Y, H:i"  # 5 Nov 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 5 November
SHORT_DATE_FORMAT = "d/m/Y"  # 05/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 05/11/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday

# The first one is also how a date field shows its value, so a form shows what staff would type.
# Django appends the ISO forms (2026-11-05) to each list. Never month-first: 05/11/2026 is 5 November.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 05/11/2026
    "%d/%m/%y",  # 05/11/26
    "%d-%m-%Y",  # 05-11-2026
    "%d.%m.%Y",  # 05.11.2026
    "%d %b %Y",  # 05 Nov 2026
    "%d %B %Y",  # 05 November 2026
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M",
    "%d/%m/%Y",
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M"]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
