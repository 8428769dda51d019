"""Text as the bot compares it: folding (accents, case), tokens, stop words, and the
grouping key of a logged question. A leaf package: search, store and calendar use it."""
