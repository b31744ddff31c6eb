"""Known deviations per venue, as data files (see lyrad.validate.deviations)."""
