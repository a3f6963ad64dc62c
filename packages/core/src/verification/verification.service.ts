import { errorRegistry, isErrorCode } from '@visage/contracts';
import { erasedCaptureSessionEvent } from '../capture/capture-session-view.js';
import { DomainError } from '../domain-error.js';
import type { Clock, Crypto, SecretBox } from '../ports.js';
import type { WebhookEvent } from '../webhooks/webhooks.ports.js';
import { checkedResidentId } from '../certification/resident-id.js';
import type { IdentitySource } from '../registry/identity.ports.js';
import type {
  AnalyzedFace,
  ConsentEvidence,
  ConsentRecord,
  ConsentRepository,
  DeletionReceipt,
  DeletionReceiptRepository,
  FaceComparison,
  FaceEnginePort,
  Product,
  StoredBlob,
  VerificationRecord,
  VerificationRepository,
} from './verification.ports.js';

import type { Caller } from './caller.js';

export type { Caller } from './caller.js';

/** The billing context behind a port: price, then reserve before work, post or void after. */
export interface Charging {
  currentPrice(product: Product): Promise<number | undefined>;
  reserve(input: { orgId: string; amountFen: number; reference: string }): Promise<{ id: string }>;
  post(reservationId: string): Promise<void>;
  void(reservationId: string): Promise<void>;
}

export interface AuditRecorder {
  record(input: {
    actor: string;
    action: string;
    subject?: string;
    reason?: string;
    data?: Record<string, unknown>;
  }): Promise<unknown>;
}

export interface SubjectLimits {
  readonly perMinute: number;
  readonly perDay: number;
}

export type ConsentInput = { readonly evidence?: ConsentEvidence; readonly consentId?: string };

export interface CallInput {
  readonly caller: Caller;
  readonly requestId: string;
  readonly consent: ConsentInput;
  readonly bizNo?: string | undefined;
  /**
   * Told the call's answer after it is stored and before it is charged: the server keeps the answer for its
   * Idempotency-Key here, so that a process killed between the two leaves an answered, uncharged call (voided and
   * marked unbilled by the sweeper) rather than a charged, unanswered one that a retry would charge again.
   */
  readonly beforeCharge?: ((call: { id: string; body: Record<string, unknown> }) => Promise<void>) | undefined;
  /** Told once the call no longer needs the face engine, before its record is stored and charged. */
  readonly engineDone?: (() => void) | undefined;
}

export const maxResultReads = 3;

/** The call log's codes of a refused registry comparison, counted against a key's daily cap. */
const registryRefusalCodes = ['registry.not_found', 'registry.name_mismatch'] as const;

interface EngineOutcome {
  readonly resultCode: string;
  /** The product-specific part of the response body. */
  readonly response: Record<string, unknown>;
  /** Faces whose templates are kept when the app keeps images. */
  readonly templates: Readonly<Record<string, AnalyzedFace>>;
}

export interface CallResult {
  readonly id: string;
  readonly resultCode: string;
  readonly billed: boolean;
  /** The response body, as stored for later reads. */
  readonly body: Record<string, unknown>;
}

