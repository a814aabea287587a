import { describe, expect, it } from "vitest";
import { nextHop } from "./redirects.js";

describe("nextHop", () => {
  const here = new URL("http://a.test/start");
  it.each([
    ["/next", [here.href], { follow: true, url: new URL("http://a.test/next") }],
    ["https://b.test/x#frag", [here.href], { follow: true, url: new URL("https://b.test/x") }],
    [undefined, [here.href], { follow: false, reason: "http://a.test/start redirects without a Location header" }],
    ["ftp://a.test/file", [here.href], { follow: false, reason: "http://a.test/start redirects to a ftp: URL" }],
    ["/start", [here.href], { follow: false, reason: "redirect loop: http://a.test/start leads back to http://a.test/start" }],
    ["/7", ["1", "2", "3", "4", "5", "6"], { follow: false, reason: "more than 5 redirects (last: http://a.test/start)" }],
  ] as const)("Location %s", (location, visited, expected) => {
    expect(nextHop(here, location, visited, 5)).toEqual(expected);
  });
});
