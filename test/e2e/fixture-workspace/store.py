"""A shop counter that uses the inventory (Tokenwise end-to-end tests)."""
from inventory import Inventory

inv = Inventory()
