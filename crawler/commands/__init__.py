"""Our Scrapy commands (COMMANDS_MODULE): each module is one; what they share is crawler/command.py."""
