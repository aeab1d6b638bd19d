/** Receiver typing rules: inferred returns, constructor-assigned attributes, parameter defaults, isinstance, loops, usage co-occurrence. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { indexOf, labels, membersAt } from './helpers';
import { fixturesDir } from '../../helpers/paths';
import { returnedClass } from '../../../../src/core/index/extract';
import { elementType } from '../../../../src/core/index/receivers';

const pyRoot = join(fixturesDir, 'api/typing/py');
const tsRoot = join(fixturesDir, 'api/typing/ts');

test('returnedClass: one class returned, self / this, disagreement', () => {
  assert.equal(returnedClass('def f():\n    return Cart()\n', ''), 'Cart');
  assert.equal(returnedClass('f() { return new Cart(); }', ''), 'Cart');
  assert.equal(returnedClass('def f(self):\n    return self\n', 'Store'), 'Store');
  assert.equal(returnedClass('def f(cls):\n    return cls(1)\n', 'Store'), 'Store');
  assert.equal(returnedClass('def f(x):\n    if x:\n        return Cart()\n    return Receipt()\n', ''), undefined);
  assert.equal(returnedClass('def f():\n    return make()\n', ''), undefined);
});

test('elementType: lists, arrays, iterables', () => {
  assert.equal(elementType('List[Cart]'), 'Cart');
  assert.equal(elementType('typing.Sequence[Cart]'), 'Cart');
  assert.equal(elementType('Cart[]'), 'Cart');
  assert.equal(elementType('ReadonlyArray<Cart>'), 'Cart');
  assert.equal(elementType('Dict[str, Cart]'), undefined);
  // An element with type arguments of its own.
  assert.equal(elementType('Array<QueryObserver<any, any, any>>'), 'QueryObserver');
  assert.equal(elementType('Observer<T>[]'), 'Observer');
  assert.equal(elementType('List[Requirement[str]]'), 'Requirement');
});

test('Python: unannotated returns, self.x = typed parameter / default, isinstance, for over List[T], usage co-occurrence', async () => {
  const index = await indexOf(pyRoot);
  const app = join(pyRoot, 'app.py');
  const head = 'from shop.models import Store, Cart, Receipt\n\n\n';
  const ret = await membersAt(index, app, `${head}c = Store().new_cart()\nc.`);
  assert.deepEqual(labels(ret).sort(), ['add_item', 'checkout']);
  const fluent = await membersAt(index, app, `${head}s = Store().same()\ns.`);
  assert.ok(labels(fluent).includes('new_cart'), labels(fluent).join());
  const chained = await membersAt(index, app, `${head}r = Cart().checkout()\nr.`);
  assert.deepEqual(labels(chained).sort(), ['print_lines', 'total']);
  const svc = join(pyRoot, 'shop/service.py');
  const attr = await membersAt(index, svc, 'from .models import Cart, Validator\n\n\nclass Service:\n    def __init__(self, validator: Validator, cart=Cart()):\n        self.validator = validator\n        self.cart = cart\n\n    def go(self):\n        self.cart.');
  assert.equal(attr?.resolvedBy, 'chain');
  assert.deepEqual(labels(attr).sort(), ['add_item', 'checkout']);
  const def = await membersAt(index, app, `${head}def f(cart=Cart()):\n    cart.`);
  assert.deepEqual(labels(def).sort(), ['add_item', 'checkout']);
  const narrowed = await membersAt(index, app, `${head}def f(thing):\n    if isinstance(thing, Receipt):\n        thing.`);
  assert.equal(narrowed?.resolvedBy, 'isinstance');
  assert.deepEqual(labels(narrowed).sort(), ['print_lines', 'total']);
  const loop = await membersAt(index, app, `${head}from typing import List\n\ndef f(carts: List[Cart]):\n    for cart in carts:\n        cart.`);
  assert.equal(loop?.resolvedBy, 'loop');
  // `validator` is untyped here; service.py calls check_client / check_nonce on it: Validator.
  const used = await membersAt(index, app, `${head}def f(validator):\n    validator.`);
  assert.equal(used?.resolvedBy, 'usage');
  assert.ok(['check_client', 'check_nonce', 'save_token'].includes(labels(used)[0]!), labels(used).join());
  const chainUsed = await membersAt(index, app, `${head}class X:\n    def f(self):\n        self._validator.`);
  assert.equal(chainUsed?.resolvedBy, 'usage');
});

test('TypeScript: returned `new Foo()`, field assigned from a typed constructor parameter, parameter default, for-of over T[]', async () => {
  const index = await indexOf(tsRoot);
  const app = join(tsRoot, 'app.ts');
  const head = "import { Store, Cart } from './models';\n";
  const ret = await membersAt(index, app, `${head}const c = new Store().newCart();\nc.`);
  assert.deepEqual(labels(ret).sort(), ['addItem', 'checkout']);
  const svc = join(tsRoot, 'service.ts');
  const field = await membersAt(index, svc, "import { Cart, Store } from './models';\n\nexport class Service {\n  private store: Store;\n  constructor(store: Store, private cart = new Cart()) {\n    this.store = store;\n  }\n  go() {\n    this.store.");
  assert.deepEqual(labels(field), ['newCart']);
  const def = await membersAt(index, app, `${head}function f(cart = new Cart()) {\n  cart.`);
  assert.deepEqual(labels(def).sort(), ['addItem', 'checkout']);
  const loop = await membersAt(index, app, `${head}function f(carts: Cart[]) {\n  for (const cart of carts) {\n    cart.`);
  assert.equal(loop?.resolvedBy, 'loop');
  assert.deepEqual(labels(loop).sort(), ['addItem', 'checkout']);
});

test('ranking: members called on the same receiver name elsewhere, and the member named by the surrounding code', async () => {
  const index = await indexOf(pyRoot);
  const app = join(pyRoot, 'app.py');
  // service.py calls check_client and check_nonce on `self.validator`; save_token is never called there.
  const freq = await membersAt(index, app, 'from shop.models import Validator\n\n\ndef f(validator: Validator):\n    validator.');
  assert.notEqual(labels(freq)[0], 'save_token', labels(freq).join());
  const near = await membersAt(index, app, 'from shop.models import Validator\n\n\ndef f(v: Validator, token):\n    token = dict(token)\n    v.');
  const plain = await membersAt(index, app, 'from shop.models import Validator\n\n\ndef f(v: Validator, x):\n    x = dict(x)\n    v.');
  // The feature is measured here; its weight (negative: a name just written is less often called next) is fitted on dev repositories.
  const context = (c: typeof near, name: string) => c!.items.find((i) => i.label === name)!.features.context;
  assert.ok(context(near, 'save_token') > context(plain, 'save_token'), 'the name\'s words in the code before are seen');
});
