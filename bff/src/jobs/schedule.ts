/**
 * Periodic background work shared by every BFF instance: each run of a job is taken by one instance through a
 * lease (a single-document conditional update), so N instances do the work once per interval, not N times.
 * Jobs must be idempotent: a lease can expire while an instance still works (it then simply runs twice).
 */
import mongoose, { Schema } from 'mongoose';
import type { Logger } from 'pino';
import { isDuplicateKey } from '../db/retry';

const jobRunSchema = new Schema({ _id: String, nextRunAt: { type: Date, required: true } }, { versionKey: false });
const JobRunModel = mongoose.model('JobRun', jobRunSchema, 'job_runs');

/** Takes this interval's run of `name` if it is due; true when this instance should run it. */
export async function takeJobRun(name: string, intervalMs: number, now = new Date()): Promise<boolean> {
  try {
    const result = await JobRunModel.updateOne(
      { _id: name, nextRunAt: { $lte: now } },
      { $set: { nextRunAt: new Date(now.getTime() + intervalMs) } },
      { upsert: true },
    );
    return result.modifiedCount + result.upsertedCount === 1;
  } catch (error) {
    if (isDuplicateKey(error)) return false; // not due: the upsert's insert hit the existing job
    throw error;
  }
}

export interface ScheduledJob {
  name: string;
  intervalMs: number;
  run(): Promise<unknown>;
}

/** Checks every job each `tickMs` and runs the due ones this instance wins; returns a stop function. */
export function startJobs(jobs: ScheduledJob[], logger: Logger, tickMs = 60_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      for (const job of jobs) {
        if (!(await takeJobRun(job.name, job.intervalMs))) continue;
        const started = Date.now();
        try {
          const result = await job.run();
          logger.info({ job: job.name, ms: Date.now() - started, result }, 'job done');
        } catch (err) {
          logger.warn({ job: job.name, err }, 'job failed; it runs again next interval');
        }
      }
    } catch (err) {
      logger.warn({ err }, 'job scheduling failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
