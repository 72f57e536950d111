"""When a failed delivery is tried again, and when to give up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: float
    max_delay: float
    # Failing this long (from the first failure) turns the webhook inactive.
    window: float

    def delay(self, attempts: int) -> float:
        """Seconds until the next try, after `attempts` failed ones: doubling."""
        return min(self.first_delay * 2.0 ** max(attempts - 1, 0), self.max_delay)


def policy_for(environment: str, window: float, sandbox_window: float) -> RetryPolicy:
    if environment == "sandbox":
        return RetryPolicy(first_delay=1.0, max_delay=60.0, window=sandbox_window)
    return RetryPolicy(first_delay=10.0, max_delay=3600.0, window=window)
