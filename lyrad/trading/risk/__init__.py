"""Risk: the pre-trade gate and its limits, breakers and the trading state, the capital rollout."""
