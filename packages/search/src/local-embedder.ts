import type { Embedder } from "./embedder.js";

/** Identity of the local embedder's vector space; bump the version whenever its output changes. */
export const LOCAL_EMBEDDER_ID = "local:hash-v1";
export const LOCAL_EMBEDDER_DIMENSION = 1024;

// Words that carry no topic; without an IDF (which would tie vectors to one corpus) they would
// dominate every vector.
const STOPWORDS = new Set(
  (
    "a about above after again against all also am an and any are as at be because been before being below between both but by can " +
    "could did do does doing down during each either else ever every few for from further get gets got had has have having he her " +
    "here hers him his how however i if in into is it its itself just let like may me might more most much must my no nor not now " +
    "of off often on once one only or other our ours out over own per rather same she should since so some such than that the " +
    "their theirs them then there these they this those through thus to too under until up upon us use used uses using very via " +
    "was we were what when where whether which while who whom whose why will with within without would yet you your yours"
  ).split(" "),
);

const WORD = /[\p{L}\p{N}]+/gu;

/** @internal Whether a lower-cased word carries no topic (shared with the lexical index). */
export const isStopword = (word: string): boolean => STOPWORDS.has(word);

/**
 * A light suffix stripper, so "caches", "cached" and "caching" meet: good enough for retrieval
 * and stable forever (any change would need a new LOCAL_EMBEDDER_ID).
 */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  for (const [suffix, replacement, minStem] of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= minStem) return word.slice(0, -suffix.length) + replacement;
  }
  return word;
}

const SUFFIXES: [suffix: string, replacement: string, minStem: number][] = [
  ["ational", "ate", 3],
  ["ization", "ize", 3],
  ["ations", "ate", 3],
  ["ation", "ate", 3],
  ["ments", "", 4],
  ["ment", "", 4],
  ["ness", "", 4],
  ["ings", "", 3],
  ["ing", "", 3],
  ["ies", "y", 2],
  ["ied", "y", 2],
  ["edly", "", 3],
  ["ed", "", 3],
  ["ers", "er", 3],
  ["ly", "", 4],
  ["es", "", 4],
  ["sses", "ss", 2],
  ["ss", "ss", 2],
  ["us", "us", 2],
  ["is", "is", 2],
  ["s", "", 3],
  ["e", "", 4],
];

/** The topic words of a text: lower-cased, stop words dropped, stemmed. */
export function terms(text: string): string[] {
  const words = text.normalize("NFKC").toLowerCase().match(WORD) ?? [];
  return words.filter(isTopicWord).map(stem);
}

/** A lower-cased word that carries topic: not a stop word, not a lone letter. */
function isTopicWord(word: string): boolean {
  return !STOPWORDS.has(word) && (word.length > 1 || /\d/.test(word));
}

/** The trigrams of a stem marked at both ends (`<stem>`), none for stems of three letters or fewer. */
function trigramsOf(stemmed: string): string[] {
  const padded = `<${stemmed}>`;
  const grams: string[] = [];
  for (let j = 0; padded.length > 5 && j + 3 <= padded.length; j++) grams.push(padded.slice(j, j + 3));
  return grams;
}

// FNV-1a, 32-bit: fast, stable across platforms and releases.
function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Feature weights: whole terms carry the topic, adjacent pairs the phrasing, trigrams catch spelling variants. */
const TERM_WEIGHT = 1;
const PAIR_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.2;

function addFeature(counts: Map<string, number>, feature: string, weight: number) {
  counts.set(feature, (counts.get(feature) ?? 0) + weight);
}

/** @internal The local embedder's features of a text and their weighted counts (exported for the evaluation's experiments). */
export function localFeatures(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const words = terms(text);
  for (const [i, word] of words.entries()) {
    addFeature(counts, `w:${word}`, TERM_WEIGHT);
    const next = words[i + 1];
    if (next !== undefined) addFeature(counts, `p:${word} ${next}`, PAIR_WEIGHT);
    for (const gram of trigramsOf(word)) addFeature(counts, `t:${gram}`, TRIGRAM_WEIGHT);
  }
  return counts;
}

/** @internal Feature values hashed into a unit vector of `dimension` (signed feature hashing). */
export function hashFeatures(values: Iterable<readonly [feature: string, value: number]>, dimension: number): number[] {
  const vector = new Array<number>(dimension).fill(0);
  for (const [feature, value] of values) addAt(vector, signedSlot(feature, dimension), value);
  return toUnitLength(vector);
}

/** A feature's place in a vector of `dimension`, as (index + 1) times its sign. */
function signedSlot(feature: string, dimension: number): number {
  // A second hash picks the sign, so colliding features cancel out on average instead of piling up.
  return ((fnv1a(feature) % dimension) + 1) * (fnv1a(feature, 0x9747b28c) & 1 ? 1 : -1);
}

function addAt(vector: number[], slot: number, value: number): void {
  vector[Math.abs(slot) - 1]! += slot > 0 ? value : -value;
}

/** `vector` scaled in place to length 1; text without a single word (only punctuation) still gets a valid, comparable unit vector. */
function toUnitLength(vector: number[]): number[] {
  const norm = Math.hypot(...vector);
  if (norm === 0) vector[0] = 1;
  else for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
  return vector;
}

