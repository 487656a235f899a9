// Cursor pagination links that keep the page's other search parameters.
import { useNavigate, useSearchParams } from "@remix-run/react";
import { InlineStack, Pagination } from "@shopify/polaris";

export function Pager({ nextCursor, previousCursor }: { nextCursor: string | null; previousCursor: string | null }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const go = (key: "after" | "before", cursor: string) => {
    const next = new URLSearchParams(params);
    next.delete("after");
    next.delete("before");
    next.set(key, cursor);
    navigate(`?${next}`);
  };
  if (!nextCursor && !previousCursor) return null;
  return (
    <InlineStack align="center">
      <Pagination
        hasPrevious={Boolean(previousCursor)}
        onPrevious={() => previousCursor && go("before", previousCursor)}
        hasNext={Boolean(nextCursor)}
        onNext={() => nextCursor && go("after", nextCursor)}
      />
    </InlineStack>
  );
}
