"""Client review round trip: a reviewed Word file's edits and comments, mapped back onto the spec (issue 20)."""
