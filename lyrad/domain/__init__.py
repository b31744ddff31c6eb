"""Value types, events and the error tree. Imports nothing from the rest of lyrad."""
