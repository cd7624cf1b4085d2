"""text -> program: the grammar, the Lark LALR parser with precomputed tables, and syntax errors in plain words."""
