"""A small warehouse inventory: items, stock levels and reorder suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable


@dataclass(frozen=True)
class Item:
    """A stock-keeping unit."""

    sku: str
    name: str
    unit_price: float
    reorder_level: int = 10


@dataclass
class Inventory:
    """Stock levels per SKU, with a history of every movement."""

    items: dict[str, Item] = field(default_factory=dict)
    stock: dict[str, int] = field(default_factory=dict)
    history: list[tuple[date, str, int]] = field(default_factory=list)

    def add_item(self, item: Item, quantity: int = 0) -> None:
        """Registers an item and its opening stock."""
        if item.sku in self.items:
            raise ValueError(f"duplicate SKU {item.sku!r}")
        self.items[item.sku] = item
        self.stock[item.sku] = quantity

    def move(self, sku: str, delta: int, when: date | None = None) -> int:
        """Adds (delta > 0) or removes (delta < 0) stock and returns the new level."""
        if sku not in self.items:
            raise KeyError(sku)
        level = self.stock[sku] + delta
        if level < 0:
            raise ValueError(f"only {self.stock[sku]} of {sku} in stock, cannot remove {-delta}")
        self.stock[sku] = level
        self.history.append((when or date.today(), sku, delta))
        return level

    def value(self) -> float:
        """Total value of the stock at unit prices."""
        return sum(self.items[sku].unit_price * qty for sku, qty in self.stock.items())

    def to_reorder(self) -> list[Item]:
        """Items at or below their reorder level, lowest stock first."""
        low = [self.items[sku] for sku, qty in self.stock.items() if qty <= self.items[sku].reorder_level]
        return sorted(low, key=lambda item: self.stock[item.sku])


def load_csv(lines: Iterable[str]) -> Inventory:
    """Reads `sku,name,unit_price,quantity` lines (a header line is skipped)."""
    inventory = Inventory()
    for number, line in enumerate(lines):
        if number == 0 or not line.strip():
            continue
        sku, name, price, quantity = (part.strip() for part in line.split(","))
        inventory.add_item(Item(sku, name, float(price)), int(quantity))
    return inventory


if __name__ == "__main__":
    demo = load_csv(["sku,name,unit_price,quantity", "A-100,Hex bolt M8,0.12,250", "B-220,Wing nut M6,0.08,4"])
    print(f"value: {demo.value():.2f}; reorder: {[item.name for item in demo.to_reorder()]}")
