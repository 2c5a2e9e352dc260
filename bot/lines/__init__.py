"""The words of Tally's replies, shared by every front end: plain text without any chat platform's markup.

Each front end adds its own emphasis, escaping and emoji (Slack's mrkdwn in bot/slack/blocks, Adaptive Card
markdown in bot/msteams/cards), so a scorecard says the same thing in Slack and in Teams.
"""
