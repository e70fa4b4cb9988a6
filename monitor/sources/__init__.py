"""Where positions come from: exchanges (ccxt), the simulated venue, manual entry."""
