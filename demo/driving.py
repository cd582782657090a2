"""How the demo shops' cars are driven, and so when they come in: each car has its own km per day
(a ride-hailing Probox covers 150 a day, a weekend Forester 15) and comes back for each interval
service around when its sticker says, some early, some late; repairs come at random. The readings
taken at each visit follow the car's km per day, so predictions from them can be measured
(forecasting/backtest.py) against what the generated history then did."""

import math
import random

# (share of cars, lowest and highest km per day): Nairobi's mix.
PROFILES = [
    (0.12, 120.0, 220.0),  # ride-hailing, taxi, matatu-feeder
    (0.08, 70.0, 120.0),   # upcountry sales rep
    (0.55, 25.0, 70.0),    # commuter
    (0.25, 6.0, 25.0),     # weekend car, retired owner
]
# How far from the due day owners come in: lognormal, so most within ±15 %, a few much later.
LATENESS_SIGMA = 0.15
# Interval types other than the oil change that a car follows (each car follows some).
OTHER_INTERVAL_SHARE = 0.4
REPAIR_EVERY_DAYS = 300  # a one-off repair (no interval) now and then
DAYS_PER_MONTH = 30.44
# Of readings typed at the desk, this share has a digit dropped or doubled (flagged, never used).
TYPO_SHARE = 0.01


def km_per_day(rng: random.Random) -> float:
    roll, acc = rng.random(), 0.0
    for share, low, high in PROFILES:
        acc += share
        if roll < acc:
            return low + rng.random() * (high - low)
    return PROFILES[-1][1]


def cycle_days(rate: float, interval_km: int | None, interval_months: int | None) -> float:
    """Days until due again: the earlier of the km (at this car's rate) and the months."""
    by_km = interval_km / rate if interval_km else math.inf
    by_months = interval_months * DAYS_PER_MONTH if interval_months else math.inf
    return min(by_km, by_months)


def schedule(
    rng: random.Random, *, rate: float, start: int, end: int,
    interval_types: list[tuple[str, int | None, int | None]], repairs: list[str],
) -> list[tuple[int, str]]:
    """(day, service type) of a car's visits between days `start` and `end`, in day order."""
    visits: list[tuple[int, str]] = []
    followed = [t for t in interval_types if t[0] == "Oil Change" or rng.random() < OTHER_INTERVAL_SHARE]
    for name, km, months in followed:
        cycle = cycle_days(rate, km, months)
        if math.isinf(cycle):
            continue
        day = start + rng.random() * cycle  # where in its cycle the car was when we met it
        while day <= end:
            visits.append((int(day), name))
            day += max(cycle * rng.lognormvariate(0, LATENESS_SIGMA), 7)
    if repairs:
        day = start + rng.expovariate(1 / REPAIR_EVERY_DAYS)
        while day <= end:
            visits.append((int(day), rng.choice(repairs)))
            day += rng.expovariate(1 / REPAIR_EVERY_DAYS)
    visits.sort()
    return visits


def mileage_after(rng: random.Random, mileage: float, *, rate: float, days: int) -> float:
    """The odometer `days` later: the car's rate, give or take a week's variation."""
    return mileage + rate * days * (0.9 + 0.2 * rng.random())


def typed(rng: random.Random, mileage: int) -> int:
    """The reading as typed: now and then a digit dropped or one too many."""
    if rng.random() >= TYPO_SHARE:
        return mileage
    return mileage // 10 if rng.random() < 0.5 else mileage * 10
