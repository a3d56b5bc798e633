"""Models of the intake part."""
