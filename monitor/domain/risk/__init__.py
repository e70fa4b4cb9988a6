"""Risk beyond the ratio: how likely a liquidation is on simulated price paths, and what
holding the book costs in funding. Plain Python and numpy, like the rest of the domain."""
