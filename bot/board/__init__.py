"""The desk board (issue 15): a read-only Telegram Mini App for the desk's managers, served
by the bot's own aiohttp server. bot/board/server.py puts it together."""
