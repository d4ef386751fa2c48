import { describe, expect, it } from 'vitest';
import { compareHlc, createHlcClock, parseHlc } from './hlc.ts';

describe('hybrid logical clock', () => {
  it('orders by time, then counter, then node, as plain strings', () => {
    const a = '001763769600000:00000:device-a';
    expect(compareHlc(a, '001763769600000:00001:device-a')).toBeLessThan(0);
    expect(compareHlc('001763769600001:00000:device-a', '001763769600000:99999:device-z')).toBeGreaterThan(0);
    expect(compareHlc('001763769600000:00000:device-b', a)).toBeGreaterThan(0);
    expect(compareHlc('', a)).toBeLessThan(0);
  });

  it('never goes backwards: same millisecond, a clock set back, or a newer remote timestamp', () => {
    let wall = 1_000;
    const clock = createHlcClock('laptop', { now: () => wall });
    const first = clock.tick();
    const second = clock.tick();
    expect(compareHlc(second, first)).toBeGreaterThan(0);
    wall = 500; // the user set the clock back
    const third = clock.tick();
    expect(compareHlc(third, second)).toBeGreaterThan(0);
    clock.receive('000000000009000:00004:desktop');
    const fourth = clock.tick();
    expect(parseHlc(fourth)).toEqual({ millis: 9_000, counter: 5, node: 'laptop' });
  });

  it('resumes after the last timestamp it issued (kept across restarts)', () => {
    const clock = createHlcClock('laptop', { now: () => 1, last: '000000000005000:00007:laptop' });
    expect(parseHlc(clock.tick())).toMatchObject({ millis: 5_000, counter: 8 });
    expect(() => parseHlc('5000:7:laptop')).toThrow(/Not a hybrid logical clock/);
    expect(() => createHlcClock('bad node!')).toThrow(/Unusable/);
  });
});
