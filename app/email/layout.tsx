// The one layout every email shares, written with React Email's components
// (tables and inline styles that render alike in Gmail, Outlook and Apple Mail).
// Texts arrive with their {placeholders} still in them: the layout is rendered
// once per shop, email and language, and each recipient's values are filled
// into the result (render.server.ts), escaped there.
import { Body, Button, Container, Head, Heading, Hr, Html, Img, Link, Preview, Section, Text } from "@react-email/components";

export interface LayoutProps {
  lang: string;
  shopName: string;
  logoUrl: string | null;
  accentColor: string;
  heading: string;
  paragraphs: string[];
  /** The button, and a line under it (until when its link works). */
  button: { label: string; href: string; note?: string | null } | null;
  /** A code box (label, the code) with an optional line under it. */
  code: { label: string; value: string; note: string | null } | null;
  /** A paragraph after the code: how to use the reward. */
  after: string | null;
  /** Paragraphs after that: how far the next milestone is, until when store credit is valid. */
  notes?: string[];
  /** Label/value rows (the merchant digest), and lines under them. */
  table: { rows: [string, string][]; title: string | null; lines: string[] } | null;
  footer: string;
  unsubscribe: { label: string; href: string } | null;
}

/** White or near-black text, whichever reads better on the accent colour. */
export function textOn(hex: string): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return "#ffffff";
  const n = parseInt(m[1], 16);
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(n >> 16) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
  return luminance > 0.4 ? "#111111" : "#ffffff";
}

const page = { backgroundColor: "#f4f4f5", fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif", margin: 0, padding: "24px 0" };
const card = { backgroundColor: "#ffffff", borderRadius: "8px", maxWidth: "560px", margin: "0 auto", padding: "32px 28px" };
const paragraph = { fontSize: "16px", lineHeight: "24px", color: "#27272a", margin: "0 0 16px" };
const small = { fontSize: "12px", lineHeight: "18px", color: "#71717a", margin: "0 0 8px" };

export function EmailLayout(props: LayoutProps) {
  const { accentColor } = props;
  return (
    <Html lang={props.lang} dir="ltr">
      <Head />
      <Preview>{props.heading}</Preview>
      <Body style={page}>
        <Container style={card}>
          {props.logoUrl ? (
            <Img src={props.logoUrl} alt={props.shopName} height="48" style={{ margin: "0 0 24px", maxWidth: "200px", height: "48px", width: "auto" }} />
          ) : (
            <Text style={{ ...paragraph, fontWeight: 700, fontSize: "18px", color: accentColor }}>{props.shopName}</Text>
          )}
          <Heading as="h1" style={{ fontSize: "24px", lineHeight: "32px", color: "#18181b", margin: "0 0 20px" }}>
            {props.heading}
          </Heading>
          {props.paragraphs.map((p, i) => (
            <Text key={i} style={paragraph}>
              {p}
            </Text>
          ))}
          {props.code ? (
            <Section style={{ border: `2px dashed ${accentColor}`, borderRadius: "8px", padding: "16px", margin: "8px 0 20px", textAlign: "center" }}>
              <Text style={{ ...small, margin: "0 0 4px" }}>{props.code.label}</Text>
              <Text style={{ fontSize: "24px", lineHeight: "32px", fontWeight: 700, letterSpacing: "2px", fontFamily: "'SFMono-Regular', Consolas, monospace", color: "#18181b", margin: 0 }}>
                {props.code.value}
              </Text>
              {props.code.note ? <Text style={{ ...small, margin: "4px 0 0" }}>{props.code.note}</Text> : null}
            </Section>
          ) : null}
          {props.after ? <Text style={paragraph}>{props.after}</Text> : null}
          {(props.notes ?? []).map((note, i) => (
            <Text key={`note-${i}`} style={paragraph}>
              {note}
            </Text>
          ))}
          {props.table ? (
            <Section style={{ margin: "0 0 20px" }}>
              {props.table.rows.map(([label, value]) => (
                <Text key={label} style={{ ...paragraph, margin: "0 0 8px" }}>
                  {label}
                  {value ? (
                    <>
                      : <strong>{value}</strong>
                    </>
                  ) : null}
                </Text>
              ))}
              {props.table.title ? <Text style={{ ...paragraph, fontWeight: 700, margin: "16px 0 8px" }}>{props.table.title}</Text> : null}
              {props.table.lines.map((line, i) => (
                <Text key={i} style={{ ...paragraph, margin: "0 0 4px" }}>
                  {line}
                </Text>
              ))}
            </Section>
          ) : null}
          {props.button ? (
            <Section style={{ textAlign: "center", margin: "8px 0 24px" }}>
              <Button
                href={props.button.href}
                style={{ backgroundColor: accentColor, color: textOn(accentColor), borderRadius: "6px", fontSize: "16px", fontWeight: 600, padding: "12px 24px", textDecoration: "none" }}
              >
                {props.button.label}
              </Button>
              {props.button.note ? <Text style={{ ...small, margin: "12px 0 0" }}>{props.button.note}</Text> : null}
            </Section>
          ) : null}
          <Hr style={{ borderColor: "#e4e4e7", margin: "24px 0 16px" }} />
          <Text style={small}>{props.footer}</Text>
          {props.unsubscribe ? (
            <Text style={small}>
              <Link href={props.unsubscribe.href} style={{ color: "#71717a", textDecoration: "underline" }}>
                {props.unsubscribe.label}
              </Link>
            </Text>
          ) : null}
        </Container>
      </Body>
    </Html>
  );
}
