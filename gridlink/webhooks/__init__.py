"""Webhook delivery: signing, sending, retrying, heartbeats."""
