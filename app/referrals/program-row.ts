// The program's row as Prisma reads it, and its settings as the Settings form
// has them. Apart from programs.server.ts so that modules programs.server.ts
// itself uses (the experiments' variant discounts) can read them without a
// circular import.
import type { Db } from "~/db.server";
import type { ProgramSettings } from "./program-settings";

export type ProgramRow = NonNullable<Awaited<ReturnType<Db["program"]["findUnique"]>>>;

/** The settings of a stored program, in the form the settings schema produces. */
export function settingsOf(program: ProgramRow): ProgramSettings {
  return {
    enabled: program.enabled,
    friendOfferKind: program.friendOfferKind as ProgramSettings["friendOfferKind"],
    friendOfferValue: program.friendOfferValue.toString(),
    rewardKind: program.rewardKind as ProgramSettings["rewardKind"],
    rewardValue: program.rewardValue.toString(),
    rewardExpiryDays: program.rewardExpiryDays,
    minimumOrderAmount: program.minimumOrderAmount?.toString() ?? null,
    holdDays: program.holdDays,
    maxRewardsPerReferrer: program.maxRewardsPerReferrer,
    firstOrderOnly: program.firstOrderOnly,
    codePrefix: program.codePrefix,
    combinesWithProduct: program.combinesWithProduct,
    combinesWithOrder: program.combinesWithOrder,
    combinesWithShipping: program.combinesWithShipping,
    terms: program.terms,
    shareMessage: program.shareMessage,
    emailSenderName: program.emailSenderName,
    emailReplyTo: program.emailReplyTo,
    emailLogoUrl: program.emailLogoUrl,
    emailAccentColor: program.emailAccentColor,
    rewardReminderDays: program.rewardReminderDays,
    leakMinOrders: program.leakMinOrders,
    leakThresholdPercent: program.leakThresholdPercent,
    leakGraceDays: program.leakGraceDays,
    leakAutoRotate: program.leakAutoRotate,
    friendCodeMode: program.friendCodeMode as ProgramSettings["friendCodeMode"],
    friendCodesPerDay: program.friendCodesPerDay,
    friendCodeDays: program.friendCodeDays,
  };
}
