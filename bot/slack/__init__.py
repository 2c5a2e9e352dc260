"""The Slack front end: a Bolt app, its listeners and pure Block Kit builders."""