export function createVerificationService(ports: {
  engine: FaceEnginePort;
  consents: ConsentRepository;
  verifications: VerificationRepository;
  receipts: DeletionReceiptRepository;
  charging: Charging;
  audit: AuditRecorder;
  secretBox: SecretBox;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId' | 'sha256Hex'>;
  subjectLimits: SubjectLimits;
  /** A keyed, one-way hash of a subject ref for receipts: linkable only by whoever holds the installation's key. */
  pseudonymize: (subjectRef: string) => string;
  /** Told after a webhook event was written (the delivery worker wakes up). */
  onWebhookEvent?: () => void;
  /** Where registry comparisons look identities up (docs/identity-sources.md); without it they are unavailable. */
  identities?: IdentitySource;
  /**
   * Where sandbox keys' registry comparisons look up (the built-in registry's sandbox records) when `identities` is
   * an external source, which sandbox keys never reach; default `identities`.
   */
  sandboxIdentities?: IdentitySource;
  /**
   * Registry refusals (registry.not_found / registry.name_mismatch) a live key may get per UTC day before its
   * registry comparisons are refused with registry.refusals_exceeded: bounds how many names and numbers a key can
   * probe. Counted in the call log, so every server process sees the same count.
   */
  registryRefusalsPerKeyPerDay?: number;
}) {
  const { engine, consents, verifications, charging, audit, secretBox, clock, crypto, pseudonymize } = ports;

  /** The consent a call rests on; inline evidence becomes a new record, which the caller stores (`isNew`). */
  async function resolveConsent(
    caller: Caller,
    input: ConsentInput,
  ): Promise<{ record: ConsentRecord; isNew: boolean }> {
    if (input.consentId !== undefined) {
      const found = await consents.find(caller.orgId, input.consentId);
      if (!found) throw new DomainError('consent.not_found');
      return { record: found, isNew: false };
    }
    if (!input.evidence) throw new DomainError('consent.required');
    const record: ConsentRecord = {
      ...input.evidence,
      id: crypto.randomId('cns'),
      orgId: caller.orgId,
      appId: caller.appId,
      createdAt: clock.now().toISOString(),
    };
    return { record, isNew: true };
  }

  async function enforceSubjectLimits(caller: Caller, subjectRef: string): Promise<void> {
    const now = clock.now().getTime();
    const windows = [
      { seconds: 60, limit: ports.subjectLimits.perMinute },
      { seconds: 86_400, limit: ports.subjectLimits.perDay },
    ];
    for (const { seconds, limit } of windows) {
      const since = new Date(now - seconds * 1000).toISOString();
      if ((await verifications.countForSubject(caller.orgId, subjectRef, since)) >= limit) {
        throw new DomainError('subject.rate_limited', { limit, window_seconds: seconds, retry_after_seconds: seconds });
      }
    }
  }

  /** A live key past its daily registry refusals is refused until the next UTC day. */
  async function enforceRegistryRefusals(caller: Caller): Promise<void> {
    const limit = ports.registryRefusalsPerKeyPerDay;
    if (limit === undefined) return;
    const now = clock.now();
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const refusals = await verifications.countKeyResults(caller.orgId, caller.keyId, registryRefusalCodes, {
      since: dayStart.toISOString(),
    });
    if (refusals >= limit) {
      const retryAfter = Math.max(1, Math.ceil((dayStart.getTime() + 86_400_000 - now.getTime()) / 1000));
      throw new DomainError('registry.refusals_exceeded', {
        limit,
        window: 'utc_day',
        retry_after_seconds: retryAfter,
      });
    }
  }

  /**
   * The frame every billable call runs in: consent, then price and reservation, then the engine, then one stored
   * record; the reservation is posted only after the record is stored and voided on any failure, so an error or a
   * crash never charges. Bad input is recorded in the call log with its code, unbilled.
   */
  async function billableCall(
    product: Product,
    input: CallInput,
    images: Readonly<Record<string, Uint8Array>>,
    run: () => Promise<EngineOutcome>,
    /** `noEvent`: a capture session's decision, whose own `capture_session.finished` event tells the app. */
    options: { keepResult?: boolean; noEvent?: boolean } = {},
  ): Promise<CallResult> {
    const { caller, requestId } = input;
    const startedAt = clock.now();
    const { record: consent, isNew: newConsent } = await resolveConsent(caller, input.consent);
    if (product === 'verification') await enforceSubjectLimits(caller, consent.subjectRef);

    let reservation: { id: string } | undefined;
    let amountFen = 0;
    if (!caller.sandbox) {
      const price = await charging.currentPrice(product);
      if (price === undefined) throw new DomainError('billing.price_not_set', { product });
      amountFen = price;
      reservation = await charging.reserve({ orgId: caller.orgId, amountFen, reference: requestId });
    }

    const id = crypto.randomId(product === 'verification' ? 'ver' : 'call');
    const base = {
      id,
      orgId: caller.orgId,
      appId: caller.appId,
      keyId: caller.keyId,
      product,
      sandbox: caller.sandbox,
      subjectRef: consent.subjectRef,
      consentId: consent.id,
      bizNo: input.bizNo ?? null,
      requestId,
    };
    let outcome: EngineOutcome;
    try {
      // Stored only once the call may go ahead: a refused call (no balance, no price) leaves nothing behind.
      if (newConsent) await consents.insert(consent);
      try {
        outcome = await run();
      } finally {
        input.engineDone?.();
      }
    } catch (error) {
      if (reservation) await charging.void(reservation.id);
      const code = clientErrorCode(error);
      if (code) {
        await verifications.insert(
          {
            ...base,
            resultCode: code,
            billed: false,
            amountFen: 0,
            createdAt: startedAt.toISOString(),
            timeUsedMs: clock.now().getTime() - startedAt.getTime(),
            resultSealed: null,
            resultExpiresAt: null,
          },
          [],
        );
      }
      throw error;
    }

    const createdAt = startedAt.toISOString();
    const timeUsedMs = clock.now().getTime() - startedAt.getTime();
    const billed = reservation !== undefined && amountFen > 0;
    const keepResult = options.keepResult === true && caller.resultRetentionSeconds > 0;
    const body: Record<string, unknown> = {
      ...(product === 'verification' ? { id, created_at: createdAt } : {}),
      request_id: requestId,
      result_code: outcome.resultCode,
      sandbox: caller.sandbox,
      billed,
      time_used_ms: timeUsedMs,
      model_id: engine.modelId,
      biz_no: input.bizNo ?? null,
      ...outcome.response,
    };
    const record: VerificationRecord = {
      ...base,
      resultCode: outcome.resultCode,
      billed,
      amountFen: billed ? amountFen : 0,
      createdAt,
      timeUsedMs,
      resultSealed: keepResult ? secretBox.seal(encodeJson(body), `verification:${id}`) : null,
      resultExpiresAt: keepResult ? addSeconds(startedAt, caller.resultRetentionSeconds) : null,
    };
    try {
      // A finished verification tells the app's webhook, in the record's own transaction (docs/webhooks.md).
      const event: WebhookEvent | undefined =
        product === 'verification' && options.noEvent !== true
          ? {
              id: crypto.randomId('evt'),
              orgId: caller.orgId,
              appId: caller.appId,
              mode: caller.sandbox ? 'sandbox' : 'live',
              type: 'verification.completed',
              payload: body,
              createdAt: clock.now().toISOString(),
            }
          : undefined;
      await verifications.insert(record, keptBlobs(caller, id, startedAt, images, outcome.templates), { event });
      if (event) ports.onWebhookEvent?.();
      await audit.record({
        actor: `key:${caller.keyId}`,
        action: `${product}.completed`,
        subject: id,
        data: {
          org: caller.orgId,
          app: caller.appId,
          request_id: requestId,
          model_id: engine.modelId,
          result_code: outcome.resultCode,
          decision_far: caller.decisionFar,
          billed,
          input_sha256: Object.fromEntries(Object.entries(images).map(([k, v]) => [k, crypto.sha256Hex(v)])),
          consent_id: consent.id,
          ...pickAuditFields(outcome.response),
        },
      });
      await input.beforeCharge?.({ id, body });
    } catch (error) {
      if (reservation) {
        await charging.void(reservation.id);
        await verifications.markUnbilled(caller.orgId, id);
      }
      throw error;
    }
    if (reservation) await charging.post(reservation.id);
    return { id, resultCode: outcome.resultCode, billed, body };
  }

  function keptBlobs(
    caller: Caller,
    id: string,
    at: Date,
    images: Readonly<Record<string, Uint8Array>>,
    faces: Readonly<Record<string, AnalyzedFace>>,
  ): StoredBlob[] {
    if (caller.imageRetentionSeconds <= 0) return [];
    const expiresAt = addSeconds(at, caller.imageRetentionSeconds);
    const seal = (role: string, bytes: Uint8Array): StoredBlob => ({
      verificationId: id,
      role,
      sealed: secretBox.seal(bytes, `blob:${id}:${role}`),
      expiresAt,
    });
    return [
      ...Object.entries(images).map(([role, bytes]) => seal(role, bytes)),
      ...Object.entries(faces).map(([role, face]) => seal(`${role}:template`, encodeJson(face.template))),
    ];
  }

  function faceView(face: AnalyzedFace) {
    return { face_count: face.faceCount, box: face.box, quality: face.quality, liveness: face.liveness };
  }

  function comparisonView(caller: Caller, comparison: FaceComparison) {
    return {
      similarity: comparison.similarity,
      confidence: comparison.confidence,
      thresholds: comparison.thresholds,
      decision_far: caller.decisionFar,
      match: comparison.match[caller.decisionFar],
    };
  }

  /** A verification's outcome: a spoofed selfie fails whatever the comparison, else the comparison decides. */
  function selfieOutcome(
    selfie: AnalyzedFace,
    comparison: ReturnType<typeof comparisonView>,
    rest: Record<string, unknown>,
    templates: EngineOutcome['templates'],
  ): EngineOutcome {
    const resultCode = !selfie.liveness.live ? 'result.spoof' : comparison.match ? 'result.pass' : 'result.no_match';
    return {
      resultCode,
      response: {
        decision: resultCode === 'result.pass' ? 'pass' : 'fail',
        ...comparison,
        liveness: selfie.liveness,
        ...rest,
      },
      templates,
    };
  }

  const analyze = (caller: Caller, image: Uint8Array) =>
    engine.analyze(image, { allowMultipleFaces: caller.allowMultipleFaces });

  return {
    async compare(input: CallInput & { image1: Uint8Array; image2: Uint8Array }) {
      return billableCall('compare', input, { image1: input.image1, image2: input.image2 }, async () => {
        const [face1, face2] = await Promise.all([
          analyze(input.caller, input.image1),
          analyze(input.caller, input.image2),
        ]);
        const comparison = comparisonView(input.caller, engine.compare(face1.template, face2.template));
        return {
          resultCode: comparison.match ? 'result.match' : 'result.no_match',
          response: { ...comparison, faces: [faceView(face1), faceView(face2)] },
          templates: { image1: face1, image2: face2 },
        };
      });
    },

    async liveness(input: CallInput & { image: Uint8Array }) {
      return billableCall('liveness', input, { image: input.image }, async () => {
        const face = await analyze(input.caller, input.image);
        return {
          resultCode: face.liveness.live ? 'result.live' : 'result.spoof',
          response: { face: faceView(face), liveness: face.liveness },
          templates: { image: face },
        };
      });
    },

    async verify(input: CallInput & { selfie: Uint8Array; reference: Uint8Array }) {
      return billableCall(
        'verification',
        input,
        { selfie: input.selfie, reference: input.reference },
        async () => {
          const [selfie, reference] = await Promise.all([
            analyze(input.caller, input.selfie),
            analyze(input.caller, input.reference),
          ]);
          const comparison = comparisonView(input.caller, engine.compare(selfie.template, reference.template));
          return selfieOutcome(
            selfie,
            comparison,
            {
              faces: { selfie: faceView(selfie), reference: faceView(reference) },
              comparison_type: 'reference',
            },
            { selfie, reference },
          );
        },
        { keepResult: true },
      );
    },

    /**
     * The selfie against the reference face of an identity record (有源比对): the record must exist and its name
     * match, else registry.not_found / registry.name_mismatch — a sandbox key gets registry.not_found for both, so
     * it cannot tell an unknown number from a wrong name. Billed, consented and logged like `verify`; the number
     * is never stored, logged or audited.
     */
    async verifyWithRegistry(input: CallInput & { selfie: Uint8Array; name: string; idNumber: string }) {
      const { caller } = input;
      return billableCall(
        'verification',
        input,
        { selfie: input.selfie },
        async () => {
          const identities = caller.sandbox ? (ports.sandboxIdentities ?? ports.identities) : ports.identities;
          if (!identities) throw new DomainError('registry.source_unavailable');
          const idNumber = checkedResidentId(input.idNumber, clock.now(), 'comparison.id_number');
          // The selfie first: an image without a usable face is refused before the registry is asked, so it cannot
          // serve to check names and numbers without a comparison.
          const selfie = await analyze(caller, input.selfie);
          if (!caller.sandbox) await enforceRegistryRefusals(caller);
          const found = await identities.lookup({ name: input.name, idNumber, sandbox: caller.sandbox });
          if (found.status !== 'found') {
            throw new DomainError(
              found.status === 'name_mismatch' && !caller.sandbox ? 'registry.name_mismatch' : 'registry.not_found',
            );
          }
          let reference = found.template;
          if (reference?.model !== engine.modelId) {
            // A template of another model (an older registry import) is useless; a photo is analysed afresh.
            if (!found.photo) throw new DomainError('registry.source_unavailable');
            reference = (await engine.analyze(found.photo, { allowMultipleFaces: true })).template;
          }
          const comparison = comparisonView(caller, engine.compare(selfie.template, reference));
          return selfieOutcome(
            selfie,
            comparison,
            { faces: { selfie: faceView(selfie) }, comparison_type: 'registry', identity_source: identities.kind },
            { selfie },
          );
        },
        { keepResult: true },
      );
    },

    /**
     * A decision computed elsewhere (a capture session's), charged once as `product` in the frame every call runs
     * in: consent, reservation, `run`, one stored record, then post — or void when `run` throws. No image is kept.
     */
    async chargedCall(
      input: CallInput & {
        product: 'verification' | 'liveness' | 'id_card_ocr';
        run: () => Promise<{ resultCode: string; response: Record<string, unknown> }>;
      },
    ): Promise<CallResult> {
      return billableCall(input.product, input, {}, async () => ({ ...(await input.run()), templates: {} }), {
        noEvent: true,
      });
    },

    async createConsent(caller: Caller, evidence: ConsentEvidence): Promise<ConsentRecord> {
      const { record } = await resolveConsent(caller, { evidence });
      await consents.insert(record);
      return record;
    },

    /** A stored verification's response, at most `maxResultReads` times and only within its retention window. */
    async read(caller: Caller, id: string): Promise<Record<string, unknown>> {
      const now = clock.now().toISOString();
      const claimed = await verifications.claimRead(caller.orgId, id, now, maxResultReads, { sandbox: caller.sandbox });
      if (!claimed) {
        const existing = await verifications.find(caller.orgId, id);
        if (!existing || existing.product !== 'verification' || existing.sandbox !== caller.sandbox) {
          throw new DomainError('verification.not_found');
        }
        throw new DomainError('result.expired');
      }
      if (claimed.product !== 'verification' || !claimed.resultSealed) throw new DomainError('verification.not_found');
      await audit.record({ actor: `key:${caller.keyId}`, action: 'verification.read', subject: id });
      const result = decodeJson(secretBox.open(claimed.resultSealed, `verification:${id}`));
      // Sealed before the charge was posted: a call whose process was killed in between was marked unbilled since.
      if (!claimed.billed && result['billed'] === true) result['billed'] = false;
      return result;
    },

    async erase(caller: Caller, id: string): Promise<DeletionReceipt> {
      const existing = await verifications.find(caller.orgId, id);
      if (!existing || existing.sandbox !== caller.sandbox) throw new DomainError('verification.not_found');
      const erased = await verifications.erase(caller.orgId, id);
      if (!erased) throw new DomainError('verification.not_found');
      return issueReceipt(caller, 'verification', id, erased);
    },

    async eraseSubject(caller: Caller, subjectRef: string): Promise<DeletionReceipt> {
      const erased = await eraseSubjectWithSessions(ports, caller.orgId, subjectRef, `key:${caller.keyId}`);
      return issueReceipt(caller, 'subject', pseudonymize(subjectRef), erased);
    },
  };

  function issueReceipt(
    caller: Caller,
    scope: DeletionReceipt['scope'],
    target: string,
    erased: DeletionReceipt['erased'],
  ): Promise<DeletionReceipt> {
    return issueDeletionReceipt(ports, { orgId: caller.orgId, scope, target, erased, actor: `key:${caller.keyId}` });
  }
}

