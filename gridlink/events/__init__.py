"""Events: what changed, told to webhooks (catalogue, outbox, rendering)."""
