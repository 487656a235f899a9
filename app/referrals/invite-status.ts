// The life of an invitation run (shared by the job and the page that shows it).
export const InviteStatus = { QUEUED: "QUEUED", EXPORTING: "EXPORTING", ENROLLING: "ENROLLING", DONE: "DONE", FAILED: "FAILED" } as const;
export type InviteStatus = (typeof InviteStatus)[keyof typeof InviteStatus];
