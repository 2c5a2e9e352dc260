"""Tally's chat front ends (Slack now, Teams later) and the `tally` command line."""
