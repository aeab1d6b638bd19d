/** Orders: validation, pricing and a small in-memory repository. */

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice: number;
}

export interface Order {
  id: string;
  customerId: string;
  lines: OrderLine[];
  createdAt: Date;
  status: 'draft' | 'placed' | 'shipped' | 'cancelled';
}

export interface OrderRepository {
  get(id: string): Promise<Order | undefined>;
  save(order: Order): Promise<void>;
}

export class InMemoryOrderRepository implements OrderRepository {
  private readonly orders = new Map<string, Order>();

  async get(id: string): Promise<Order | undefined> {
    return this.orders.get(id);
  }

  async save(order: Order): Promise<void> {
    this.orders.set(order.id, structuredClone(order));
  }
}

export class OrderService {
  constructor(
    private readonly repository: OrderRepository,
    private readonly taxRate = 0.2,
  ) {}

  /** Net total of an order, before tax. */
  subtotal(order: Order): number {
    return order.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  }

  /** Gross total, rounded to cents. */
  total(order: Order): number {
    return Math.round(this.subtotal(order) * (1 + this.taxRate) * 100) / 100;
  }

  async place(id: string): Promise<Order> {
    const order = await this.repository.get(id);
    if (!order) throw new Error(`order ${id} not found`);
    if (order.status !== 'draft') throw new Error(`order ${id} is already ${order.status}`);
    if (order.lines.length === 0) throw new Error(`order ${id} has no lines`);
    const placed: Order = { ...order, status: 'placed' };
    await this.repository.save(placed);
    return placed;
  }
}
