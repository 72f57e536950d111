"""Background loops a server process runs beside the API."""

from __future__ import annotations

import asyncio
import logging

from gridlink.context import Context

logger = logging.getLogger("gridlink")
TICK_SECONDS = 0.5


async def run_sandbox(context: Context) -> None:
    """Moves every sandbox device along its clock, a tick at a time."""
    while True:
        try:
            await context.engine.tick()
        except asyncio.CancelledError:
            raise
        except Exception:
            # One bad tick must not stop the sandbox; the next one retries.
            logger.exception("sandbox tick failed")
        await asyncio.sleep(TICK_SECONDS)
