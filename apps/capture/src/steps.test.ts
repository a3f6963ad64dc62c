import { describe, expect, it } from 'vitest';
import { stepDurationMs, stepsOf } from './steps';

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
