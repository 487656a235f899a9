// Renders `children` only after hydration: for widgets that measure the DOM
// (charts). The fallback keeps the same height, so nothing shifts (CLS).
import { useEffect, useState, type ReactNode } from "react";

export function ClientOnly({ children, fallback }: { children: () => ReactNode; fallback: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return <>{mounted ? children() : fallback}</>;
}