export type VerificationService = ReturnType<typeof createVerificationService>;

/**
 * A subject's erasure (the API's and the console's): verifications, consents and capture sessions in one repository
 * transaction — open sessions are cancelled with their `capture_session.finished` event (reason `subject.erased`),
 * each audited as `capture_session.cancelled`; the caller issues the receipt (audited as `subject.erased`).
 */
export async function eraseSubjectWithSessions(
  ports: {
    verifications: Pick<VerificationRepository, 'eraseSubject'>;
    audit: AuditRecorder;
    crypto: Pick<Crypto, 'randomId'>;
    onWebhookEvent?: (() => void) | undefined;
  },
  orgId: string,
  subjectRef: string,
  actor: string,
): Promise<Awaited<ReturnType<VerificationRepository['eraseSubject']>>> {
  const cancelled: { id: string; appId: string }[] = [];
  const erased = await ports.verifications.eraseSubject(orgId, subjectRef, {
    cancelledEvent: (session, now) => {
      cancelled.push({ id: session.id, appId: session.appId });
      return erasedCaptureSessionEvent(ports.crypto, session, now);
    },
  });
  for (const session of cancelled) {
    await ports.audit.record({
      actor,
      action: 'capture_session.cancelled',
      subject: session.id,
      data: { org: orgId, app: session.appId, reason: 'subject.erased', call_id: null },
    });
  }
  if (cancelled.length > 0) ports.onWebhookEvent?.();
  return erased;
}

