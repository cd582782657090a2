"""Date and number formats for the languages we serve (settings.FORMAT_MODULE_PATH).

Kenya writes dates day-first (05/11/2026, 5 Nov 2026). Django's own `en` formats are American: a typed
05/11/2026 was read as 11 May, and lists showed "Nov. 5, 2026". Django has no `sw` formats at all, so
Swahili fell back to the same American settings defaults. Each language here names every date format,
so nothing falls through to those; ISO 2026-11-05 is always accepted as well (Django adds it to every
input format list).
"""
