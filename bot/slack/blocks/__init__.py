"""Pure Block Kit builders: records in, message or view dicts out. No client, no I/O.

Every message builder returns `{"text": ..., "blocks": [...]}`: the text is the fallback Slack shows in
notifications and screen readers, so it always says the same as the blocks.
"""
