// Which of the app's Flow triggers each shop uses, as Flow's trigger lifecycle
// callbacks say (lifecycle.server.ts). Callbacks may arrive out of order: each
// carries Flow's timestamp, and an older one never overwrites a newer one.
import type { Db } from "~/db.server";
import type { Tx } from "~/events/sinks.server";
import { isUniqueViolation } from "~/db-errors";

export interface TriggerUse {
  shop: string;
  handle: string;
  active: boolean;
  changedAt: Date;
}

/** Records a callback; false when a newer one is already recorded (this one is stale). */
export async function recordTriggerUse(db: Db, use: TriggerUse): Promise<boolean> {
  const { shop, handle, active, changedAt } = use;
  const where = { shop, handle, changedAt: { lt: changedAt } };
  const { count } = await db.flowTriggerUse.updateMany({ where, data: { active, changedAt } });
  if (count === 1) return true;
  try {
    await db.flowTriggerUse.create({ data: { shop, handle, active, changedAt } });
    return true;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Already recorded (as new as this one or newer), or a concurrent callback
    // created it between the two writes: only a newer timestamp may win.
    const again = await db.flowTriggerUse.updateMany({ where, data: { active, changedAt } });
    return again.count === 1;
  }
}

/** Whether a workflow of the shop uses the trigger now. */
export async function triggerInUse(db: Db | Tx, shop: string, handle: string): Promise<boolean> {
  const use = await db.flowTriggerUse.findUnique({ where: { shop_handle: { shop, handle } }, select: { active: true } });
  return use?.active ?? false;
}
