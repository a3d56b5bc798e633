"""Models of the tours part."""
