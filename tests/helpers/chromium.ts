// Where the browser tests find Chromium or Chrome: CHROMIUM_PATH, else where
// each OS keeps it. Missing on a developer's machine, the browser tests are
// skipped (tests/setup/global.ts says once how to install one); on CI
// (CI=true) they run and fail instead: a browser test that quietly skips
// there proves nothing.
import fs from "node:fs";

const CANDIDATES: Record<string, string[]> = {
  linux: ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable", "/snap/bin/chromium"],
  darwin: ["/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "/Applications/Chromium.app/Contents/MacOS/Chromium"],
  win32: ["C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe"],
};

export function findChromium(): string | null {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) return chosen;
  return (CANDIDATES[process.platform] ?? []).find((candidate) => fs.existsSync(candidate)) ?? null;
}

export const CHROMIUM = findChromium() ?? "";

/** Whether this run must skip the browser tests: no browser, and not on CI. */
export const NO_BROWSER = !CHROMIUM && !process.env.CI;

export const HOW_TO_INSTALL =
  "Browser tests skipped: no Chromium or Chrome found. Install one (Debian/Ubuntu: apt-get install -y chromium; macOS: Google Chrome) or set CHROMIUM_PATH.";

/** For a suite's beforeAll: fails loudly when a browser was expected (CI) and is missing. */
export function requireChromium(): string {
  if (!CHROMIUM || !fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing${CHROMIUM ? ` at ${CHROMIUM}` : ""}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  return CHROMIUM;
}
