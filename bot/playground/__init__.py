"""The whole bot in a terminal, with no Slack account: the real Bolt app, served over HTTP on 127.0.0.1,
receives signed requests built from what you type, and talks to a local fake Slack Web API whose calls are
printed as readable text."""
