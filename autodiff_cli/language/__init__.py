"""text -> program: the grammar, its precomputed LALR tables run by a small driver of our own, and Lark for syntax errors in plain words."""
