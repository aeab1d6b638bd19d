"""Stock kept per item, used by the Tokenwise end-to-end tests (API completion)."""


class Inventory:
    """Quantities in stock by SKU."""

    def __init__(self) -> None:
        self.stock: dict = {}

    def restock(self, sku: str, quantity: int = 1) -> None:
        """Add units of an item to the stock."""
        self.stock[sku] = self.stock.get(sku, 0) + quantity

    def withdraw(self, sku: str, quantity: int) -> bool:
        """Take units out of the stock; False when there are not enough."""
        if self.stock.get(sku, 0) < quantity:
            return False
        self.stock[sku] -= quantity
        return True


def reorder_threshold(daily_sales: float, lead_days: int) -> float:
    """Compute the stock level at which new goods must be ordered."""
    return daily_sales * lead_days
