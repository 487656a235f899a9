// The customer account extensions' shared state: the referral home's data,
// loaded once the extension renders (the full page and the profile card both
// show it; they are separate extensions, so each asks for it).
import { useEffect, useState } from "preact/hooks";
import { loadAccount, type AccountView, type ExtensionHost } from "./backend";

export function useAccountView(host: ExtensionHost) {
  const [view, setView] = useState<AccountView | "loading">("loading");
  const locale = host.localization.language.value.isoCode;
  useEffect(() => {
    let live = true;
    loadAccount(host, locale).then((loaded) => live && setView(loaded));
    return () => {
      live = false;
    };
  }, [host, locale]);
  return [view, setView, locale] as const;
}
