"""lyrad's exchange boundary: the ExchangeAdapter seam, its ccxt implementation, rate limiting."""
