"""Streams of many points (--points) or many programs (--each-line), in bounded blocks."""
