"""Handing a visitor's conversation to a person of the tourism office, and back."""
