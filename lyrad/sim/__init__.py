"""A local exchange on loopback that speaks real venues' wire APIs (Binance spot first)."""
