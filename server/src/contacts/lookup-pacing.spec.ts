import { FakeClock, settle } from '../../test/support/fake-clock';
import { LookupPacing } from './lookup-pacing';

describe('LookupPacing', () => {
  it('spaces the questions of one session, not those of two sessions, and skips the wait of a job that asks nothing', async () => {
    const clock = new FakeClock();
    const pacing = new LookupPacing(clock, 1000);
    const asked: string[] = [];
    const question = (name: string) => (ask: <A>(question: () => Promise<A>) => Promise<A>) =>
      ask(async () => void asked.push(`${name}@${clock.now().getTime() % 100_000}`));

    const jobs = [
      pacing.run('s1', question('a')),
      pacing.run('s1', async () => undefined),
      pacing.run('s1', question('b')),
      pacing.run('s2', question('c')),
    ];
    await settle();
    expect(asked).toEqual(['a@0', 'c@0']);
    await clock.advance(1000);
    await Promise.all(jobs);
    expect(asked).toEqual(['a@0', 'c@0', 'b@1000']);
  });
});
