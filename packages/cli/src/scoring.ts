import { compareTemplates, type FaceTemplate } from '@visage/engine';
import { identityOf, type AnalysisOutcome, type Pair } from './datasets.js';

export const templateOf = (outcome: AnalysisOutcome | undefined): FaceTemplate | undefined =>
  outcome && 'analysis' in outcome ? outcome.analysis.template : undefined;

/** A pair with an undetected face scores -Infinity: a non-match at every threshold, never dropped. */
export function scorePair(a: FaceTemplate | undefined, b: FaceTemplate | undefined): number {
  return a && b ? compareTemplates(a, b) : Number.NEGATIVE_INFINITY;
}

export function scoreListedPairs(pairs: readonly Pair[], outcomes: Map<string, AnalysisOutcome>) {
  return pairs.map((p) => ({
    score: scorePair(templateOf(outcomes.get(p.left)), templateOf(outcomes.get(p.right))),
    same: p.same,
  }));
}

/** Every unordered pair of distinct images: same folder → genuine, different folder → impostor. */
export function scoreAllPairs(files: readonly string[], outcomes: Map<string, AnalysisOutcome>) {
  const genuine: number[] = [];
  const impostor: number[] = [];
  const templates = files.map((f) => templateOf(outcomes.get(f)));
  const identities = files.map(identityOf);
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) {
      const score = scorePair(templates[i], templates[j]);
      (identities[i] === identities[j] ? genuine : impostor).push(score);
    }
  }
  return { genuine, impostor };
}
