import { en, type Messages } from "./en";

export const mt: Messages = en;
