/** What to do with a response: follow a redirect to `url`, or stop with `reason`. */
export type RedirectDecision = { follow: true; url: URL } | { follow: false; reason: string };

/**
 * Pure: the next hop for a 3xx answer, given the URLs already visited in this fetch.
 * Refuses a missing or non-http(s) Location, a loop back to a visited URL, and more than `max` hops.
 */
export function nextHop(current: URL, location: string | undefined, visited: readonly string[], max: number): RedirectDecision {
  if (!location) return { follow: false, reason: `${current.href} redirects without a Location header` };
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    return { follow: false, reason: `${current.href} redirects to an invalid URL` };
  }
  next.hash = "";
  if (next.protocol !== "http:" && next.protocol !== "https:") return { follow: false, reason: `${current.href} redirects to a ${next.protocol} URL` };
  if (visited.includes(next.href)) return { follow: false, reason: `redirect loop: ${current.href} leads back to ${next.href}` };
  if (visited.length > max) return { follow: false, reason: `more than ${max} redirects (last: ${current.href})` };
  return { follow: true, url: next };
}
