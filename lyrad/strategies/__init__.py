"""Strategies: they see the market and the portfolio, and express intents through a gateway."""
