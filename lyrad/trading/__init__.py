"""Trading: risk gate, breakers, trading state, order executor, reconciler."""
