"""Kiswahili (the client portal): the same day-first numbers as English here; month names come from
Django's Swahili translations (5 Nov 2026 reads "5 Nov 2026", November as "Novemba" in long form)."""

from concierge.formats.en.formats import *  # noqa: F403
