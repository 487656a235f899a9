// The admin's repeated card shapes: a titled section that shows a subdued
// message when it has nothing to list, and a figure tile (label over value).
import { BlockStack, Card, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

export function SectionCard({
  title,
  emptyText,
  gap = "300",
  children,
}: {
  title: string;
  /** Shown instead of the children when set (the section has nothing to show). */
  emptyText?: string | null;
  gap?: "200" | "300";
  children?: ReactNode;
}) {
  return (
    <Card>
      <BlockStack gap={gap}>
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        {emptyText ? (
          <Text as="p" tone="subdued">
            {emptyText}
          </Text>
        ) : (
          children
        )}
      </BlockStack>
    </Card>
  );
}

export function FigureCard({ label, value, help }: { label: string; value: ReactNode; help?: string | null }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="bodySm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingLg">
          {value}
        </Text>
        {help ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {help}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