/**
 * Stores the receipt of an erasure and audits it as `<scope>.erased`: the same for the API's DELETE calls and the
 * console's privacy page, whose audit entries say `via: 'console'`.
 */
export async function issueDeletionReceipt(
  ports: {
    receipts: DeletionReceiptRepository;
    audit: AuditRecorder;
    clock: Clock;
    crypto: Pick<Crypto, 'randomId'>;
  },
  { orgId, scope, target, erased, actor }: Omit<DeletionReceipt, 'id' | 'createdAt'>,
  via?: 'console',
): Promise<DeletionReceipt> {
  const receipt: DeletionReceipt = {
    id: ports.crypto.randomId('del'),
    orgId,
    scope,
    target,
    erased,
    createdAt: ports.clock.now().toISOString(),
    actor,
  };
  await ports.receipts.insert(receipt);
  await ports.audit.record({
    actor,
    action: `${scope}.erased`,
    subject: target,
    data: { org: orgId, receipt: receipt.id, erased, ...(via === undefined ? {} : { via }) },
  });
  return receipt;
}

/** Bad input (image.*, face.*, …) is logged as a call; server faults are not the caller's and are not logged. */
function clientErrorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && isErrorCode(code) && errorRegistry[code].status < 500 ? code : undefined;
}

function addSeconds(at: Date, seconds: number): string {
  return new Date(at.getTime() + seconds * 1000).toISOString();
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encodeJson = (value: unknown) => encoder.encode(JSON.stringify(value));
const decodeJson = (bytes: Uint8Array) => JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;

function pickAuditFields(response: Record<string, unknown>): Record<string, unknown> {
  const { similarity, thresholds, match, decision, liveness, comparison_type, identity_source } = response;
  return { similarity, thresholds, match, decision, liveness, comparison_type, identity_source };
}
