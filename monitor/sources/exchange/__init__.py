"""Read-only exchange accounts through ccxt: build, guard, fetch, normalise to domain Accounts."""
