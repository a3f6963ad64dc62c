/**
 * The capture plan of each step: how long the person has (the step's timeout, shown as a shrinking bar), and when
 * frames are taken. The browser does not judge whether the movement happened — the server does, on the frames — so
 * a step simply ends when its time is up.
 *
 * - An `action` attempt starts with a short `still` step (the server allows it first): a frontal frame for the
 *   comparison and the passive anti-spoofing score, and the neutral face the challenges are measured against.
 * - A blink lasts 100–400 ms: its frames come about every 150 ms so that one falls inside it. Turns and nods take a
 *   second or two there and back: 12 frames over about 3 s. The server takes at most 12 frames a step, 60 an attempt.
 * - The gaps between frames vary around the step's mean (a fixed cycle, not random): each frame is the camera's next
 *   picture after its due time, and a fixed gap that happens to be a whole number of camera frames would give
 *   intervals identical to the millisecond — which the server rejects as scripted (liveness.timing, too_regular).
 */

import type { Challenge, FlashColor, Step } from './api';

export interface StepPlan {
  readonly step: Step;
  /** Time to read the prompt before the first frame. */
  readonly leadInMs: number;
  /** Due time of each frame after the lead-in, in ms. */
  readonly frameOffsetsMs: readonly number[];
  /** A flash step: the screen colour shown for `durationMs`, from its start (no lead-in). */
  readonly color?: FlashColor;
  readonly durationMs?: number;
}

/** Gap multipliers, cycled: they average 1. */
const gapCycle = [0.9, 1.1, 1.0, 1.15, 0.85];

function offsets(frames: number, meanGapMs: number): number[] {
  const result: number[] = [];
  let at = 0;
  for (let i = 0; i < frames; i++) {
    result.push(Math.round(at));
    at += meanGapMs * (gapCycle[i % gapCycle.length] ?? 1);
  }
  return result;
}

const plans: Record<'still' | Challenge, Omit<StepPlan, 'step'>> = {
  still: { leadInMs: 600, frameOffsetsMs: offsets(5, 200) },
  blink: { leadInMs: 400, frameOffsetsMs: offsets(12, 150) },
  open_mouth: { leadInMs: 400, frameOffsetsMs: offsets(8, 250) },
  turn_left: { leadInMs: 400, frameOffsetsMs: offsets(12, 250) },
  turn_right: { leadInMs: 400, frameOffsetsMs: offsets(12, 250) },
  nod: { leadInMs: 400, frameOffsetsMs: offsets(12, 250) },
};

/** For a challenge this page does not know yet: frames all the same, the server judges them. */
const unknownPlan = { leadInMs: 400, frameOffsetsMs: offsets(10, 250) };

/**
 * A flash colour's frames: the first after 150 ms (the screen has changed and the camera's exposure follows), then
 * about every 120 ms, the last at least 60 ms before the colour ends (a frame taken as the next colour appears
 * would mix both). 400 ms gives 2 frames, 700 ms 4.
 */
export function flashOffsets(durationMs: number): number[] {
  const result: number[] = [];
  for (let i = 0, at = 150; at <= durationMs - 60 && result.length < 4; i++) {
    result.push(Math.round(at));
    at += 120 * (gapCycle[i % gapCycle.length] ?? 1);
  }
  return result;
}

/**
 * The steps of an attempt: one still step, then the server's challenges in its order — or, for `flash`, the
 * server's colours in its order, each a step of its own (`flash_<i>`) that lasts exactly the colour's duration.
 */
export function stepsOf(
  liveness: 'still' | 'action' | 'flash',
  challenges: readonly Challenge[],
  flash: readonly { readonly color: FlashColor; readonly duration_ms: number }[] = [],
): StepPlan[] {
  if (liveness === 'flash') {
    return [
      { step: 'still', ...plans.still },
      ...flash.slice(0, 6).map((f, i) => ({
        step: `flash_${i}` as Step,
        leadInMs: 0,
        frameOffsetsMs: flashOffsets(f.duration_ms),
        color: f.color,
        durationMs: f.duration_ms,
      })),
    ];
  }
  const names: Step[] = liveness === 'still' ? ['still'] : ['still', ...challenges];
  return names.map((step) => ({ step, ...(plans[step as keyof typeof plans] ?? unknownPlan) }));
}

/** A step's whole time (its timeout): the lead-in, the frames, and one more gap for the last one. */
export function stepDurationMs(plan: StepPlan): number {
  const last = plan.frameOffsetsMs[plan.frameOffsetsMs.length - 1] ?? 0;
  return plan.leadInMs + last + 200;
}
