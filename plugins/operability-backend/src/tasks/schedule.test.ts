import type {
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { scheduleGlobal } from './schedule';

/** A scheduler that keeps the scheduled task, so that the test can run it. */
function capturingScheduler() {
  const tasks: Array<
    SchedulerServiceTaskInvocationDefinition & { scope?: string }
  > = [];
  const scheduler = {
    scheduleTask: async (task: (typeof tasks)[number]) => {
      tasks.push(task);
    },
  } as unknown as SchedulerService;
  return { scheduler, tasks };
}

const schedule = { frequency: { minutes: 1 }, timeout: { minutes: 1 } };

describe('scheduleGlobal', () => {
  it('schedules a global task whose runs log their start, summary and duration', async () => {
    const { scheduler, tasks } = capturingScheduler();
    const logger = mockServices.logger.mock();
    await scheduleGlobal(
      scheduler,
      logger,
      'operability-x',
      schedule,
      async () => 'did 3 things',
    );
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ id: 'operability-x', scope: 'global' });

    await tasks[0].fn(new AbortController().signal);
    const lines = logger.info.mock.calls.map(([message]) => message);
    expect(lines[0]).toBe('operability-x: started');
    expect(lines[1]).toMatch(/^operability-x: did 3 things in \d+ ms$/);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('says when a run stopped at its timeout', async () => {
    const { scheduler, tasks } = capturingScheduler();
    const logger = mockServices.logger.mock();
    const timeout = new AbortController();
    await scheduleGlobal(
      scheduler,
      logger,
      'operability-x',
      schedule,
      async signal => {
        timeout.abort();
        return signal.aborted ? 'did 1 of 3 things' : 'did 3 things';
      },
    );
    await tasks[0].fn(timeout.signal);
    expect(logger.info.mock.calls[1][0]).toMatch(
      /^operability-x: did 1 of 3 things \(stopped at the timeout; the rest is left for the next run\) in \d+ ms$/,
    );
  });

  it('ends a run at its timeout without waiting for the work still in flight', async () => {
    const { scheduler, tasks } = capturingScheduler();
    const logger = mockServices.logger.mock();
    const timeout = new AbortController();
    let finishSlowQuery: (value: string) => void = () => undefined;
    await scheduleGlobal(
      scheduler,
      logger,
      'operability-x',
      schedule,
      () => new Promise<string>(resolve => (finishSlowQuery = resolve)),
    );
    const ran = tasks[0].fn(timeout.signal);
    timeout.abort();
    await ran;
    expect(logger.info.mock.calls[1][0]).toMatch(
      /^operability-x: stopped at the timeout, in the middle of its work in \d+ ms$/,
    );
    // The work left behind ends later and changes nothing in the run log.
    finishSlowQuery('did 3 things');
    await new Promise(resolve => setImmediate(resolve));
    expect(logger.info).toHaveBeenCalledTimes(2);
  });

  it('logs a failed run and passes the error on to the scheduler', async () => {
    const { scheduler, tasks } = capturingScheduler();
    const logger = mockServices.logger.mock();
    await scheduleGlobal(scheduler, logger, 'operability-x', schedule, () =>
      Promise.reject(new Error('connection terminated')),
    );

    await expect(tasks[0].fn(new AbortController().signal)).rejects.toThrow(
      'connection terminated',
    );
    expect(logger.info.mock.calls.map(([message]) => message)).toEqual([
      'operability-x: started',
    ]);
    expect(logger.warn.mock.calls[0][0]).toMatch(
      /^operability-x: failed after \d+ ms: Error: connection terminated$/,
    );
  });
});
