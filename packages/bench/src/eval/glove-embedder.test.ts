import { describe, expect, it } from "vitest";
import { createGloveEmbedder, sifWeight, wordRows, type WordVectors } from "./glove-embedder.js";

const vocabulary = ["the", "parse", "json", "utf-8", "file", "stream", "color"];
const index = new Map(vocabulary.map((w, i) => [w, i]));

describe("wordRows", () => {
  it("lower-cases words and drops those not in the vocabulary", () => {
    expect(wordRows("Parse the JSON zzyzx", index)).toEqual([1, 0, 2]);
  });

  it("keeps a hyphenated token whole when the vocabulary has it", () => {
    expect(wordRows("UTF-8 file", index)).toEqual([3, 4]);
  });

  it("splits camelCase, snake_case, kebab-case and dotted identifiers into known words", () => {
    expect(wordRows("parseJSON parse_file json-stream file.color JSONStream", index)).toEqual([1, 2, 1, 4, 2, 5, 4, 6, 2, 5]);
  });
});

describe("sifWeight", () => {
  it("weighs rare words more than frequent ones, below 1", () => {
    const size = 341_479;
    const common = sifWeight(0, size, 1e-3);
    const middle = sifWeight(1_000, size, 1e-3);
    const rare = sifWeight(300_000, size, 1e-3);
    expect(common).toBeLessThan(0.02);
    expect(middle).toBeGreaterThan(common);
    expect(rare).toBeGreaterThan(middle);
    expect(rare).toBeLessThan(1);
  });
});

describe("createGloveEmbedder", () => {
  // Two topics on distinct axes, plus a shared direction every word carries.
  const dimension = 4;
  const rows = [
    [1, 0.1, 0.1, 0],
    [1, 0.9, 0, 0],
    [1, 0.8, 0.1, 0],
    [1, 0.7, 0.2, 0],
    [1, 0, 0.9, 0],
    [1, 0.1, 0.8, 0],
    [1, 0, 0, 0.9],
  ];
  const words: WordVectors = { index, vectors: Float32Array.from(rows.flat()), dimension };

  it("puts texts on the same topic closer than texts on different topics, as unit vectors", async () => {
    const embedder = createGloveEmbedder(words, { components: 0 });
    const [a, b, c] = await embedder.embed(["parse json", "the utf-8 parse", "file stream"]);
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 6);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
  });

  it("gives a text without a known word a valid unit vector", async () => {
    const [v] = await createGloveEmbedder(words).embed(["zzyzx !!"]);
    expect(v).toHaveLength(dimension);
    expect(Math.hypot(...v!)).toBeCloseTo(1, 6);
  });
});
