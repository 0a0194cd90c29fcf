"""Batch engines: the local one (in process); others build on the same loop."""
