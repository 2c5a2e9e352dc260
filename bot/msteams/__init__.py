"""Tally's Microsoft Teams front end, on the Microsoft 365 Agents SDK: commands as messages, Adaptive Card
replies, and scheduled messages sent proactively. It calls the same synchronous core as the Slack front end,
from the SDK's event loop through `asyncio.to_thread`."""
