// Payout batches through the payouts page's action and the batch files'
// loaders, as the embedded admin calls them, with fees made by the real order
// pipeline: batches of partners' and customers' fees, their CSV and PayPal
// mass payment file read back line by line, marking paid all or none (a stale
// total refused, a double submit paying once), voiding, a fee taken back
// leaving its open batch, the per-referrer "Mark paid" leaving batched fees
// alone, concurrent creations, and another shop's batch answered 404.
import { describe, expect, it } from "vitest";
import db from "~/db.server";
import { en } from "~/i18n/en";
import { enrolReferrer } from "~/referrals/referrers.server";
import { paypalFile } from "~/admin/payout-files.server";
import * as payouts from "~/routes/app.payouts";
import * as batchCsv from "~/routes/app.payouts.batches.$id.csv";
import * as batchPaypal from "~/routes/app.payouts.batches.$id.paypal";
import { orderPaidPayload, refundCreatePayload } from "../../fake-shopify/payloads";
import { act, adminRequest, load, thrownStatus } from "../helpers/admin-request";
import { testClock } from "../helpers/admin";
import { usePipeline } from "../helpers/pipeline";
import { addPartner } from "../helpers/partner-rows";

const { setupShop } = usePipeline();
type Shop = Awaited<ReturnType<typeof setupShop>>;

let nextId = 8_400_000_000_000 + Math.floor(Math.random() * 1e9);
const b = en.payoutBatches;

/** A friend's order with the code, released at once (hold 0): its fee is approved and unpaid. */
async function feeFor(p: Shop, code: string, subtotal: string) {
  const orderId = ++nextId;
  const payload = orderPaidPayload({ orderId, customerId: ++nextId, email: `friend${nextId}@example.com`, discountCodes: [code], subtotal, total: subtotal, currency: "USD", createdAt: new Date(testClock.now()).toISOString() });
  await p.send("orders/paid", payload);
  await p.drain();
  const reward = await db.reward.findFirstOrThrow({ where: { shop: p.shop, referral: { orderId: `gid://shopify/Order/${orderId}` } } });
  expect(reward).toMatchObject({ kind: "CASH", status: "ISSUED" });
  return { orderId, reward };
}

/** Rita and Sam (a customer with no email), Pat's Bikes (a partner paid at a payout email) and Lou (a partner whose email was erased). */
async function shopWithFees() {
  const p = await setupShop({ holdDays: 0, rewardKind: "CASH", rewardValue: "5" });
  const { referrer: sam } = await enrolReferrer(db, { shop: p.shop, customerId: "gid://shopify/Customer/77001", firstName: "Sam", source: "INVITE", cause: "test" });
  await p.drain();
  const pat = await addPartner(p.shop, { name: "Pat Jones", businessName: "Pat's Bikes, Ltd", payoutEmail: "payouts@patsbikes.example" });
  const lou = await addPartner(p.shop, { name: "Lou Reed", businessName: "Lou's \"Loud\" Records", email: "" });
  const fees = {
    rita: [await feeFor(p, p.referrer.code, "40.00"), await feeFor(p, p.referrer.code, "60.00")],
    sam: [await feeFor(p, sam.code, "30.00")],
    pat: [await feeFor(p, pat.referrer.code, "200.00")],
    lou: [await feeFor(p, lou.referrer.code, "50.00")],
  };
  return { p, sam, pat, lou, fees };
}

const page = (shop: string) => load(payouts.loader, shop, "/app/payouts");
const create = (shop: string, who: string) => act(payouts.action, shop, "/app/payouts", { intent: "create", who });
const pay = (shop: string, batchId: string, amount: string, reference: string) => act(payouts.action, shop, "/app/payouts", { intent: "pay-batch", batchId, amount, reference });
const voidIt = (shop: string, batchId: string) => act(payouts.action, shop, "/app/payouts", { intent: "void-batch", batchId });

async function file(loader: typeof batchCsv.loader, shop: string, batchId: string, kind: "csv" | "paypal") {
  return loader({ request: adminRequest(shop, `/app/payouts/batches/${batchId}/${kind}`), params: { id: batchId }, context: {} });
}

/** The file's text, and whether it starts with a UTF-8 byte order mark (Response.text() would drop it). */
async function bytes(response: Response) {
  const data = new Uint8Array(await response.arrayBuffer());
  const bom = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
  return { bom, text: new TextDecoder().decode(bom ? data.slice(3) : data) };
}

