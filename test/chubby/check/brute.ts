/**
 * Test helper: linearizability by brute force, straight from the definition,
 * for tiny histories. Every subset of the timed-out ops, every order of the
 * chosen ops that respects real time (A before B when A completed strictly
 * before B was invoked), run through the model.
 */
import type { Model, Operation, OpRole } from "../../../lib/chubby/check/index.js";
import { defaultRole } from "../../../lib/chubby/check/index.js";

export function bruteLinearizable<S, P>(ops: readonly Operation[], model: Model<S, P>): boolean {
  const byKey = new Map<string, Operation[]>();
  for (const op of ops) byKey.set(op.key, [...(byKey.get(op.key) ?? []), op]);
  for (const [key, list] of byKey) if (!keyLinearizable(key, list, model)) return false;
  return true;
}

function keyLinearizable<S, P>(key: string, all: readonly Operation[], model: Model<S, P>): boolean {
  const kept: { op: Operation; role: OpRole; p: P; end: number }[] = [];
  for (const op of all) {
    const role = model.role ? model.role(op) : defaultRole(op);
    if (role === "drop") continue;
    const p = (model.prepare ? model.prepare(op) : op) as P;
    kept.push({ op, role, p, end: role === "required" ? (op.completeAt as number) : Infinity });
  }
  const optional = kept.filter((k) => k.role === "optional");
  const required = kept.filter((k) => k.role === "required");
  for (let mask = 0; mask < 1 << optional.length; mask++) {
    const chosen = required.concat(optional.filter((_, i) => (mask >> i) & 1));
    if (someOrder(chosen, model, model.init(key))) return true;
  }
  return false;
}

function someOrder<S, P>(items: { op: Operation; p: P; end: number }[], model: Model<S, P>, state: S): boolean {
  if (items.length === 0) return true;
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    // `it` may go first only if no other remaining op completed strictly before it was invoked.
    if (items.some((o, j) => j !== i && o.end < it.op.invokeAt)) continue;
    const next = model.step(state, it.p);
    if (next === undefined) continue;
    if (someOrder(items.filter((_, j) => j !== i), model, next)) return true;
  }
  return false;
}
