"""The staff side of the chat: announcements, statistics and the staff list, authorized on
every request. It drives ``bot.broadcast``; the core knows it only as one more feature."""
