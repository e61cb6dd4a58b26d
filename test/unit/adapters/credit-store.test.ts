// Store credit against dynalite: a return is credited once however often the step runs, balances add up per
// currency, an unknown customer has nothing, and the customer's email never appears in a key.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { addCredit, getCredit, type CreditEntry } from '../../../functions/adapters/credit-store';
import { daysAfter, ORDER_ID, RETURN_OPENED_AT, STOREFRONT } from '../helpers/orders';
import { useLocalDynamo } from '../helpers/dynamo';

const store = useLocalDynamo();
let sequence = 0;

/** An email no other test uses, so each test has its own account. */
const aCustomerEmail = (): string => {
  sequence += 1;
  return `customer.${sequence}@example.com`;
};

const anEntry = (overrides: Partial<CreditEntry> = {}): CreditEntry => ({
  amount: 1999,
  currency: 'USD',
  orderId: ORDER_ID,
  returnId: 'ret_a',
  at: daysAfter(RETURN_OPENED_AT, 3),
  ...overrides,
});

/** Every stored item whose key says it is store credit. */
const creditItems = async (): Promise<Record<string, unknown>[]> => {
  const { Items } = await store.db.doc.send(
    new ScanCommand({
      TableName: store.db.tables.orders,
      FilterExpression: 'begins_with(pk, :credit)',
      ExpressionAttributeValues: { ':credit': 'CREDIT#' },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []) as Record<string, unknown>[];
};

describe('addCredit', () => {
  it("adds a return's refund to the customer's balance with its ledger entry", async () => {
    // Prepare
    const email = aCustomerEmail();

    // Act
    await addCredit(store.db, STOREFRONT, email, anEntry());

    // Assess
    expect(await getCredit(store.db, STOREFRONT, email)).toEqual({
      balances: { USD: 1999 },
      entries: [anEntry()],
    });
  });

  it('credits the same return once when called twice', async () => {
    // Prepare
    const email = aCustomerEmail();
    await addCredit(store.db, STOREFRONT, email, anEntry());

    // Act
    await addCredit(store.db, STOREFRONT, email, anEntry());

    // Assess
    expect(await getCredit(store.db, STOREFRONT, email)).toEqual({
      balances: { USD: 1999 },
      entries: [anEntry()],
    });
  });

  it('credits the same return once however many calls race', async () => {
    // Prepare
    const email = aCustomerEmail();

    // Act
    await Promise.all(Array.from({ length: 8 }, () => addCredit(store.db, STOREFRONT, email, anEntry())));

    // Assess
    expect((await getCredit(store.db, STOREFRONT, email)).balances).toEqual({ USD: 1999 });
  });

  it('adds two returns up', async () => {
    // Prepare
    const email = aCustomerEmail();
    await addCredit(store.db, STOREFRONT, email, anEntry({ returnId: 'ret_a', amount: 1999 }));

    // Act
    await addCredit(store.db, STOREFRONT, email, anEntry({ returnId: 'ret_b', amount: 500 }));

    // Assess
    expect((await getCredit(store.db, STOREFRONT, email)).balances).toEqual({ USD: 2499 });
  });

  it('keeps a balance per currency', async () => {
    // Prepare
    const email = aCustomerEmail();
    await addCredit(
      store.db,
      STOREFRONT,
      email,
      anEntry({ returnId: 'ret_a', amount: 1999, currency: 'USD' }),
    );
    await addCredit(
      store.db,
      STOREFRONT,
      email,
      anEntry({ returnId: 'ret_b', amount: 1200, currency: 'EUR' }),
    );

    // Act
    await addCredit(
      store.db,
      STOREFRONT,
      email,
      anEntry({ returnId: 'ret_c', amount: 500, currency: 'USD' }),
    );

    // Assess
    expect((await getCredit(store.db, STOREFRONT, email)).balances).toEqual({ USD: 2499, EUR: 1200 });
  });

  it('lists the ledger entries oldest first', async () => {
    // Prepare
    const email = aCustomerEmail();
    const later = anEntry({ returnId: 'ret_later', at: daysAfter(RETURN_OPENED_AT, 5) });
    const earlier = anEntry({ returnId: 'ret_earlier', at: daysAfter(RETURN_OPENED_AT, 2) });
    await addCredit(store.db, STOREFRONT, email, later);

    // Act
    await addCredit(store.db, STOREFRONT, email, earlier);

    // Assess
    expect((await getCredit(store.db, STOREFRONT, email)).entries).toEqual([earlier, later]);
  });

  it('credits one account whatever the case and surrounding spaces of the email', async () => {
    // Prepare
    const email = aCustomerEmail();
    await addCredit(store.db, STOREFRONT, `  ${email.toUpperCase()} `, anEntry({ returnId: 'ret_a' }));

    // Act
    await addCredit(store.db, STOREFRONT, email, anEntry({ returnId: 'ret_b' }));

    // Assess
    expect((await getCredit(store.db, STOREFRONT, email)).balances).toEqual({ USD: 3998 });
  });

  it("keeps one storefront's credit apart from another's for the same customer", async () => {
    // Prepare
    const email = aCustomerEmail();

    // Act
    await addCredit(store.db, 'other-store', email, anEntry());

    // Assess
    expect(await getCredit(store.db, STOREFRONT, email)).toEqual({ balances: {}, entries: [] });
  });

  it('keeps the raw email out of the key of the stored item', async () => {
    // Prepare
    const email = aCustomerEmail();

    // Act
    await addCredit(store.db, STOREFRONT, email, anEntry());

    // Assess
    const keys = (await creditItems()).map((item) => `${String(item.pk)} ${String(item.sk)}`);
    expect([keys.length > 0, keys.filter((key) => key.toLowerCase().includes(email))]).toEqual([true, []]);
  });

  it('keeps the email out of the stored item altogether', async () => {
    // Prepare
    const email = aCustomerEmail();

    // Act
    await addCredit(store.db, STOREFRONT, email, anEntry());

    // Assess
    const stored = (await creditItems()).map((item) => JSON.stringify(item));
    expect(stored.filter((item) => item.includes(email))).toEqual([]);
  });
});

describe('getCredit', () => {
  it('has nothing for a customer never credited', async () => {
    // Act
    const account = await getCredit(store.db, STOREFRONT, aCustomerEmail());

    // Assess
    expect(account).toEqual({ balances: {}, entries: [] });
  });
});
