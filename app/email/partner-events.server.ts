// Placeholder until the partner emails land (branch h-emails replaces this file).
import type { Db, Prisma } from "~/db.server";
import type { QueueOutcome } from "./outbox.server";

type Tx = Prisma.TransactionClient;
export interface PartnerContact { id: string; shop: string; referrerId: string | null; email: string; name: string; businessName: string; locale: string | null }
export interface SignInLink { id: string; url: string; expiresAt: Date }
const off = async (): Promise<QueueOutcome> => "off";
export const emailPartnerInvited: (db: Db | Tx, partner: PartnerContact, link: SignInLink, now: Date) => Promise<QueueOutcome> = off;
export const emailPartnerApproved: (db: Db | Tx, partner: PartnerContact, link: SignInLink, now: Date) => Promise<QueueOutcome> = off;
export const emailPartnerSignIn: (db: Db | Tx, partner: PartnerContact, link: SignInLink, now: Date) => Promise<QueueOutcome> = off;
export const emailPartnerAgreementChanged: (db: Db | Tx, partner: PartnerContact, link: SignInLink, version: number, now: Date) => Promise<QueueOutcome> = off;