/** RFC 4180 rows (quoted cells with commas, doubled quotes), CRLF-separated. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') {
      quoted = false;
    } else if (quoted) {
      cell += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      rows.push([...row, cell]);
      row = [];
      cell = "";
      i++;
    } else {
      cell += c;
    }
  }
  expect(cell === "" && row.length === 0, "the file ends with a line break").toBe(true);
  return rows;
}

const batchOf = (shop: string, number: number) => db.payoutBatch.findUniqueOrThrow({ where: { shop_number: { shop, number } } });
const idsIn = async (batchId: string) => (await db.reward.findMany({ where: { payoutBatchId: batchId }, select: { id: true }, orderBy: { id: "asc" } })).map((r) => r.id);

describe("payout batches", () => {
  it("are created from the page for partners, then customers; nothing owed makes none; the page lists them, with what PayPal cannot pay", async () => {
    const { p, fees } = await shopWithFees();
    expect(await thrownStatus(() => create(p.shop, "friends"))).toBe(400);
    expect(await create(p.shop, "partners")).toEqual({ status: 200, data: { ok: true, message: b.created(1, 2, "$25.00") } });
    expect(await create(p.shop, "customers")).toEqual({ status: 200, data: { ok: true, message: b.created(2, 3, "$15.00") } });
    expect(await create(p.shop, "all")).toEqual({ status: 409, data: { ok: false, message: b.nothingOwed.all } });
    expect(await db.payoutBatch.count({ where: { shop: p.shop } })).toBe(2);

    const [one, two] = [await batchOf(p.shop, 1), await batchOf(p.shop, 2)];
    expect(one).toMatchObject({ status: "OPEN", currencyCode: "USD", createdBy: "merchant:42", reference: null });
    expect(await idsIn(one.id)).toEqual([fees.pat[0].reward.id, fees.lou[0].reward.id].sort());
    expect(await idsIn(two.id)).toEqual([...fees.rita, ...fees.sam].map((f) => f.reward.id).sort());

    const { batches, rows, totals } = await page(p.shop);
    expect(batches.map((x) => [x.number, x.status, x.fees, x.total, x.recipients, x.withoutEmail])).toEqual([
      [2, "OPEN", 3, "15.00", 2, 1], // Sam has no email
      [1, "OPEN", 2, "25.00", 2, 1], // Lou's was erased
    ]);
    // The ledger: partners marked, every fee owed and in a batch, none payable one referrer at a time.
    expect(rows.filter((r) => r.partner).map((r) => r.name).sort()).toEqual(["Lou's \"Loud\" Records (Lou Reed)", "Pat's Bikes, Ltd (Pat Jones)"]);
    expect(rows.every((r) => r.owedRewardIds.length === 0 && r.payable === "0.00" && r.inBatch === r.approved)).toBe(true);
    expect(totals).toMatchObject({ approved: "40.00", inBatch: "40.00" });
    expect(await db.auditEvent.count({ where: { shop: p.shop, action: "payout-batch.created" } })).toBe(2);
  });

  it("CSV and PayPal file, read back line by line: every recipient in the CSV, those with a payable email in PayPal's format", async () => {
    const { p, sam, pat, lou } = await shopWithFees();
    await create(p.shop, "partners");
    await create(p.shop, "customers");
    const [one, two] = [await batchOf(p.shop, 1), await batchOf(p.shop, 2)];

    const csvOne = (await file(batchCsv.loader, p.shop, one.id, "csv")) as Response;
    expect(csvOne.headers.get("Content-Disposition")).toBe('attachment; filename="payout-batch-1.csv"');
    const { bom, text } = await bytes(csvOne);
    expect(bom).toBe(true); // Excel reads it as UTF-8
    const [headings, ...lines] = parseCsv(text);
    expect(headings).toEqual(b.csvHeadings);
    const byCode = [
      [pat.referrer, "Pat's Bikes, Ltd (Pat Jones)", "payouts@patsbikes.example", "20.00"],
      [lou.referrer, "Lou's \"Loud\" Records (Lou Reed)", "", "5.00"],
    ].sort((x, y) => (x[0] as { code: string }).code.localeCompare((y[0] as { code: string }).code)) as [{ id: string; code: string }, string, string, string][];
    expect(lines).toEqual(byCode.map(([r, name, email, amount], i) => [`B1-${i + 1}`, r.id, name, en.csv.yes, email, r.code, "1", amount, "USD"]));

    const paypalOne = (await file(batchPaypal.loader, p.shop, one.id, "paypal")) as Response;
    expect(paypalOne.status).toBe(200);
    expect(paypalOne.headers.get("Content-Disposition")).toBe('attachment; filename="paypal-payout-batch-1.csv"');
    const { bom: paypalBom, text: paypalText } = await bytes(paypalOne);
    expect(paypalBom).toBe(false); // no BOM, no header: the first line is a payment
    const program = await db.program.findUniqueOrThrow({ where: { shop: p.shop } });
    const note = b.paypalNote(program.shopName || p.shop, 1);
    const patLine = lines.find((l) => l[1] === pat.referrer.id)!;
    expect(parseCsv(paypalText)).toEqual([["payouts@patsbikes.example", "20.00", "USD", patLine[0], note, "PAYPAL"]]);

    // Customers: Rita's two fees on one line; Sam (no email) only in the CSV.
    const customers = parseCsv((await bytes((await file(batchCsv.loader, p.shop, two.id, "csv")) as Response)).text).slice(1);
    const expected = [
      [p.referrer, "Rita", "rita@example.com", "2", "10.00"],
      [sam, "Sam", "", "1", "5.00"],
    ].sort((x, y) => (x[0] as { code: string }).code.localeCompare((y[0] as { code: string }).code)) as [{ id: string; code: string }, string, string, string, string][];
    expect(customers).toEqual(expected.map(([r, name, email, n, amount], i) => [`B2-${i + 1}`, r.id, name, en.csv.no, email, r.code, n, amount, "USD"]));
    const ritaLine = customers.find((l) => l[1] === p.referrer.id)!;
    const paypalTwo = parseCsv(await ((await file(batchPaypal.loader, p.shop, two.id, "paypal")) as Response).text());
    expect(paypalTwo).toEqual([["rita@example.com", "10.00", "USD", ritaLine[0], b.paypalNote(program.shopName || p.shop, 2), "PAYPAL"]]);
    // Every PayPal line's id is unique, at most 30 characters, without spaces.
    for (const [, , , id] of [...parseCsv(paypalText), ...paypalTwo]) expect(id).toMatch(/^[A-Za-z0-9-]{1,30}$/);
  });

  it("PayPal's amounts: a period, at the currency's digits; EUR and BRL with a decimal comma, quoted", () => {
    const line = (amount: string, currencyCode: string, payoutId: string, email: string | null = "a@example.com") => ({ payoutId, referrerId: "r", name: "A", partner: false, email, code: "X", fees: 1, amount, currencyCode });
    expect(paypalFile([line("12.50", "EUR", "B1-1"), line("7.00", "EUR", "B1-2", "=cmd@evil.example")], "Fees, with thanks").body).toBe('a@example.com,"12,50",EUR,B1-1,"Fees, with thanks",PAYPAL\r\n');
    expect(paypalFile([line("1200", "JPY", "B1-1")], "n").body).toBe("a@example.com,1200,JPY,B1-1,n,PAYPAL\r\n");
    expect(paypalFile([line("3.50", "USD", "B1-1", null), line("3.50", "USD", "B1-2", "not an email")], "n")).toEqual({ body: "", rows: 0, leftOut: 2 });
    expect(paypalFile([line("3.50", "USD", "B1-1")], "x".repeat(500)).body).toBe(`a@example.com,3.50,USD,B1-1,${"x".repeat(400)},PAYPAL\r\n`);
  });

  it("marked paid for exactly the total shown: a stale total is refused, the reference is required, a double submit pays once", async () => {
    const { p, fees } = await shopWithFees();
    await create(p.shop, "partners");
    const one = await batchOf(p.shop, 1);
    const mine = [fees.pat[0].reward.id, fees.lou[0].reward.id];

    expect(await pay(p.shop, one.id, "24.00", "PP-1")).toEqual({ status: 409, data: { ok: false, message: b.changed(1) } });
    expect(await pay(p.shop, one.id, "25.00", " ")).toEqual({ status: 400, data: { ok: false, message: en.payouts.referenceRequired, field: "reference" } });
    expect(await db.reward.count({ where: { id: { in: mine }, status: "ISSUED" } })).toBe(2);
    expect((await batchOf(p.shop, 1)).status).toBe("OPEN");

    const both = await Promise.all([pay(p.shop, one.id, "25.00", "PP-1"), pay(p.shop, one.id, "25.00", "PP-1")]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(both.map((r) => r.data.message).sort()).toEqual([b.alreadyPaid(1, "PP-1"), b.paid(1, 2)].sort());
    const paid = await db.reward.findMany({ where: { id: { in: mine } } });
    expect(paid.every((r) => r.status === "PAID" && r.payoutReference === "PP-1" && r.paidAt)).toBe(true);
    expect(await batchOf(p.shop, 1)).toMatchObject({ status: "PAID", reference: "PP-1", paidBy: "merchant:42", paidAt: expect.any(Date) });
    expect(await db.auditEvent.count({ where: { shop: p.shop, action: "reward.paid", rewardId: { in: mine } } })).toBe(2);
    expect(await db.auditEvent.count({ where: { shop: p.shop, action: "payout-batch.paid" } })).toBe(1);

    // Another reference afterwards: refused, the first payment stands.
    expect(await pay(p.shop, one.id, "25.00", "PP-2")).toEqual({ status: 409, data: { ok: false, message: b.alreadyPaid(1, "PP-1") } });
    // A paid batch has no PayPal file any more (uploading it again would pay twice); its CSV stays.
    const again = (await file(batchPaypal.loader, p.shop, one.id, "paypal")) as Response;
    expect({ status: again.status, text: await again.text() }).toEqual({ status: 409, text: b.paypalNotOpen });
    expect(((await file(batchCsv.loader, p.shop, one.id, "csv")) as Response).status).toBe(200);
    const { batches, rows } = await page(p.shop);
    expect(batches.find((x) => x.number === 1)).toMatchObject({ status: "PAID", reference: "PP-1", fees: 2, total: "25.00" });
    expect(rows.find((r) => r.referrerId === fees.pat[0].reward.referrerId)).toMatchObject({ paid: "20.00", approved: "0.00", inBatch: "0.00" });
  });

  it("voided: its fees are owed again and go in the next batch, which takes the next number", async () => {
    const { p, fees } = await shopWithFees();
    await create(p.shop, "customers");
    const one = await batchOf(p.shop, 1);
    expect(await voidIt(p.shop, one.id)).toEqual({ status: 200, data: { ok: true, message: b.voided(1) } });
    expect(await batchOf(p.shop, 1)).toMatchObject({ status: "VOID" });
    expect(await idsIn(one.id)).toEqual([]);
    expect(await voidIt(p.shop, one.id)).toEqual({ status: 409, data: { ok: false, message: b.notOpen(1) } });
    expect(await pay(p.shop, one.id, "15.00", "PP-9")).toEqual({ status: 409, data: { ok: false, message: b.wasVoided(1) } });
    expect(((await file(batchPaypal.loader, p.shop, one.id, "paypal")) as Response).status).toBe(409);

    expect((await create(p.shop, "customers")).data.message).toBe(b.created(2, 3, "$15.00"));
    expect(await idsIn((await batchOf(p.shop, 2)).id)).toEqual([...fees.rita, ...fees.sam].map((f) => f.reward.id).sort());
  });

  it("a fee taken back while its batch is open leaves it: the total the merchant saw no longer matches, the new one pays", async () => {
    const { p, fees } = await shopWithFees();
    await create(p.shop, "customers");
    const one = await batchOf(p.shop, 1);
    expect((await page(p.shop)).batches[0]).toMatchObject({ fees: 3, total: "15.00" });

    // Rita's first friend refunds the whole order: the referral is reversed and its unpaid fee taken back.
    await p.send("refunds/create", refundCreatePayload({ orderId: fees.rita[0].orderId, refundId: ++nextId, amount: "40.00", currency: "USD" }));
    await p.drain();
    expect(await db.reward.findUniqueOrThrow({ where: { id: fees.rita[0].reward.id } })).toMatchObject({ status: "REVOKED", payoutBatchId: null });
    expect((await page(p.shop)).batches[0]).toMatchObject({ fees: 2, total: "10.00" });

    expect(await pay(p.shop, one.id, "15.00", "PP-3")).toMatchObject({ status: 409, data: { message: b.changed(1) } });
    expect(await pay(p.shop, one.id, "10.00", "PP-3")).toMatchObject({ status: 200, data: { message: b.paid(1, 2) } });
    expect(await db.reward.findUniqueOrThrow({ where: { id: fees.rita[0].reward.id } })).toMatchObject({ status: "REVOKED", payoutReference: null });
  });

  it("the per-referrer Mark paid pays only fees in no batch: a batched fee named in it refuses the whole payment", async () => {
    const { p, fees } = await shopWithFees();
    await create(p.shop, "customers");
    const extra = await feeFor(p, p.referrer.code, "70.00");
    const rita = (await page(p.shop)).rows.find((r) => r.referrerId === p.referrer.id)!;
    expect(rita).toMatchObject({ approved: "15.00", inBatch: "10.00", payable: "5.00", owedRewardIds: [extra.reward.id] });

    const batched = fees.rita[0].reward.id;
    const refused = await act(payouts.action, p.shop, "/app/payouts", { intent: "mark-paid", referrerId: p.referrer.id, rewardIds: [batched, extra.reward.id].join(","), amount: "10.00", reference: "BANK-7" });
    expect(refused).toEqual({ status: 409, data: { ok: false, message: en.payouts.owedChanged } });
    const paid = await act(payouts.action, p.shop, "/app/payouts", { intent: "mark-paid", referrerId: p.referrer.id, rewardIds: rita.owedRewardIds.join(","), amount: rita.payable, reference: "BANK-7" });
    expect(paid).toEqual({ status: 200, data: { ok: true, message: en.payouts.markedPaid(1) } });
    expect(await db.reward.findUniqueOrThrow({ where: { id: batched } })).toMatchObject({ status: "ISSUED", payoutBatchId: (await batchOf(p.shop, 1)).id });
    expect(await db.reward.findUniqueOrThrow({ where: { id: extra.reward.id } })).toMatchObject({ status: "PAID", payoutBatchId: null, payoutReference: "BANK-7" });
  });

  it("two creations at once never share a number or a fee (5 rounds of 3)", async () => {
    const p = await setupShop({ holdDays: 0, rewardKind: "CASH", rewardValue: "5" });
    const fee = { shop: p.shop, referrerId: p.referrer.id, kind: "CASH", valueType: "FIXED_AMOUNT", value: "5", currencyCode: "USD", status: "ISSUED" };
    for (let round = 0; round < 5; round++) {
      await db.reward.createMany({ data: Array.from({ length: 8 }, () => fee) });
      const results = await Promise.all([create(p.shop, "all"), create(p.shop, "all"), create(p.shop, "customers")]);
      const created = results.filter((r) => r.status === 200);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(results.filter((r) => r.status !== 200).every((r) => r.status === 409)).toBe(true);
      const batches = await db.payoutBatch.findMany({ where: { shop: p.shop }, orderBy: { number: "asc" } });
      expect(batches.map((x) => x.number)).toEqual(Array.from({ length: batches.length }, (_, i) => i + 1));
      // Each batch holds what it said it took; together, every owed fee, each once.
      for (const batch of batches) {
        const said = created.find((r) => r.data.message.startsWith(`Batch #${batch.number} `));
        if (said) expect(said.data.message).toBe(b.created(batch.number, (await idsIn(batch.id)).length, `$${((await idsIn(batch.id)).length * 5).toFixed(2)}`));
      }
      expect(await db.reward.count({ where: { shop: p.shop, status: "ISSUED", payoutBatchId: null } })).toBe(0);
      const inBatches = await db.reward.groupBy({ by: ["payoutBatchId"], where: { shop: p.shop }, _count: { _all: true } });
      expect(inBatches.reduce((n, g) => n + g._count._all, 0)).toBe(8 * (round + 1));
    }
  });

  it("another shop's batch: 404 for its files, its payment and its voiding", async () => {
    const { p } = await shopWithFees();
    await create(p.shop, "all");
    const theirs = await batchOf(p.shop, 1);
    const other = await setupShop({ holdDays: 0, rewardKind: "CASH", rewardValue: "5" });
    expect(await thrownStatus(() => file(batchCsv.loader, other.shop, theirs.id, "csv"))).toBe(404);
    expect(await thrownStatus(() => file(batchPaypal.loader, other.shop, theirs.id, "paypal"))).toBe(404);
    expect(await thrownStatus(() => pay(other.shop, theirs.id, "45.00", "PP-X"))).toBe(404);
    expect(await thrownStatus(() => voidIt(other.shop, theirs.id))).toBe(404);
    expect(await batchOf(p.shop, 1)).toMatchObject({ status: "OPEN", reference: null });
    expect((await page(other.shop)).batches).toEqual([]);
  });
});
