import { describe, expect, it } from "vitest";
import { createLocalEmbedder, hashFeatures, LOCAL_EMBEDDER_DIMENSION, localFeatures, stem, terms } from "./local-embedder.js";

const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0);

describe("local embedder", () => {
  it("makes unit vectors of a fixed dimension, the same on every call", async () => {
    const embedder = createLocalEmbedder();
    const [a, b, again] = await embedder.embed(["Caching HTTP responses", "", "Caching HTTP responses"]);
    expect(a).toHaveLength(LOCAL_EMBEDDER_DIMENSION);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 10);
    expect(Math.hypot(...b!)).toBeCloseTo(1, 10);
    expect(again).toEqual(a);
  });

  it("puts texts about the same topic closer than unrelated ones", async () => {
    const [query, cache, vacuum] = await createLocalEmbedder().embed([
      "how long are cached responses kept",
      "The Cache-Control header tells caches how long a response may be kept before it is revalidated.",
      "VACUUM reclaims the space of dead tuples left behind by updates and deletes in PostgreSQL tables.",
    ]);
    expect(cosine(query!, cache!)).toBeGreaterThan(0.2);
    expect(cosine(query!, cache!)).toBeGreaterThan(cosine(query!, vacuum!) + 0.15);
  });

  it("pins its vectors: a change to the features needs a new embedder id", async () => {
    const [v] = await createLocalEmbedder().embed(["token bucket rate limiting"]);
    const nonZero = v!.flatMap((x, i) => (x === 0 ? [] : [i]));
    // Recorded from version hash-v1; if this fails, collections made by the old version would
    // be queried with different vectors: bump LOCAL_EMBEDDER_ID instead of updating these numbers.
    expect(nonZero).toEqual(PINNED_NON_ZERO);
    expect(v!.reduce((sum, x, i) => sum + x * (i + 1), 0)).toBeCloseTo(PINNED_CHECKSUM, 6);
  });

  it("computes exactly the vector its features define (hashFeatures of localFeatures, sub-linear counts), to the last bit", async () => {
    const texts = [
      "Caching caches cached: the cache keeps cached responses; caching again.",
      "aaaaaa aaaaaa bbb bbb bbb x 7 a1 the of",
      "Résumé naïve café — ｆｕｌｌｗｉｄｔｈ ＡＢＣ 東京 東京 tokyo",
      "policy policies policy policies, request request response request",
      "",
      "?!",
      Array.from({ length: 400 }, (_, i) => `word${i % 37} term${i % 11}`).join(" "),
    ];
    // Twice: the second pass is answered from the word and pair caches.
    for (const pass of [1, 2]) {
      const vectors = await createLocalEmbedder().embed(texts);
      texts.forEach((text, i) => {
        const reference = hashFeatures([...localFeatures(text)].map(([feature, count]) => [feature, Math.log1p(count)] as const), LOCAL_EMBEDDER_DIMENSION);
        expect({ pass, text, vector: vectors[i] }).toEqual({ pass, text, vector: reference });
      });
    }
  });

  it("stems common English endings together and drops stop words", () => {
    expect(["caches", "cached", "caching", "cache"].map(stem)).toEqual(["cach", "cach", "cach", "cach"]);
    expect(["policies", "policy"].map(stem)).toEqual(["policy", "policy"]);
    expect(["status", "analysis", "keys"].map(stem)).toEqual(["status", "analysis", "key"]);
    expect(terms("What is the TTL of a DNS record?")).toEqual(["ttl", "dns", "record"]);
  });
});

const PINNED_NON_ZERO = [7, 11, 83, 86, 158, 194, 202, 248, 260, 262, 320, 321, 380, 404, 520, 539, 561, 578, 609, 636, 656, 727, 806, 845, 858, 863, 976];
const PINNED_CHECKSUM = 31.510031;
