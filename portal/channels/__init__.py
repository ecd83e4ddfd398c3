"""Channel adapters: each translates its protocol to Inbound values and delivers Outbound ones."""
