// Names and emails a shopper, a Shopify payload or a merchant might send: other
// scripts, markup, template syntax, SQL, spreadsheet formulas, and sheer length.
export interface HostileName {
  label: string;
  firstName: string;
  lastName: string;
  /** Accepted by the domain's loose email check (normaliseEmail), stored as given. */
  email: string;
}

const long = `${"ħ".repeat(2000)}${"😀".repeat(1000)}${"क्षि".repeat(500)}`;

export const HOSTILE_NAMES: HostileName[] = [
  { label: "Hindi (Devanagari)", firstName: "अनन्या", lastName: "श्रीवास्तव", email: "अनन्या@उदाहरण.भारत" },
  { label: "Maltese ħ/ġ/ż", firstName: "Ġużeppi", lastName: "Ħabela Żammit", email: "ġużeppi.ħabela@eżempju.com.mt" },
  { label: "emoji + ZWJ", firstName: "🙂 Zoë", lastName: "👩🏽‍💻🏳️‍🌈", email: "😀.smile@example.com" },
  { label: "RTL + bidi override", firstName: "مريم", lastName: "\u202Eכהן\u202C", email: "مريم@مثال.مصر" },
  { label: "script tag", firstName: "<script>alert(1)</script>", lastName: "</textarea></title>", email: "<script>alert(1)</script>@example.com" },
  { label: "img onerror", firstName: '"><img src=x onerror=alert(1)>', lastName: "'><svg/onload=alert(2)>", email: '"><img/src=x/onerror=alert(1)>@example.com' },
  { label: "Liquid", firstName: "{{ shop.name }}", lastName: "{% render 'x' %}{{ customer.email }}", email: "{{shop.name}}@example.com" },
  { label: "SQL", firstName: "Robert'); DROP TABLE \"Referrer\";--", lastName: "' OR '1'='1", email: "robert');DROP_TABLE\"Referrer\";--@example.com" },
  { label: "spreadsheet formula", firstName: '=HYPERLINK("https://evil.example","x")', lastName: "@SUM(1+1)", email: "=cmd|'/C_calc'!A0@example.com" },
  // Every other character a spreadsheet reads as the start of a formula (csvCell neutralises = + - @ tab CR).
  { label: "formula behind - and tab", firstName: "-2+3+cmd|' /C calc'!A0", lastName: "\t=1+1", email: "minus.formula@example.com" },
  { label: "formula behind CR and +", firstName: "\r=1+2", lastName: "+SUM(1,1)", email: "cr.formula@example.com" },
  { label: "very long (4,000 chars)", firstName: long, lastName: long.slice(0, 999), email: `${"l".repeat(3000)}@${"d".repeat(60)}.example.com` },
];

/** Substrings that must never appear raw in rendered HTML or Liquid. */
export const RAW_MARKUP = ["<script>alert(1)", "<img src=x onerror", "<img/src=x/onerror", "<svg/onload", "</textarea></title>"];

/** Emails sent through the storefront (the proxy validates them strictly: most are refused, none may run). */
export const HOSTILE_PROXY_EMAILS = [
  "o'hara'--drop_table@example.com",
  "robert');DROP TABLE \"Referrer\";--@example.com",
  "<script>alert(1)</script>@example.com",
  '"><img src=x onerror=alert(1)>@example.com',
  "{{ shop.name }}@example.com",
  "ħabela.żammit@eżempju.com.mt",
  "अनन्या@उदाहरण.भारत",
  "😀@example.com",
  `${"a".repeat(240)}@example.com`,
];
