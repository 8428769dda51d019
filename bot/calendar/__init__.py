"""The Vietnamese lunar calendar, event recurrences, date phrases and date formatting.

``lunar`` converts dates, ``recurrence`` finds when events happen, ``phrases`` reads
date windows out of questions, and ``format`` writes dates for people.
"""
