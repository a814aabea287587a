import { describe, expect, it } from "vitest";
import { forbiddenAddressReason, ipLiteral, refusedAddress } from "./address.js";

describe("forbiddenAddressReason", () => {
  it.each([
    ["127.0.0.1", "a loopback address"],
    ["127.8.9.10", "a loopback address"],
    ["::1", "a loopback address"],
    ["10.1.2.3", "a private network address"],
    ["172.16.0.1", "a private network address"],
    ["172.31.255.255", "a private network address"],
    ["192.168.1.1", "a private network address"],
    ["169.254.169.254", "a link-local address (e.g. a cloud metadata service)"],
    ["fe80::1", "a link-local address (e.g. a cloud metadata service)"],
    ["fc00::1", "a unique-local IPv6 address"],
    ["fd12:3456::1", "a unique-local IPv6 address"],
    ["0.0.0.0", "the unspecified address"],
    ["::", "the unspecified address"],
    ["::ffff:127.0.0.1", "a loopback address"],
    ["::ffff:169.254.169.254", "a link-local address (e.g. a cloud metadata service)"],
    ["::ffff:10.0.0.1", "a private network address"],
    ["100.64.0.1", "a carrier-grade NAT address"],
    ["224.0.0.1", "a multicast address"],
    ["255.255.255.255", "the broadcast address"],
    ["2002:7f00:1::", "a 6to4 address"],
    ["64:ff9b::7f00:1", "a NAT64 address"],
    ["93.184.216.34", null],
    ["172.32.0.1", null],
    ["2606:2800:220:1:248:1893:25c8:1946", null],
    ["::ffff:93.184.216.34", null],
  ])("%s → %s", (address, reason) => {
    expect(forbiddenAddressReason(address)).toBe(reason);
  });
});

describe("ipLiteral", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["[::1]", "::1"],
    ["example.com", null],
    ["localhost", null],
  ])("%s → %s", (host, expected) => {
    expect(ipLiteral(host)).toBe(expected);
  });
});

describe("refusedAddress", () => {
  const v4 = (...addresses: string[]) => addresses.map((address) => ({ address }));

  it("refuses a name when any of its addresses is not public, naming that one", () => {
    expect(refusedAddress("mixed.test", v4("93.184.216.34", "10.0.0.7"), {})).toEqual({ address: "10.0.0.7", reason: "a private network address" });
    expect(refusedAddress("public.test", v4("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"), {})).toBeNull();
  });

  it("lets every address through with allowPrivate, or for a host in allowHosts (any case)", () => {
    expect(refusedAddress("intranet.test", v4("127.0.0.1"), { allowPrivate: true })).toBeNull();
    expect(refusedAddress("Docs.Intranet.test", v4("10.1.2.3"), { allowHosts: ["docs.intranet.TEST"] })).toBeNull();
    expect(refusedAddress("other.intranet.test", v4("10.1.2.3"), { allowHosts: ["docs.intranet.test"] })).toMatchObject({ address: "10.1.2.3" });
    expect(refusedAddress("intranet.test", v4("169.254.169.254"), { allowPrivate: false })).toMatchObject({ reason: expect.stringContaining("link-local") });
  });
});
