"""SunSpec reads per second: gridlink's reader against local pymodbus servers.

    uv run python bench/sunspec_reads.py [--duration 5] [--devices 10]

The servers (a battery image: models 1, 124, 802) run in a separate process, so
client and server do not share an event loop. Measured, all on 127.0.0.1:
  - register reads/s: one Modbus read (model 802's 62 registers) after another;
  - device reads/s, one device: a full poll of the battery (3 reads: 1, 124, 802);
  - device reads/s, N devices polled concurrently, as the poller does.
Writes bench/results/sunspec_reads.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gridlink.connectors.sunspec.device import Address, Device  # noqa: E402
from tests.support import sunspec_device as sim  # noqa: E402


def _serve(ports: list[int]) -> None:
    async def main() -> None:
        servers = [sim.SunSpecServer(sim.BATTERY, port=port) for port in ports]
        for server in servers:
            await server.start()
        await asyncio.Event().wait()

    asyncio.run(main())


async def _for(duration: float, work: object) -> float:
    assert callable(work)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < duration:
        count += await work()
    return count / (time.perf_counter() - started)


async def measure(ports: list[int], duration: float) -> dict[str, float]:
    devices = [Device(Address("127.0.0.1", port, 1)) for port in ports]
    for device in devices:
        await device.scan()
    one = devices[0]
    battery = one.block(802)
    assert battery is not None

    async def register_read() -> int:
        await one.read(battery.start, battery.length)
        return 1

    async def device_read() -> int:
        await one.read_models()
        return 1

    async def fleet_read() -> int:
        await asyncio.gather(*(d.read_models() for d in devices))
        return len(devices)

    await _for(0.5, device_read)  # warm-up
    results = {
        "register_reads_per_s": await _for(duration, register_read),
        "device_reads_per_s_one_device": await _for(duration, device_read),
        f"device_reads_per_s_{len(devices)}_devices_concurrent": await _for(duration, fleet_read),
    }
    reads = sum(d.reads for d in devices)
    for device in devices:
        await device.close()
    results["modbus_reads_total"] = reads
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--devices", type=int, default=10)
    parser.add_argument("--output", default="bench/results/sunspec_reads.json")
    args = parser.parse_args()
    ports = [sim.free_port() for _ in range(args.devices)]
    server = multiprocessing.Process(target=_serve, args=(ports,), daemon=True)
    server.start()
    try:
        time.sleep(1.5)
        results = asyncio.run(measure(ports, args.duration))
    finally:
        server.terminate()
        server.join()
    for name, value in results.items():
        print(f"{name:45} {value:10.0f}")
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
