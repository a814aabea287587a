import ipaddr from "ipaddr.js";

/**
 * Why fetching from `address` is refused, or null when it is a public unicast address.
 * IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are judged as the IPv4 address they carry.
 * Everything that is not plain public unicast is refused: loopback, private (10/8, 172.16/12,
 * 192.168/16), link-local (169.254/16, fe80::/10, where cloud metadata lives), unique-local
 * (fc00::/7), unspecified, carrier-grade NAT, multicast, broadcast, reserved, and the IPv6
 * transition ranges (6to4, Teredo, NAT64) that can smuggle an IPv4 address.
 */
export function forbiddenAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  return range === "unicast" ? null : RANGE_LABELS[range] ?? range;
}

const RANGE_LABELS: Record<string, string> = {
  loopback: "a loopback address",
  private: "a private network address",
  linkLocal: "a link-local address (e.g. a cloud metadata service)",
  uniqueLocal: "a unique-local IPv6 address",
  unspecified: "the unspecified address",
  carrierGradeNat: "a carrier-grade NAT address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  reserved: "a reserved address",
  ipv4Mapped: "an IPv4-mapped address",
  rfc6145: "an IPv4-translated address",
  rfc6052: "a NAT64 address",
  "6to4": "a 6to4 address",
  teredo: "a Teredo address",
  benchmarking: "a benchmarking address",
  amt: "an AMT address",
  as112: "an AS112 address",
  deprecated: "a deprecated address",
  orchid2: "an ORCHIDv2 address",
  droneRemoteIdProtocolEntityTags: "a reserved address",
};

/** The host of a URL as an IP literal (brackets of IPv6 removed), or null for a name. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(":") || ipaddr.IPv4.isValidFourPartDecimal(bare)) ? bare : null;
}

/**
 * Pure: the first of `addresses` (all that `host` resolves to) that may not be fetched from, with
 * why, or null when the host may be fetched. Every address counts, so a name with one private
 * address among public ones is refused; `allowPrivate`, or `host` among `allowHosts` (any case),
 * lets every address through.
 */
export function refusedAddress(
  host: string,
  addresses: readonly { address: string }[],
  rules: { allowPrivate?: boolean; allowHosts?: readonly string[] },
): { address: string; reason: string } | null {
  const name = host.toLowerCase();
  if (rules.allowPrivate === true || (rules.allowHosts ?? []).some((h) => h.toLowerCase() === name)) return null;
  for (const { address } of addresses) {
    const reason = forbiddenAddressReason(address);
    if (reason) return { address, reason };
  }
  return null;
}
