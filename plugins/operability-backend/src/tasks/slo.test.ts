import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { collectNewSlos } from './slo';
import { TASK_IDS } from './schedule';

describe('collectNewSlos', () => {
  it('asks for a collection run when a source collects SLOs never collected', async () => {
    const triggerTask = jest.fn(async () => {});
    await expect(
      collectNewSlos(
        { triggerTask },
        { uncollected: async () => ['a', 'b'] },
        mockServices.logger.mock(),
      ),
    ).resolves.toBe(2);
    expect(triggerTask).toHaveBeenCalledWith(TASK_IDS.collection);
  });

  it('does nothing without new SLOs', async () => {
    const triggerTask = jest.fn(async () => {});
    await expect(
      collectNewSlos(
        { triggerTask },
        { uncollected: async () => [] },
        mockServices.logger.mock(),
      ),
    ).resolves.toBe(0);
    expect(triggerTask).not.toHaveBeenCalled();
  });

  it('leaves the SLOs to the running collection when the scheduler refuses the trigger', async () => {
    const logger = mockServices.logger.mock();
    await expect(
      collectNewSlos(
        {
          triggerTask: async () => {
            throw new ConflictError('task is currently running');
          },
        },
        { uncollected: async () => ['a'] },
        logger,
      ),
    ).resolves.toBe(0);
    expect(logger.debug).toHaveBeenCalledWith(
      expect.stringContaining('currently running'),
    );
  });
});
