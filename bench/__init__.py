"""Tally's benchmark suite (issue 7): `python -m bench` (or `tally bench`).

Every number is a ratio against a floor measured in the same run on the same machine — a bare Bolt app, one
hand-written SQL aggregate, Slack's rate limits, a plain bulk insert — because absolute times on a shared
machine are noise and ratios are not. Nothing here asserts a time: a missed goal is reported, not raised.
"""
