"""The visitor-side features of the conversation, one module per capability."""
