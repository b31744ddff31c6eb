"""The checks of the validation suite, one module per category."""
