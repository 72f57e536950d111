"""Inverters, batteries and meters over SunSpec Modbus TCP, polled by gridlink."""
