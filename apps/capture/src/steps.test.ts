import { describe, expect, it } from 'vitest';
import { flashOffsets, stepDurationMs, stepsOf } from './steps';

/** The time of the first camera picture at or after `due`, for a camera at `fps` whose first picture came at `phase`. */
const nextPicture = (due: number, fps: number, phase: number) => {
  const period = 1000 / fps;
  return phase + Math.ceil((due - phase) / period) * period;
};

describe('the capture plan', () => {
  it('asks for one still step, or a still step then the challenges in the server’s order', () => {
    expect(stepsOf('still', []).map((plan) => plan.step)).toEqual(['still']);
    expect(stepsOf('action', ['nod', 'blink', 'turn_left']).map((plan) => plan.step)).toEqual([
      'still',
      'nod',
      'blink',
      'turn_left',
    ]);
  });

  it('stays within the server’s limits: 3-12 frames a step, 60 an attempt, steps of 0.3-15 s', () => {
    const plans = stepsOf('action', ['blink', 'open_mouth', 'turn_left', 'turn_right']);
    expect(plans.reduce((sum, plan) => sum + plan.frameOffsetsMs.length, 0)).toBeLessThanOrEqual(60);
    for (const plan of plans) {
      expect(plan.frameOffsetsMs.length).toBeGreaterThanOrEqual(3);
      expect(plan.frameOffsetsMs.length).toBeLessThanOrEqual(12);
      const span = plan.frameOffsetsMs[plan.frameOffsetsMs.length - 1]! - plan.frameOffsetsMs[0]!;
      expect(span).toBeGreaterThanOrEqual(300);
      expect(stepDurationMs(plan)).toBeLessThan(15_000);
    }
  });

  it('gives frame intervals that are not all identical, whatever the camera’s frame rate', () => {
    for (const liveness of ['still', 'action'] as const) {
      const plans = stepsOf(liveness, ['blink', 'nod']);
      for (const fps of [10, 15, 24, 25, 30, 60]) {
        for (const phase of [0, 7.3, 21.9]) {
          let start = 1000;
          const times: number[] = [];
          for (const plan of plans) {
            for (const offset of plan.frameOffsetsMs) times.push(Math.round(nextPicture(start + offset, fps, phase)));
            start += stepDurationMs(plan);
          }
          const intervals = times.slice(1).map((time, i) => time - times[i]!);
          expect(intervals.every((interval) => interval > 0)).toBe(true);
          expect(new Set(intervals).size, `${liveness} at ${fps} fps`).toBeGreaterThan(1);
        }
      }
    }
  });
});

describe('the flash plan', () => {
  const flash = [
    { color: 'red', duration_ms: 400 },
    { color: 'blue', duration_ms: 550 },
    { color: 'yellow', duration_ms: 700 },
  ] as const;

  it('runs a still step, then one step per colour in the server’s order', () => {
    const plans = stepsOf('flash', [], flash);
    expect(plans.map((plan) => plan.step)).toEqual(['still', 'flash_0', 'flash_1', 'flash_2']);
    expect(plans.slice(1).map((plan) => plan.color)).toEqual(['red', 'blue', 'yellow']);
    expect(plans.slice(1).map((plan) => plan.durationMs)).toEqual([400, 550, 700]);
  });

  it('takes 2-4 frames inside each colour, none in its first 150 ms or last 60 ms, never machine-regular', () => {
    for (const plan of stepsOf('flash', [], flash).slice(1)) {
      expect(plan.leadInMs).toBe(0);
      expect(plan.frameOffsetsMs.length).toBeGreaterThanOrEqual(2);
      expect(plan.frameOffsetsMs.length).toBeLessThanOrEqual(4);
      expect(plan.frameOffsetsMs[0]).toBe(150);
      expect(Math.max(...plan.frameOffsetsMs)).toBeLessThanOrEqual(plan.durationMs! - 60);
      const gaps = plan.frameOffsetsMs.slice(1).map((at, i) => at - plan.frameOffsetsMs[i]!);
      if (gaps.length > 1) expect(new Set(gaps).size).toBeGreaterThan(1);
    }
    expect(flashOffsets(400)).toEqual([150, 258]);
  });
});
