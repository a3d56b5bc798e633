"""Models of the partnerships part."""
