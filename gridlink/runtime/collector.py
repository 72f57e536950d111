"""How the server asks Python's garbage collector to work.

Thousands of chargers mean millions of long-lived objects (their connections).
A full collection walks them all, stopping every charger's answers for about a
second at 10,000 connections, and with the default thresholds it runs every
minute or so: objects that live a few milliseconds (a message on its way through
a shared transaction) survive the frequent young collections and are counted
towards the next full one. Collecting the young generation less often lets those
die young; objects made at startup are set aside for good.
"""

from __future__ import annotations

import gc

# Allocations between young collections (Python's default: 700).
YOUNG = 50_000
# Young collections between middle ones, middle ones between full ones (10, 10).
MIDDLE, OLD = 20, 100


def tune_for_serving() -> None:
    """Call once the app is built, before serving."""
    gc.collect()
    gc.freeze()  # startup's objects (modules, the app, its tables) never need scanning
    gc.set_threshold(YOUNG, MIDDLE, OLD)
