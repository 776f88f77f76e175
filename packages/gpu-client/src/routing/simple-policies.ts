import { type Candidate, loadOf, type RouteDecision, type RoutingPolicy, seededRandom } from "./candidate.js";

/**
 * Smooth weighted round-robin (nginx's): each endpoint gets picks in proportion to its weight,
 * spread out rather than in runs. Endpoints are keyed by id, so one leaving or coming back does
 * not reshuffle the others.
 */
export function roundRobin(): RoutingPolicy {
  const current = new Map<string, number>();
  return {
    name: "round-robin",
    pick(candidates) {
      let total = 0;
      let best: Candidate | undefined;
      for (const c of candidates) {
        const value = (current.get(c.id) ?? 0) + c.weight;
        current.set(c.id, value);
        total += c.weight;
        if (!best || value > current.get(best.id)!) best = c;
      }
      current.set(best!.id, current.get(best!.id)! - total);
      return { endpoint: best!.id, reason: "round-robin" };
    },
    forget(endpoint) {
      current.delete(endpoint);
    },
  };
}

/** The endpoint with the fewest outstanding requests per unit of weight; ties broken at random. */
export function leastOutstanding(options: { seed?: number } = {}): RoutingPolicy {
  const random = seededRandom(options.seed ?? 1);
  return {
    name: "least-outstanding",
    pick(candidates) {
      return { endpoint: lowest(candidates, random).id, reason: "least outstanding requests" };
    },
  };
}

/** Power of two choices: two endpoints drawn at random (by weight), the less loaded one wins. */
export function powerOfTwo(options: { seed?: number } = {}): RoutingPolicy {
  const random = seededRandom(options.seed ?? 1);
  const draw = (candidates: readonly Candidate[], not?: Candidate): Candidate => {
    const pool = candidates.filter((c) => c !== not);
    let total = 0;
    for (const c of pool) total += c.weight;
    let r = random() * total;
    for (const c of pool) {
      r -= c.weight;
      if (r < 0) return c;
    }
    return pool[pool.length - 1]!;
  };
  return {
    name: "power-of-two",
    pick(candidates) {
      if (candidates.length === 1) return { endpoint: candidates[0]!.id, reason: "only candidate" };
      const a = draw(candidates);
      const b = draw(candidates, a);
      return { endpoint: (loadOf(b) < loadOf(a) ? b : a).id, reason: "less loaded of two random" };
    },
  };
}

/**
 * Session affinity by rendezvous (highest-random-weight) hashing: a session keeps its endpoint
 * while it is a candidate, and only the sessions of an endpoint that leaves move. Requests with
 * no session id go to the least outstanding endpoint.
 */
export function sessionAffinity(options: { seed?: number } = {}): RoutingPolicy {
  const fallback = leastOutstanding(options);
  return {
    name: "session-affinity",
    pick(candidates, input): RouteDecision {
      if (!input.sessionId)
        return { ...fallback.pick(candidates, input), reason: "no session id: least outstanding" };
      let best: Candidate | undefined;
      let bestScore = -Infinity;
      for (const c of candidates) {
        // Weighted rendezvous: -w / ln(u), u uniform from the hash of (session, endpoint).
        const u = (hash32(`${input.sessionId}\u0000${c.id}`) + 0.5) / 4294967296;
        const score = -c.weight / Math.log(u);
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      return { endpoint: best!.id, reason: "session affinity" };
    },
  };
}

/** The least loaded candidate (per weight), ties broken at random. */
export function lowest(candidates: readonly Candidate[], random: () => number): Candidate {
  let best: Candidate[] = [];
  let bestLoad = Infinity;
  for (const c of candidates) {
    const load = loadOf(c);
    if (load < bestLoad) {
      bestLoad = load;
      best = [c];
    } else if (load === bestLoad) best.push(c);
  }
  return best[Math.floor(random() * best.length)]!;
}

function hash32(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  h ^= h >>> 13;
  h = Math.imul(h, 2246822507);
  return (h ^ (h >>> 16)) >>> 0;
}
