// A shopping cart with typed line items, used by the Tokenwise end-to-end tests.

export interface LineItem {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface Discount {
  code: string;
  percent: number;
}

export class Cart {
  private readonly items: LineItem[] = [];

  add(item: LineItem): void {
    const existing = this.items.find((i) => i.sku === item.sku);
    if (existing) existing.quantity += item.quantity;
    else this.items.push({ ...item });
  }

  total(discount?: Discount): number {
    const gross = this.items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0);
    return discount ? gross * (1 - discount.percent / 100) : gross;
  }
}