/** One distinct feature (a feature string of localFeatures), interned: its place in the vector, (bucket + 1) times its sign, as hashFeatures puts it. */
interface Feature {
  slot: number;
}

/** A stem's features: its term, its trigrams in localFeatures' order (one twice in the word, twice) and, as met, its pairs with the stems that follow it. */
interface StemFeatures {
  stem: string;
  term: Feature;
  trigrams: Feature[];
  pairs: Map<StemFeatures, Feature>;
}

// Words, stems, trigrams and pairs recur across the chunks of an ingest (a site's vocabulary), so
// each is hashed once and then known by identity: no string is built or hashed per occurrence.
// Bounded, as a long-running server embeds without end; emptied only between two texts, so within
// one text a feature has a single object.
const CACHE_LIMIT = 200_000;
const wordStems = new Map<string, StemFeatures | null>();
const stems = new Map<string, StemFeatures>();
const trigrams = new Map<string, Feature>();
let cached = 0;

function featureOf(feature: string): Feature {
  cached++;
  return { slot: signedSlot(feature, LOCAL_EMBEDDER_DIMENSION) };
}

/** What a lower-cased word adds to a text: nothing (a stop word, a lone letter) or its stem's features. */
function stemFeaturesOf(word: string): StemFeatures | null {
  let known = wordStems.get(word);
  if (known !== undefined) return known;
  known = null;
  if (isTopicWord(word)) {
    const stemmed = stem(word);
    known = stems.get(stemmed) ?? null;
    if (!known) {
      const grams = trigramsOf(stemmed).map((gram) => {
        let feature = trigrams.get(gram);
        if (!feature) trigrams.set(gram, (feature = featureOf(`t:${gram}`)));
        return feature;
      });
      known = { stem: stemmed, term: featureOf(`w:${stemmed}`), trigrams: grams, pairs: new Map() };
      stems.set(stemmed, known);
    }
  }
  wordStems.set(word, known);
  cached++;
  return known;
}

function pairOf(word: StemFeatures, next: StemFeatures): Feature {
  let pair = word.pairs.get(next);
  if (!pair) word.pairs.set(next, (pair = featureOf(`p:${word.stem} ${next.stem}`)));
  return pair;
}

/**
 * hashFeatures of localFeatures with sub-linear counts (a word said ten times is not ten times
 * the topic), without a string per feature occurrence: the same features, first counted in the
 * same order and added to the vector in that order, so the same vector to the last bit (a unit
 * test compares them).
 */
function embedOne(text: string): number[] {
  if (cached > CACHE_LIMIT) {
    for (const cache of [wordStems, stems, trigrams]) cache.clear();
    cached = 0;
  }
  const words: StemFeatures[] = [];
  for (const word of text.normalize("NFKC").toLowerCase().match(WORD) ?? []) {
    const features = stemFeaturesOf(word);
    if (features) words.push(features);
  }
  // Each distinct feature, in the order localFeatures first counts it: its slot and weighted count.
  const index = new Map<Feature, number>();
  const slots: number[] = [];
  const counts: number[] = [];
  const add = (feature: Feature, weight: number) => {
    let k = index.get(feature);
    if (k === undefined) {
      k = slots.length;
      index.set(feature, k);
      slots.push(feature.slot);
      counts.push(weight);
    } else counts[k] = (counts[k] as number) + weight;
  };
  for (const [i, word] of words.entries()) {
    add(word.term, TERM_WEIGHT);
    const next = words[i + 1];
    if (next !== undefined) add(pairOf(word, next), PAIR_WEIGHT);
    for (const gram of word.trigrams) add(gram, TRIGRAM_WEIGHT);
  }

  const vector = new Array<number>(LOCAL_EMBEDDER_DIMENSION).fill(0);
  for (let k = 0; k < slots.length; k++) addAt(vector, slots[k] as number, Math.log1p(counts[k] as number));
  return toUnitLength(vector);
}

// The embedders createLocalEmbedder made: a preparer computes their vectors in its worker threads
// itself. Known by identity, not by id, so a wrapper (one that counts or fails calls) is still called.
const localEmbedders = new WeakSet<Embedder>();

/** @internal Whether `embedder` is the built-in one itself, whose vectors any thread can compute. */
export const isLocalEmbedder = (embedder: Embedder): boolean => localEmbedders.has(embedder);

/**
 * The built-in embedder: feature hashing of stemmed words, word pairs and character trigrams
 * into a unit vector. No network, no model download, deterministic across machines and runs;
 * it matches words rather than meanings, so a query should share vocabulary with its answer.
 * Use an OpenAI-compatible embedder (createOpenAiEmbedder) for semantic search.
 */
export function createLocalEmbedder(): Embedder {
  const embedder: Embedder = {
    id: LOCAL_EMBEDDER_ID,
    dimension: LOCAL_EMBEDDER_DIMENSION,
    async embed(texts) {
      return texts.map((text) => embedOne(text));
    },
  };
  localEmbedders.add(embedder);
  return embedder;
}
