import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { QdrantOpenApi } from "./openapi-validator.js";

type Json = Record<string, any>;

interface Point {
  id: string | number;
  vectors: { dense?: number[]; sparse: Map<string, { indices: number[]; values: number[] }> };
  payload: Json;
}

interface Collection {
  dense: Record<string, { size: number; distance: "Cosine" | "Dot" | "Euclid" }>;
  sparse: Record<string, { modifier?: string }>;
  points: Map<string, Point>;
  indexes: Map<string, string>;
}

/** Values at a dotted payload key, arrays flattened (Qdrant matches an array when any element does). */
function valuesAt(payload: Json, key: string): unknown[] {
  let current: unknown[] = [payload];
  for (const part of key.split(".")) {
    current = current.flatMap((v) =>
      v && typeof v === "object" && !Array.isArray(v) ? [(v as Json)[part]] : [],
    );
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]));
}

function matches(payload: Json, filter: Json | undefined): boolean {
  if (!filter) return true;
  const cond = (c: Json): boolean => {
    if (c.must || c.should || c.must_not) return matches(payload, c);
    if (c.is_empty) {
      const vs = valuesAt(payload, c.is_empty.key);
      return vs.length === 0 || vs.every((v) => v === null);
    }
    if (c.is_null) {
      let v: unknown = payload;
      for (const part of c.is_null.key.split("."))
        v = v && typeof v === "object" ? (v as Json)[part] : undefined;
      return v === null;
    }
    if (c.has_id) return false;
    const vs = valuesAt(payload, c.key);
    if (c.match) {
      if ("value" in c.match) return vs.some((v) => v === c.match.value);
      if ("any" in c.match) return vs.some((v) => c.match.any.includes(v));
      if ("except" in c.match) return !vs.some((v) => c.match.except.includes(v));
    }
    if (c.range) {
      const r = c.range;
      return vs.some(
        (v) =>
          typeof v === "number" &&
          (r.gt == null || v > r.gt) &&
          (r.gte == null || v >= r.gte) &&
          (r.lt == null || v < r.lt) &&
          (r.lte == null || v <= r.lte),
      );
    }
    throw new Error(`test server: unsupported condition ${JSON.stringify(c)}`);
  };
  const list = (x: unknown): Json[] => (x == null ? [] : Array.isArray(x) ? x : [x]);
  if (!list(filter.must).every(cond)) return false;
  if (list(filter.must_not).some(cond)) return false;
  const should = list(filter.should);
  if (should.length > 0 && !should.some(cond)) return false;
  return true;
}

/**
 * A local server speaking the part of Qdrant's REST API the adapter uses, in memory: collections
 * with named dense and sparse (IDF-modified) vectors, payload indexes, upsert, delete by filter,
 * scroll, count, and the Query API (nearest, sparse, prefetch + RRF / DBSF fusion). Every request
 * and 200 response is validated against Qdrant's published OpenAPI schema (`api.violations`). It
 * can fail requests on demand, to test retries.
 */
