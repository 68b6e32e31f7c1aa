// Drives @cloud-copilot/iam-simulate over redbridge explain inputs, for `cargo xtask iam-diff` and `cargo xtask bench iam`.
//
// usage: node run.mjs CASES.json diff            -> one JSON line per case: {"decision": ...} or {"error": ...}
//        node run.mjs CASES.json bench SECONDS   -> {"decisions": N, "seconds": S}
//        node run.mjs CASES.json explain         -> one JSON line per case with the decision and the whole
//                                                   simulation result (the whole-process run of `cargo xtask bench explain`)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const moduleDir = process.env.IAM_SIMULATE_DIR;
// IAM_SIMULATE_DIR is the npm prefix that `cargo xtask` installs into (target/xtask/iam-simulate).
const require = createRequire(pathToFileURL(moduleDir + '/package.json'));
const { runSimulation } = await import(pathToFileURL(require.resolve('@cloud-copilot/iam-simulate')));

const [, , casesPath, mode, secondsArg] = process.argv;
const cases = JSON.parse(readFileSync(casesPath, 'utf8'));

function accountOf(input) {
  if (input.resource_account) return input.resource_account;
  const parts = input.resource.split(':');
  return parts.length >= 6 ? parts[4] : '';
}

function contextOf(input) {
  const out = {};
  for (const [k, v] of Object.entries(input.context ?? {})) {
    out[k] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return out;
}

function toSimulation(input) {
  const sessions = input.session_policies ?? [];
  const sessionPolicy = sessions.length === 0 ? undefined : {
    Version: '2012-10-17',
    Statement: sessions.flatMap((p) => (Array.isArray(p.Statement) ? p.Statement : [p.Statement])),
  };
  const levels = (list, prefix, keep = (p) => p) => (list ?? []).map((policies, level) => ({
    orgIdentifier: `${prefix}-${level}`,
    policies: policies.map(keep).filter((p) => p !== null).map((policy, i) => ({ name: `${prefix}-${level}-${i}`, policy })),
  }));
  return {
    request: {
      principal: input.principal,
      action: input.action,
      resource: { resource: input.resource, accountId: accountOf(input) },
      contextVariables: contextOf(input),
    },
    sessionPolicy,
    identityPolicies: (input.identity_policies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: levels(input.scps, 'scp'),
    resourceControlPolicies: levels(input.rcps, 'rcp', rcpDenies),
    resourcePolicy: input.resource_policy ?? undefined,
    permissionBoundaryPolicies: input.permissions_boundary ? [{ name: 'boundary', policy: input.permissions_boundary }] : undefined,
  };
}

// RCPFullAWSAccess (`Allow` `*` on `*`) is attached to every level by AWS and cannot be detached;
// iam-simulate implies it and refuses `Allow` statements in RCPs, so only the other statements go.
function isFullAccess(statement) {
  const star = (v) => v === '*' || (Array.isArray(v) && v.length === 1 && v[0] === '*');
  return statement.Effect === 'Allow' && star(statement.Action) && star(statement.Resource)
    && (statement.Principal === undefined || star(statement.Principal) || star(statement.Principal?.AWS));
}

function rcpDenies(policy) {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  const kept = statements.filter((s) => !isFullAccess(s));
  return kept.length === 0 ? null : { ...policy, Statement: kept };
}

const names = { Allowed: 'allowed', ExplicitlyDenied: 'explicit_deny', ImplicitlyDenied: 'implicit_deny' };

async function decide(input) {
  try {
    const result = await runSimulation(toSimulation(input), {});
    if (result.resultType === 'error') return { error: result.errors.message };
    const ignored = result.result?.ignoredContextKeys ?? [];
    return { decision: names[result.overallResult] ?? String(result.overallResult), ignored };
  } catch (e) {
    return { error: String(e?.message ?? e) };
  }
}

if (mode === 'diff') {
  const lines = [];
  for (const input of cases) lines.push(JSON.stringify(await decide(input)));
  process.stdout.write(lines.join('\n') + '\n');
} else if (mode === 'explain') {
  const out = [];
  let i = 0;
  for (const input of cases) {
    i += 1;
    try {
      const result = await runSimulation(toSimulation(input), {});
      out.push(JSON.stringify({ input: i, decision: names[result.overallResult] ?? null, result }));
    } catch (e) {
      out.push(JSON.stringify({ input: i, error: String(e?.message ?? e) }));
    }
  }
  process.stdout.write(out.join('\n') + '\n');
} else if (mode === 'bench') {
  const simulations = cases.map(toSimulation);
  const seconds = Number(secondsArg ?? 3);
  for (const s of simulations.slice(0, 200)) await runSimulation(s, {}); // warm up
  let decisions = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    for (const s of simulations) {
      await runSimulation(s, {});
      decisions += 1;
    }
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  process.stdout.write(JSON.stringify({ decisions, seconds: elapsed }) + '\n');
} else {
  process.stderr.write('usage: node run.mjs CASES.json diff|explain|bench [SECONDS]\n');
  process.exit(2);
}
