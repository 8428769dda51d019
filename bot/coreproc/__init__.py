"""The conversation core in a process of its own, behind the ``Conversation`` port.

A Python process computes on one CPU core at a time. Under load, python-telegram-bot
and aiohttp take about half of the CPU an update costs and the core (search, calendar,
replies) the other half (bench/telegram_e2e.py); with the core in a child process the
two halves run on two cores, and replies wait less in the event loop's queue.

``CoreProcess`` has the three methods of the dispatcher that channels call, so a
channel cannot tell it apart. The child builds the same app as ``tourbot run`` does
(its own database connections and search index) from the content pack the parent has
accepted, never from the disk on its own: a child restarted after a refused reload
serves the last good content. It answers many calls at once, as the dispatcher does
in-process; a chat's messages stay in order because the channel waits for each answer
before it sends the next message of that chat.

Frames on a socket pair: a 4-byte length, then a pickle. Pickle is safe here: both
ends are this program (the child refuses to start if the code on disk changed since
the parent started), and a socket pair has no name that another process could open.
If the child dies or stops answering, the calls in flight fail with
``CoreUnavailable`` (the channel apologises) and the next call starts a new child.
"""
