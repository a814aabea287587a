import { describe, expect, it } from "vitest";
import { getBatchKey, getFits, mergeGets, mergeQueries, queryBatchKey, queryFits, splitGetAnswer, splitQueryAnswer } from "./batched-reads.js";
import type { GetBody, QueryBody } from "./chroma-rest.js";

const collection = { tenant: "t", database: "d", id: "c1" };
const query = (embedding: number[], extra: Partial<QueryBody> = {}): QueryBody => ({ query_embeddings: [embedding], n_results: 5, include: ["distances"], ...extra });

describe("batched reads", () => {
  it("batch queries only of one collection, results count, fields, filter and dimension, one embedding each", () => {
    const key = queryBatchKey(collection, query([1, 2]));
    expect(key).toBe(queryBatchKey(collection, query([3, 4])));
    expect(queryBatchKey({ ...collection, id: "c2" }, query([1, 2]))).not.toBe(key);
    expect(queryBatchKey(collection, query([1, 2], { n_results: 6 }))).not.toBe(key);
    expect(queryBatchKey(collection, query([1, 2], { include: ["distances", "metadatas"] }))).not.toBe(key);
    expect(queryBatchKey(collection, query([1, 2], { where: { sourceId: { $in: ["a"] } } }))).not.toBe(key);
    expect(queryBatchKey(collection, query([1, 2, 3]))).not.toBe(key);
    expect(queryBatchKey(collection, { ...query([1, 2]), query_embeddings: [[1, 2], [3, 4]] })).toBeNull();
  });

  it("batch gets only by a non-empty list of distinct ids, of one collection and fields", () => {
    const key = getBatchKey(collection, { ids: ["a"], include: ["documents"] });
    expect(key).toBe(getBatchKey(collection, { ids: ["b", "c"], include: ["documents"] }));
    expect(getBatchKey(collection, { ids: ["a"], include: ["documents", "metadatas"] })).not.toBe(key);
    expect(getBatchKey({ ...collection, id: "c2" }, { ids: ["a"], include: ["documents"] })).not.toBe(key);
    for (const alone of [
      { ids: [], include: [] },
      { ids: ["a", "a"], include: [] },
      { ids: ["a"], where: { x: 1 }, include: [] },
      { ids: ["a"], limit: 1, include: [] },
      { where: { x: 1 }, include: [] },
    ] as GetBody[]) {
      expect(getBatchKey(collection, alone)).toBeNull();
    }
  });

  it("fit a request within the smallest bound of its reads", () => {
    const q = (upTo: number) => ({ collection, body: query([1]), upTo });
    expect(queryFits([q(3), q(3)], q(3))).toBe(true);
    expect(queryFits([q(3), q(3), q(3)], q(3))).toBe(false);
    expect(queryFits([q(2), q(9)], q(9))).toBe(false);
    const g = (ids: string[], upTo = 4) => ({ collection, body: { ids, include: [] } as GetBody, upTo });
    expect(getFits([g(["a", "b"])], g(["c", "d"]))).toBe(true);
    expect(getFits([g(["a", "b"])], g(["c", "d", "e"]))).toBe(false);
    expect(getFits([g(["a"], 2)], g(["b", "c"]))).toBe(false);
  });

  it("split a merged query's answer into each query's own, the shared fields kept", () => {
    const merged = mergeQueries([query([1, 0], { where: { s: 1 } }), query([0, 1], { where: { s: 1 } })]);
    expect(merged).toEqual({ query_embeddings: [[1, 0], [0, 1]], n_results: 5, include: ["distances"], where: { s: 1 } });
    const answer = { ids: [["a", "b"], ["c"]], distances: [[0, 1], [2]], documents: null, metadatas: null, embeddings: null, uris: null, include: ["distances"] };
    expect(splitQueryAnswer(answer, 2)).toEqual([
      { ids: [["a", "b"]], distances: [[0, 1]], documents: null, metadatas: null, embeddings: null, uris: null, include: ["distances"] },
      { ids: [["c"]], distances: [[2]], documents: null, metadatas: null, embeddings: null, uris: null, include: ["distances"] },
    ]);
    expect(() => splitQueryAnswer(answer, 3)).toThrow(/2 result lists for 3/);
  });

  it("split a merged get's answer into each get's own records, in the answer's order, unknown ids left out", () => {
    const bodies: GetBody[] = [
      { ids: ["c", "a", "zz"], include: ["documents"] },
      { ids: ["a", "b"], include: ["documents"] },
      { ids: ["missing"], include: ["documents"] },
    ];
    expect(mergeGets(bodies)).toEqual({ ids: ["c", "a", "zz", "b", "missing"], include: ["documents"] });
    const answer = { ids: ["a", "b", "c"], documents: ["A", "B", "C"], metadatas: null, include: ["documents"] };
    expect(splitGetAnswer(answer, bodies)).toEqual([
      { ids: ["a", "c"], documents: ["A", "C"], metadatas: null, include: ["documents"] },
      { ids: ["a", "b"], documents: ["A", "B"], metadatas: null, include: ["documents"] },
      { ids: [], documents: [], metadatas: null, include: ["documents"] },
    ]);
  });
});
