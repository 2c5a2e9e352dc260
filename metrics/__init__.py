"""Tally's transport-neutral core: the ledger, periods, KPIs and the use cases behind every chat front end."""
