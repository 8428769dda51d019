"""Vietnamese lunar calendar, event recurrences, date phrases in questions, date formatting."""