export class QdrantTestServer {
  readonly api = new QdrantOpenApi();
  readonly collections = new Map<string, Collection>();
  readonly requests: Array<{ method: string; path: string; body: unknown }> = [];
  /** Statuses to answer the next requests with instead of serving them (e.g. 503, 429). */
  failNext: number[] = [];
  private server: Server | undefined;
  url = "";

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => {
      this.server?.closeAllConnections();
      this.server?.close(() => r());
    });
  }

  private send(
    res: ServerResponse,
    method: string,
    path: string,
    status: number,
    result: unknown,
    headers: Json = {},
  ) {
    const body =
      status === 200
        ? { result, status: "ok", time: 0.0001 }
        : { status: { error: String(result) }, time: 0.0001 };
    if (status === 200) this.api.checkResponse(method, path, body);
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const body = raw ? JSON.parse(raw) : undefined;
    this.requests.push({ method, path, body });
    const failure = this.failNext.shift();
    if (failure)
      return this.send(
        res,
        method,
        path,
        failure,
        "injected failure",
        failure === 429 ? { "retry-after": "0" } : {},
      );
    if (path === "/" && method === "GET") {
      this.api.checkRequest(method, path, undefined);
      res.writeHead(200, { "content-type": "application/json" });
      const info = { title: "qdrant - vector search engine", version: "1.19.0" };
      this.api.checkResponse(method, path, info);
      return void res.end(JSON.stringify(info));
    }
    const invalid = this.api.checkRequest(method, path, body);
    if (invalid) return this.send(res, method, path, 400, `Format error in JSON body: ${invalid}`);
    try {
      const [status, result] = this.route(method, path, body ?? {});
      this.send(res, method, path, status, result);
    } catch (error) {
      this.send(res, method, path, 500, (error as Error).message);
    }
  }

  private route(method: string, path: string, body: Json): [number, unknown] {
    const m = /^\/collections\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return [404, `no route ${path}`];
    const name = decodeURIComponent(m[1]!);
    const rest = m[2] ?? "";
    const c = this.collections.get(name);
    const key = `${method} ${rest}`;
    if (key === "GET /exists") return [200, { exists: !!c }];
    if (key === "PUT ") {
      if (c) return [409, `Collection \`${name}\` already exists!`];
      this.collections.set(name, {
        dense: body.vectors,
        sparse: body.sparse_vectors ?? {},
        points: new Map(),
        indexes: new Map(),
      });
      return [200, true];
    }
    if (!c) return [404, `Collection \`${name}\` doesn't exist!`];
    switch (key) {
      case "GET ":
        return [200, this.info(c)];
      case "PUT /index":
        c.indexes.set(body.field_name, body.field_schema);
        return [200, { operation_id: 1, status: "completed" }];
      case "PUT /points":
        return this.upsert(c, body);
      case "POST /points/delete": {
        for (const [id, p] of c.points) if (matches(p.payload, body.filter)) c.points.delete(id);
        return [200, { operation_id: 2, status: "completed" }];
      }
      case "POST /points/count":
        return [200, { count: [...c.points.values()].filter((p) => matches(p.payload, body.filter)).length }];
      case "POST /points/scroll":
        return this.scroll(c, body);
      case "POST /points/query":
        return [200, { points: this.query(c, body).map((h) => this.scored(h.point, h.score, body)) }];
    }
    return [404, `no route ${method} ${path}`];
  }

  private info(c: Collection): Json {
    const payloadSchema: Json = {};
    for (const [field, type] of c.indexes) payloadSchema[field] = { data_type: type, points: c.points.size };
    return {
      status: "green",
      optimizer_status: "ok",
      points_count: c.points.size,
      indexed_vectors_count: 0,
      segments_count: 1,
      config: {
        params: {
          vectors: c.dense,
          sparse_vectors: c.sparse,
          shard_number: 1,
          replication_factor: 1,
          write_consistency_factor: 1,
          on_disk_payload: true,
        },
        hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000 },
        optimizer_config: { default_segment_number: 0, flush_interval_sec: 5 },
        wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
      },
      payload_schema: payloadSchema,
    };
  }

  private upsert(c: Collection, body: Json): [number, unknown] {
    for (const p of body.points as Json[]) {
      const sparse = new Map<string, { indices: number[]; values: number[] }>();
      let dense: number[] | undefined;
      for (const [name, v] of Object.entries(p.vector as Json)) {
        if (c.dense[name]) {
          if ((v as number[]).length !== c.dense[name]!.size)
            return [
              400,
              `Wrong input: Vector dimension error: expected dim: ${c.dense[name]!.size}, got ${(v as number[]).length}`,
            ];
          dense = v as number[];
        } else if (c.sparse[name]) {
          if (new Set((v as Json).indices).size !== (v as Json).indices.length)
            return [400, "Wrong input: duplicate sparse indices"];
          sparse.set(name, v as { indices: number[]; values: number[] });
        } else return [400, `Wrong input: Not existing vector name error: ${name}`];
      }
      c.points.set(String(p.id), {
        id: p.id,
        vectors: { ...(dense ? { dense } : {}), sparse },
        payload: p.payload ?? {},
      });
    }
    return [200, { operation_id: 3, status: "completed" }];
  }

  private scroll(c: Collection, body: Json): [number, unknown] {
    const all = [...c.points.values()]
      .filter((p) => matches(p.payload, body.filter))
      .sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
    const from = body.offset == null ? 0 : all.findIndex((p) => String(p.id) >= String(body.offset));
    const limit = body.limit ?? 10;
    const page = from < 0 ? [] : all.slice(from, from + limit);
    const next = from >= 0 && from + limit < all.length ? all[from + limit]!.id : null;
    return [
      200,
      {
        points: page.map((p) => ({ id: p.id, payload: this.payload(p, body.with_payload) })),
        next_page_offset: next,
      },
    ];
  }

  private payload(p: Point, withPayload: unknown): Json | undefined {
    if (withPayload === false || withPayload == null) return undefined;
    if (Array.isArray(withPayload))
      return Object.fromEntries(withPayload.filter((k) => k in p.payload).map((k) => [k, p.payload[k]]));
    return p.payload;
  }

  private scored(p: Point, score: number, body: Json): Json {
    const payload = this.payload(p, body.with_payload);
    return { id: p.id, version: 1, score, ...(payload ? { payload } : {}) };
  }

  private query(c: Collection, req: Json, candidates?: Point[]): Array<{ point: Point; score: number }> {
    const pool = (candidates ?? [...c.points.values()]).filter((p) => matches(p.payload, req.filter));
    const limit = req.limit ?? 10;
    if (req.prefetch) {
      const lists = (Array.isArray(req.prefetch) ? req.prefetch : [req.prefetch]).map((pf: Json) =>
        this.query(c, pf),
      );
      const fusion = req.query?.fusion;
      const fused = new Map<string, { point: Point; score: number }>();
      if (fusion === "rrf") {
        // Qdrant's RRF: Σ 1 / (k + rank), k = 60 by default, rank from 1.
        for (const list of lists)
          list.forEach((h, i) => {
            const e = fused.get(String(h.point.id)) ?? { point: h.point, score: 0 };
            e.score += 1 / (60 + i + 1);
            fused.set(String(h.point.id), e);
          });
      } else if (fusion === "dbsf") {
        // Distribution-based score fusion: each list normalized by mean ± 3 standard deviations, then summed.
        for (const list of lists) {
          const scores = list.map((h) => h.score);
          const mean = scores.reduce((a, b) => a + b, 0) / (scores.length || 1);
          const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (scores.length || 1));
          const lo = mean - 3 * sd;
          const hi = mean + 3 * sd;
          for (const h of list) {
            const e = fused.get(String(h.point.id)) ?? { point: h.point, score: 0 };
            e.score += hi > lo ? Math.min(1, Math.max(0, (h.score - lo) / (hi - lo))) : 0.5;
            fused.set(String(h.point.id), e);
          }
        }
      } else throw new Error(`test server: unsupported query over prefetch ${JSON.stringify(req.query)}`);
      return [...fused.values()]
        .filter((h) => matches(h.point.payload, req.filter))
        .sort((a, b) => b.score - a.score)
        .slice(0, limit);
    }
    const q = req.query?.nearest ?? req.query;
    const using = req.using;
    let scored: Array<{ point: Point; score: number }>;
    if (Array.isArray(q)) {
      const spec = c.dense[using];
      if (!spec) throw new Error(`test server: unknown dense vector ${using}`);
      if (q.length !== spec.size)
        throw new Error(`Wrong input: Vector dimension error: expected dim: ${spec.size}, got ${q.length}`);
      scored = pool.map((p) => ({ point: p, score: denseScore(spec.distance, q, p.vectors.dense!) }));
      scored.sort((a, b) => (spec.distance === "Euclid" ? a.score - b.score : b.score - a.score));
    } else {
      const spec = c.sparse[using];
      if (!spec) throw new Error(`test server: unknown sparse vector ${using}`);
      const df = new Map<number, number>();
      const n = c.points.size;
      if (spec.modifier === "idf")
        for (const p of c.points.values())
          for (const i of p.vectors.sparse.get(using)?.indices ?? []) df.set(i, (df.get(i) ?? 0) + 1);
      // Qdrant's IDF modifier: ln(1 + (N − n + 0.5) / (n + 0.5)), applied to the query weights.
      const weight = (i: number, v: number) =>
        spec.modifier === "idf"
          ? v * Math.log(1 + (n - (df.get(i) ?? 0) + 0.5) / ((df.get(i) ?? 0) + 0.5))
          : v;
      scored = [];
      for (const p of pool) {
        const sv = p.vectors.sparse.get(using);
        if (!sv) continue;
        let s = 0;
        let hit = false;
        q.indices.forEach((i: number, j: number) => {
          const at = sv.indices.indexOf(i);
          if (at >= 0) {
            hit = true;
            s += weight(i, q.values[j]) * sv.values[at]!;
          }
        });
        if (hit) scored.push({ point: p, score: s });
      }
      scored.sort((a, b) => b.score - a.score);
    }
    return scored.slice(0, limit);
  }
}

function denseScore(distance: string, a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
    l2 += (a[i]! - b[i]!) ** 2;
  }
  if (distance === "Cosine") return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
  if (distance === "Dot") return dot;
  return Math.sqrt(l2);
}
