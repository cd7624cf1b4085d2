"""argv -> a call: the only place that reads the command line; main.py is the entry point."""
