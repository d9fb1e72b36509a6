/**
 * bench:grades — grade delivery after an outage and after a crash (issue 18, decision 0005).
 *
 * N trainees' grades are queued while the development platform refuses every service call
 * (503); after the outage the platform answers again. Silta runs as 1 or 2 separate processes
 * (bench/grades-instance.ts, production worker settings) on one database (SQLite file, or
 * PostgreSQL with --postgres); this process hosts the platform and watches. With --kill, the
 * first of two instances is killed with SIGKILL once a tenth of the grades arrived.
 *
 * Prints: requests to the failing platform during the outage (and per 10 minutes), time from
 * recovery to the first and the last grade delivered, time from the kill to the last delivery,
 * and duplicates (accepted scores beyond one per trainee; must be 0). A benchmark, not a test:
 * it exits 0 whether or not the targets are met.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { Op } from 'sequelize';
import { GradeOutbox, ResourceLink } from '../server/store/models';
import { countFailedCalls, gradedLink, platformUser, recordScorePosts } from '../test/grades/grade-fixtures';
import { testSilta } from '../test/helpers/test-app';
import { calibrationLine, calibrationMs } from './calibration';
import { usage } from './flags';

const { fail, whole } = usage('bench:grades');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const value = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] && !args[i + 1].startsWith('--') ? args[i + 1] : fallback;
};
for (const a of args)
  if (a.startsWith('--') && !['--trainees', '--outage', '--postgres', '--kill', '--instances', '--verbose'].includes(a))
    fail(`unknown flag ${a}`);
const TRAINEES = whole('trainees', value('trainees', '1000'), 1);
const OUTAGE_S = whole('outage', value('outage', '30'), 0);
const KILL = flag('kill');
const INSTANCES = whole('instances', value('instances', KILL ? '2' : '1'), 1);
if (KILL && INSTANCES < 2) fail('--kill needs --instances 2 or more');
const POSTGRES = flag('postgres') ? value('postgres', 'postgres://postgres@127.0.0.1:5432/bench18_grades') : undefined;
const VERBOSE = flag('verbose');

const children: ChildProcess[] = [];
const cleanup = () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

async function ensurePostgres(url: string) {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!found.rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await client.end();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const speedBefore = calibrationMs();
  if (POSTGRES) {
    await ensurePostgres(POSTGRES);
    process.env.DATABASE_URL = POSTGRES;
  } else delete process.env.DATABASE_URL;
  // The test helpers boot Silta with the development platform on a fresh database.
  const t = await testSilta();
  const platform = t.devPlatform;
  const g = await gradedLink(t);
  const link = (await ResourceLink.findByPk(g.resourceLinkId))!;
  const subs = Array.from({ length: TRAINEES }, (_, i) => `bench-${i + 1}`);
  for (const sub of subs) platform.gradebook.extraLearners.add(sub);
  const userIds: number[] = [];
  for (const sub of subs) userIds.push(await platformUser(t, sub));

  // The outage starts before anything is queued: every service call answers 503.
  platform.failNext({ status: 503, times: Infinity });
  const failed = countFailedCalls(platform);
  const recorder = recordScorePosts(platform);
  const acceptedAt: number[] = [];
  const postScore = platform.gradebook.postScore.bind(platform.gradebook);
  platform.gradebook.postScore = (item, body) => {
    const answer = postScore(item, body);
    if (answer.status === 200) acceptedAt.push(Date.now());
    return answer;
  };

  const startInstance = async (n: number) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'grades-instance.ts')], {
      env: {
        ...process.env,
        DATABASE_URL: t.env.databaseUrl,
        SECRET_KEY: t.env.secretKey,
        LOG_LEVEL: VERBOSE ? 'info' : 'silent',
      },
      stdio: ['ignore', 'pipe', VERBOSE ? 'inherit' : 'pipe'],
    });
    children.push(child);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (VERBOSE) process.stderr.write(`[silta ${n}] ${chunk.toString()}`);
        if (/^ready$/m.test(output)) resolve();
      });
      child.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`instance ${n} exited (${code}) before it was ready:\n${output}`)));
    });
    return child;
  };
  const instances = [];
  for (let i = 0; i < INSTANCES; i++) instances.push(await startInstance(i + 1));

  const queuedAt = Date.now();
  // The rows enqueueScore writes, in one statement (setting up, not what is measured).
  const scoreTimestamp = new Date().toISOString();
  await GradeOutbox.bulkCreate(
    userIds.map((userId, i) => ({
      issuer: platform.issuer,
      clientId: platform.clientId,
      resourceLinkId: g.resourceLinkId,
      userId,
      attemptId: null,
      lineItemUrl: link.agsLineitem,
      lineitemsUrl: link.agsLineitems,
      scoreGiven: (i % 10) + 1,
      scoreMaximum: 10,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      scoreTimestamp,
      status: 'pending' as const,
      nextAttemptAt: new Date(),
      lastError: null,
      sentAt: null,
    })),
  );
  const outageStart = Date.now();
  console.log(
    `bench:grades: ${TRAINEES} grades queued in ${outageStart - queuedAt} ms on ${POSTGRES ? 'PostgreSQL' : 'SQLite'}, ${INSTANCES} instance(s); platform down for ${OUTAGE_S} s`,
  );
  await sleep(OUTAGE_S * 1000);
  const outageRequests = failed.count;
  platform.auth.clearFailures();
  const recoveredAt = Date.now();

  const ids = (await GradeOutbox.findAll({ attributes: ['id'], where: { resourceLinkId: g.resourceLinkId } })).map(
    (r) => r.id,
  );
  let killedAt: number | undefined;
  let deliveredAtKill = 0;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (KILL && killedAt === undefined && acceptedAt.length >= Math.ceil(TRAINEES / 10)) {
      instances[0].kill('SIGKILL');
      killedAt = Date.now();
      deliveredAtKill = acceptedAt.length;
    }
    // The database is asked only once every trainee's grade was accepted: the watcher shares
    // the machine (and, on SQLite, the file) with the instances it measures.
    const allAccepted = new Set(recorder.posts.filter((p) => p.status === 200).map((p) => p.userId)).size >= TRAINEES;
    const sent = allAccepted
      ? await GradeOutbox.count({
          where: { id: { [Op.in]: ids }, status: { [Op.in]: ['sent', 'conflict', 'failed'] } },
        })
      : 0;
    if (sent === ids.length) break;
    if (Date.now() > deadline) {
      console.log(`gave up after 180 s: ${sent} of ${ids.length} rows final`);
      break;
    }
    await sleep(KILL && killedAt === undefined ? 5 : 100);
  }
  const lastAccepted = Math.max(...acceptedAt);
  const firstAccepted = Math.min(...acceptedAt);
  const accepted = recorder.posts.filter((p) => p.status === 200);
  const perTrainee = new Map<string, number>();
  for (const p of accepted) perTrainee.set(p.userId, (perTrainee.get(p.userId) ?? 0) + 1);
  const duplicates = [...perTrainee.values()].reduce((sum, n) => sum + n - 1, 0);
  const refused409 = recorder.posts.filter((p) => p.status === 409).length;
  const statuses = await GradeOutbox.findAll({ attributes: ['status'], where: { id: { [Op.in]: ids } } });
  const byStatus: Record<string, number> = {};
  for (const r of statuses) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  const load = (await import('node:os'))
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');

  console.log(
    `requests to the failing platform during the ${OUTAGE_S} s outage: ${outageRequests}${OUTAGE_S ? ` (${((outageRequests * 600) / OUTAGE_S).toFixed(0)} per 10 min at that rate)` : ''}`,
  );
  console.log(`recovery → first grade accepted: ${seconds(firstAccepted - recoveredAt)} s`);
  console.log(`recovery → last grade accepted:  ${seconds(lastAccepted - recoveredAt)} s`);
  console.log(`first → last accepted (drain of ${TRAINEES}): ${seconds(lastAccepted - firstAccepted)} s`);
  // The killed instance's rows are the ones claimed over a dead claim (orphaned_claims > 0):
  // the survivor recorded them `sent` (sent_at, the survivor's clock on this same machine).
  const orphaned =
    killedAt === undefined
      ? []
      : await GradeOutbox.findAll({
          attributes: ['sentAt'],
          where: { id: { [Op.in]: ids }, orphanedClaims: { [Op.gt]: 0 } },
        });
  const orphanedDone = orphaned.length ? Math.max(...orphaned.map((r) => r.sentAt?.getTime() ?? Infinity)) : undefined;
  if (killedAt !== undefined) {
    console.log(
      `instance 1 SIGKILLed after ${deliveredAtKill} grades; kill → last grade accepted: ${seconds(lastAccepted - killedAt)} s`,
    );
    console.log(
      `the killed instance's rows taken over by the other: ${orphaned.length}; kill → the last of them recorded sent: ${orphanedDone === undefined ? 'n/a' : `${seconds(orphanedDone - killedAt)} s`}`,
    );
  }
  console.log(
    `trainees with a grade: ${perTrainee.size}/${TRAINEES}; duplicates (accepted beyond one per trainee): ${duplicates}; 409 answers to resends: ${refused409}`,
  );
  console.log(`outbox rows: ${JSON.stringify(byStatus)}`);
  console.log(calibrationLine(speedBefore, calibrationMs()));
  console.log(`load average at the end (1, 5, 15 min): ${load}`);
  console.log(
    `targets: all delivered within 10 s of recovery: ${acceptedAt.length >= TRAINEES && lastAccepted - recoveredAt <= 10_000 ? 'PASS' : 'FAIL'}; duplicates 0: ${duplicates === 0 ? 'PASS' : 'FAIL'}${killedAt !== undefined ? `; killed instance's rows within 15 s: ${orphanedDone !== undefined && orphanedDone - killedAt <= 15_000 ? 'PASS' : 'FAIL'}` : ''}`,
  );

  for (const child of instances) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(
    instances.map((c) =>
      c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((resolve) => c.once('exit', resolve)),
    ),
  );
  await t.silta.close();
  t.server.close();
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
