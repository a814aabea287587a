import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toJson } from "./tool-result.js";

// toJson must give exactly what a JSON round trip gives, for the shapes tools return.
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.date({ noInvalidDate: true })),
  node: fc.oneof({ depthSize: "small" }, tie("leaf"), fc.array(tie("node"), { maxLength: 4 }), fc.dictionary(fc.string().filter((k) => k !== "__proto__"), tie("node"), { maxKeys: 4 })),
})).node;

describe("toJson", () => {
  it("equals JSON.parse(JSON.stringify(x)) for nested objects, arrays, Dates and undefined", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string().filter((k) => k !== "__proto__"), value), (x) => {
        expect(toJson(x)).toStrictEqual(JSON.parse(JSON.stringify(x)));
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });
});
