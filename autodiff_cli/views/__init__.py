"""data -> text: the record of a result, the trace, the graph, the check, the catalogue, the terminal."""
