"""The debrief: what a trainee sees and keeps after a session.

An adapter around the pure core. It turns a saved session into a report
(HTML with charts, CSV tables), keeps every finished session in a local
history database, replays a session to check its scorecard, and draws a short
post-drill quiz from the session's own comments.

Public entry points for the desktop app and the drill server:

- :func:`debrief.history.record` — put a finished session into the history;
- :func:`debrief.quiz.draw` and :func:`debrief.quiz.score` — the quiz core;
- :func:`debrief.report_html.render_session` — the HTML debrief page;
- :mod:`debrief.timeline` — the chart series, for drawing them natively.

Modules that need matplotlib import it lazily, so importing the history or
the quiz stays cheap.
"""
