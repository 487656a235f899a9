import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normaliseEmail } from "~/referrals/email";

describe("normaliseEmail", () => {
  it.each([
    ["  John@Example.COM ", "john@example.com"],
    ["john+promo@example.com", "john@example.com"],
    ["john+a+b@example.com", "john@example.com"],
    ["John.Smith@gmail.com", "johnsmith@gmail.com"],
    ["j.o.h.n.smith+spring@GoogleMail.com", "johnsmith@gmail.com"],
    // Dots matter outside Gmail.
    ["john.smith@example.com", "john.smith@example.com"],
    ["jo.hn@mail.example.co.uk", "jo.hn@mail.example.co.uk"],
  ])("%s -> %s", (input, expected) => {
    expect(normaliseEmail(input)).toBe(expected);
  });

  it.each(["", "   ", "john", "john@", "@example.com", "john@example", "jo hn@example.com", "a@b@c.com", "john@example..com", "+tag@example.com", "...@gmail.com"])(
    "%j is not an email",
    (input) => {
      expect(normaliseEmail(input)).toBeNull();
    },
  );

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), fc.string()), (input) => {
        const key = normaliseEmail(input);
        if (key !== null) expect(normaliseEmail(key)).toBe(key);
      }),
    );
  });

  it("ignores case and surrounding whitespace", () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.constantFrom("", " ", "\t", "\n "), (email, pad) => {
        expect(normaliseEmail(pad + email.toUpperCase() + pad)).toBe(normaliseEmail(email));
      }),
    );
  });

  it("accepts every address fast-check considers valid", () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        // fast-check's addresses may legitimately start with "+", which leaves no mailbox.
        fc.pre(!email.startsWith("+"));
        expect(normaliseEmail(email)).not.toBeNull();
      }),
    );
  });

  it("treats Gmail dot and +tag variants as one key", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9]{1,12}$/),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.stringMatching(/^[a-z0-9]{0,6}$/),
        fc.constantFrom("gmail.com", "googlemail.com"),
        (local, dotPositions, tag, domain) => {
          let dotted = local;
          for (const p of dotPositions) {
            const at = (p % dotted.length) + 1;
            dotted = dotted.slice(0, at) + "." + dotted.slice(at);
          }
          const variant = `${dotted}${tag ? `+${tag}` : ""}@${domain}`;
          expect(normaliseEmail(variant)).toBe(`${local}@gmail.com`);
        },
      ),
    );
  });
});
