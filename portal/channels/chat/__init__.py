"""Live chat: a widget on every portal page (and embeddable elsewhere), a bot in front, agents' console behind.

A chat's events (customer and agent messages, bot answers, notes, joins and transfers) carry a sequence number per
chat; clients catch up by it. Once a person is needed the chat becomes a ticket (channel "chat") through the one
door, with the bot's part replayed into the conversation, so the transcript lives in the customer's history.
"""
