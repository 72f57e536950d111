"""One SunSpec device over Modbus TCP: find its models, read them, write storage controls."""

from __future__ import annotations

from dataclasses import dataclass, field

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException

from gridlink.connectors.sunspec import models

# Registers per read: the Modbus limit is 125.
_CHUNK = 120


class Unreachable(Exception):
    """The device did not answer, or answered with an error."""


@dataclass(frozen=True)
class Address:
    host: str
    port: int
    unit: int

    @property
    def ref(self) -> str:
        """The device's handle in gridlink (an asset's device_ref, before the asset type)."""
        return f"{self.host}:{self.port}/{self.unit}"

    @classmethod
    def parse(cls, ref: str) -> Address:
        where, _, unit = ref.partition("/")
        unit = unit.partition("#")[0]
        host, _, port = where.rpartition(":")
        return cls(host, int(port), int(unit))


@dataclass(frozen=True)
class Block:
    model: int
    # The first data register (after ID and L), and how many there are.
    start: int
    length: int


@dataclass
class Device:
    """A SunSpec device: one Modbus TCP connection, its model map once scanned."""

    address: Address
    timeout: float = 2.0
    blocks: list[Block] = field(default_factory=list)
    reads: int = 0
    _client: AsyncModbusTcpClient | None = None

    async def _connected(self) -> AsyncModbusTcpClient:
        if self._client is None or not self._client.connected:
            await self.close()
            client = AsyncModbusTcpClient(
                self.address.host,
                port=self.address.port,
                timeout=self.timeout,
                retries=0,
                reconnect_delay=0,
            )
            if not await client.connect():
                client.close()
                raise Unreachable(f"no answer from {self.address.ref}")
            self._client = client
        return self._client

    async def read(self, address: int, count: int) -> list[int]:
        registers: list[int] = []
        while count > 0:
            size = min(count, _CHUNK)
            try:
                client = await self._connected()
                response = await client.read_holding_registers(
                    address, count=size, device_id=self.address.unit
                )
            except (ModbusException, OSError) as error:
                await self.close()
                raise Unreachable(f"{self.address.ref}: {error}") from error
            if response.isError():
                raise Unreachable(f"{self.address.ref} refused to read {address}: {response}")
            self.reads += 1
            registers.extend(response.registers)
            address, count = address + size, count - size
        return registers

    async def write(self, address: int, values: list[int]) -> None:
        try:
            client = await self._connected()
            response = await client.write_registers(address, values, device_id=self.address.unit)
        except (ModbusException, OSError) as error:
            await self.close()
            raise Unreachable(f"{self.address.ref}: {error}") from error
        if response.isError():
            raise Unreachable(f"{self.address.ref} refused to write {address}: {response}")

    async def scan(self) -> list[Block]:
        """The device's models, found by walking the chain from the "SunS" marker."""
        for base in models.BASES:
            try:
                marker = await self.read(base, 2)
            except Unreachable:
                if self._client is None:
                    raise  # not even connected: no point trying other bases
                continue
            if tuple(marker) == models.MARKER:
                break
        else:
            raise Unreachable(f"{self.address.ref} has no SunSpec marker")
        blocks: list[Block] = []
        at = base + 2
        while len(blocks) < 64:
            model, length = await self.read(at, 2)
            if model == models.END:
                break
            blocks.append(Block(model, at + 2, length))
            at += 2 + length
        self.blocks = blocks
        return blocks

    async def read_models(
        self, wanted: set[int] | None = None
    ) -> dict[int, dict[str, models.Value]]:
        """Each known model's points (the first block of each model id)."""
        if not self.blocks:
            await self.scan()
        values: dict[int, dict[str, models.Value]] = {}
        for block in self.blocks:
            if block.model in values or block.model not in models.POINTS:
                continue
            if wanted is not None and block.model not in wanted:
                continue
            registers = await self.read(block.start, block.length)
            values[block.model] = models.decode(block.model, registers)
        return values

    def block(self, model: int) -> Block | None:
        return next((b for b in self.blocks if b.model == model), None)

    async def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
