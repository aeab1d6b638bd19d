"""Tests of the inventory, used by the Tokenwise end-to-end tests (Find API… from a test file)."""
from inventory import Inventory


def stocked_inventory(sku: str, quantity: int) -> Inventory:
    """Build an inventory that already holds some units of an item."""
    inventory = Inventory()
    inventory.restock(sku, quantity)
    return inventory


def test_withdraw_takes_units_out():
    inv = stocked_inventory("apple", 2)
    assert inv.withdraw("apple", 1)
