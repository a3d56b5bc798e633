"""Models of the analytics part."""
